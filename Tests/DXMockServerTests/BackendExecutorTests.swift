import Foundation
import Synchronization
import Testing

@testable import DXMockServer

@Suite("Server — backends run on their own threads")
struct BackendExecutorTests {
  /// Answers with where its work ran, before and after a suspension.
  struct WhereBackend: DXMockBackend {
    func respond(to request: DXMockRequest) async -> DXMockWirePlan {
      let before = BackendExecutor.isCurrentThread
      try? await Task.sleep(for: .milliseconds(5))
      let after = BackendExecutor.isCurrentThread
      return .respond(.json(["before": .bool(before), "after": .bool(after)]))
    }
  }

  /// What the pool-filling tasks and the client thread share.
  final class PoolBlockers: Sendable {
    let started = Atomic<Int>(0)
    let released = Atomic<Bool>(false)
  }

  @Test func aBackendsWorkAndItsResumptionsRunOnTheBackendThreads() async throws {
    try await withServer({ $0.backend = WhereBackend() }) { server in
      let response = try await server.rawExchange(path: "/system/whoami", timeout: 30)
      #expect(response.status == 200)
      #expect(response.json?["before"] as? Bool == true)
      #expect(response.json?["after"] as? Bool == true)
    }
  }

  @Test func aBackendAnswersWhileEveryThreadOfTheCooperativePoolIsBlocked() async throws {
    try await withServer({ $0.backend = WhereBackend() }) { server in
      let port = server.port
      let blockers = PoolBlockers()
      // As many blocking tasks as the cooperative pool has threads (one per core); each holds its
      // thread until the client below is done, at most 30 s.
      let width = ProcessInfo.processInfo.activeProcessorCount
      let tasks = (0..<width).map { _ in
        Task.detached {
          blockers.started.add(1, ordering: .sequentiallyConsistent)
          let deadline = Date().addingTimeInterval(30)
          while !blockers.released.load(ordering: .sequentiallyConsistent) && Date() < deadline {
            usleep(1_000)
          }
        }
      }
      let (filled, response) = try await onDedicatedThread { () -> (Bool, RawHTTPClient.Response) in
        defer { blockers.released.store(true, ordering: .sequentiallyConsistent) }
        // Other suites' tasks may hold threads for a while: wait (at most 20 s) until every blocker runs.
        let until = Date().addingTimeInterval(20)
        while blockers.started.load(ordering: .sequentiallyConsistent) < width && Date() < until {
          usleep(1_000)
        }
        let filled = blockers.started.load(ordering: .sequentiallyConsistent) == width
        // With the pool full, only the backend's own threads can answer within the 10 s.
        return (filled, try RawHTTPClient.exchange(port: port, path: "/system/whoami", timeout: 10))
      }
      for task in tasks { await task.value }
      #expect(
        filled, "the blockers never filled the pool: the answer does not show the backend's independence")
      #expect(response.status == 200)
      #expect(response.json?["after"] as? Bool == true)
    }
  }
}
