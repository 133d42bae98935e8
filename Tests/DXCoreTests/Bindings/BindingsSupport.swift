import DXCore
import DXKitTesting
import Foundation

extension DXClient {
  /// The sleeps a test client's clock was asked for, in whole seconds.
  var sleptSeconds: [Int64]? { (clock as? DXTestClock)?.sleeps.map(\.components.seconds) }

  /// This client with `project` as the project context (dxpy's `WORKSPACE_ID` outside a job).
  func inProject(_ project: String) throws -> DXClient { try withProjectContext(project) }
}

/// A stand-in platform for in-memory tests: answers each request from a closure given the request,
/// its path and its JSON body, and records every request.
final class ScriptedPlatform: DXTransport {
  typealias Handler =
    @Sendable (_ request: DXTransportRequest, _ path: String, _ body: DXJSON) throws
    -> DXTransportResponse

  private let handler: Handler
  private let log = DXLock<[(path: String, body: DXJSON)]>([])

  init(_ handler: @escaping Handler) { self.handler = handler }

  func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    let path = URLComponents(string: request.url)?.path ?? request.url
    let body = (try? DXJSON(parsing: String(decoding: request.body, as: UTF8.self))) ?? .null
    log.withLock { $0.append((path, body)) }
    return try handler(request, path, body)
  }

  /// The paths called, in order.
  var paths: [String] { log.withLock { $0.map(\.path) } }
  /// The bodies sent to `path`, in order.
  func bodies(_ path: String) -> [DXJSON] { log.withLock { $0.filter { $0.path == path }.map(\.body) } }
}

/// A client over a ``ScriptedPlatform`` with `project` as the project context.
func scriptedClient(_ platform: ScriptedPlatform, project: String? = "project-B0000000000000000000000P")
  -> DXClient
{
  var configuration = testPlatform()
  configuration.setProjectContext(project)
  configuration.setWorkspaceID(project)
  return testClient(platform, platform: configuration)
}

/// 24-character test IDs: `id("record", 1)` is `record-000000000000000000000001`.
func testID(_ idClass: String, _ number: Int) -> String {
  let digits = String(number)
  return idClass + "-" + String(repeating: "0", count: 24 - digits.count) + digits
}

/// A per-test temporary folder for async tests, removed after `body`.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("dxbindings-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try await body(url)
}

/// 1 MiB of pseudo-random bytes (an LCG), made once.
private let testBlock: [UInt8] = {
  var bytes = [UInt8](repeating: 0, count: 1 << 20)
  var state: UInt32 = 2_463_534_242
  for index in bytes.indices {
    state = state &* 1_664_525 &+ 1_013_904_223
    bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
  }
  return bytes
}()

/// `count` varied bytes for `seed`, cheap to make in a debug build: each MiB is a fixed random block
/// rotated by an amount that depends on the seed and the MiB's position, so parts and chunks differ.
func testContent(_ count: Int, seed: Int = 1) -> Data {
  var data = Data(capacity: count)
  var position = 0
  while data.count < count {
    let rotation = (position &* 7919 &+ seed &* 104_729) % testBlock.count
    let rotated = testBlock[rotation...] + testBlock[..<rotation]
    data.append(contentsOf: rotated.prefix(count - data.count))
    position += 1
  }
  return data
}
