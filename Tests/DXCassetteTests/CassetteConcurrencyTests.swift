import DXCore
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteConcurrency")
struct CassetteConcurrencyTests {
  typealias S = CassetteTestSupport

  @Test func manyTasksRecordWithoutLossOrDuplication() async throws {
    let path = S.cassettePath()
    let cassette = try DXCassette(path: path)
    let transport = try S.recording(cassette, mode: .once, base: S.echo())
    let tasks = 64
    let perTask = 6
    try await withThrowingTaskGroup(of: Void.self) { group in
      for task in 0..<tasks {
        group.addTask {
          for index in 0..<perTask {
            _ = try await transport.send(S.post("/record/new", #"{"task":\#(task),"i":\#(index)}"#))
            _ = try await transport.send(S.post("/system/whoami"))  // identical across tasks
          }
        }
      }
      try await group.waitForAll()
    }
    let all = try DXCassette(path: path, access: .readOnly).interactions()
    #expect(all.count == tasks * perTask * 2)
    #expect(Set(all.compactMap(\.id)).count == all.count)
    let bodies = all.filter { $0.path == "/record/new" }.map {
      String(decoding: $0.request.body, as: UTF8.self)
    }
    let expected = (0..<tasks).flatMap { task in (0..<perTask).map { #"{"task":\#(task),"i":\#($0)}"# } }
    #expect(bodies.sorted() == expected.sorted())
    let whoamiSequences = all.filter { $0.path == "/system/whoami" }.map(\.sequence)
    #expect(whoamiSequences == Array(0..<(tasks * perTask)), "each identical attempt got its own position")
  }

  @Test func manyTasksReplayEachInteractionOnce() async throws {
    let cassette = try DXCassette(path: S.cassettePath())
    let request = S.post("/file-1/describe")
    let count = 80
    try cassette.append(
      contentsOf: (0..<count).map { .init(request: request, outcome: .response(S.ok(#"{"n":\#($0)}"#))) })
    let replay = DXReplayTransport(cassette: try DXCassette(path: cassette.path, access: .readOnly))
    let bodies = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<count { group.addTask { S.text(try await replay.send(request)) } }
      var collected: [String] = []
      for try await body in group { collected.append(body) }
      return collected
    }
    #expect(Set(bodies).count == count, "no interaction was played twice")
    #expect(replay.playedIDs.count == count)
    await #expect(throws: DXCassetteError.self) { try await replay.send(request) }
  }
}
