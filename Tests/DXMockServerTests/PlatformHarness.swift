import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// Drives a ``MockPlatform`` through its router, without HTTP (the in-memory test layer).
final class PlatformHarness: Sendable {
  let platform: MockPlatform
  let router: PlatformRouter
  let clock: TestClock

  /// A settable clock (ms).
  final class TestClock: Sendable {
    private let value = DXLock(1_700_000_000_000)

    var now: Int { value.withLock { $0 } }

    func advance(_ ms: Int) { value.withLock { $0 += ms } }
  }

  init(
    users: [String] = ["alice", "bob", "carol"], seed: UInt64? = 7, statePath: String? = nil,
    jobDuration: Int = 100, jobDescribes: Int? = nil, executionRules: [DXExecutionRule] = [],
    fixtures: DXMockFixtures = .init()
  ) throws {
    let clock = TestClock()
    self.clock = clock
    platform = try MockPlatform(
      configuration: MockPlatform.Configuration(
        users: users.map { MockPlatform.User(handle: $0, tokens: ["token-\($0)"]) }, seed: seed,
        statePath: statePath, jobDuration: jobDuration, jobDescribes: jobDescribes,
        executionRules: executionRules, fixtures: fixtures),
      now: {
        clock.advance(1)
        return clock.now
      })
    var router = PlatformRouter()
    platform.register(into: &router)
    self.router = router
  }

  /// Calls `path` as `user` (a handle) and returns the result or throws the platform error.
  ///
  /// With `token`, the call authenticates with that token instead (a job's token: code running inside
  /// the job), as the user it belongs to.
  @discardableResult
  func call(_ path: String, _ input: DXJSON = [:], as user: String = "alice", token: String? = nil)
    throws(DXPlatformError) -> DXJSON
  {
    guard case .found(let handler, let target, let alias, let method) = router.resolve(path: path) else {
      throw .resourceNotFound("no route \(path)")
    }
    var caller = "user-\(user)"
    var headers: DXHTTPHeaders = ["Host": "127.0.0.1:9999", "Authorization": "Bearer token-\(user)"]
    if let token {
      guard let owner = platform.userID(forToken: token) else {
        throw .invalidAuthentication("The token could not be found or is not valid")
      }
      caller = owner
      headers = ["Host": "127.0.0.1:9999", "Authorization": "Bearer \(token)"]
    }
    let request = DXMockRequest(method: "POST", path: path, headers: headers, body: input.serializedData())
    return try handler(
      APICall(request: request, caller: caller, target: target, alias: alias, method: method, input: input))
  }

  /// The error `path` answers with (fails the test when it succeeds).
  func error(
    _ path: String, _ input: DXJSON = [:], as user: String = "alice", token: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> DXPlatformError? {
    do {
      let result = try call(path, input, as: user, token: token)
      Issue.record("expected an error from \(path), got \(result)", sourceLocation: sourceLocation)
      return nil
    } catch {
      return error
    }
  }

  /// Creates a project and returns its ID.
  func newProject(_ name: String = "p", as user: String = "alice") throws -> String {
    try call("/project/new", ["name": .string(name)], as: user)["id"]?.stringValue ?? ""
  }

  /// Creates a record and returns its ID.
  func newRecord(_ project: String, _ extra: [String: DXJSON] = [:], as user: String = "alice") throws
    -> String
  {
    var input = extra
    input["project"] = .string(project)
    return try call("/record/new", .object(input), as: user)["id"]?.stringValue ?? ""
  }

  /// The IDs in a search result's `results`.
  func ids(_ path: String, _ input: DXJSON = [:], as user: String = "alice") throws -> [String] {
    try call(path, input, as: user)["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
  }

  /// The error type `path` answers with, or `nil` (and a recorded issue) when it succeeds.
  func errorType(
    _ path: String, _ input: DXJSON = [:], as user: String = "alice",
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> String? {
    error(path, input, as: user, sourceLocation: sourceLocation)?.type
  }

  /// Sends a transfer request to the platform (upload or download URL).
  func transfer(_ method: String, _ url: String, body: Data = Data(), headers: DXHTTPHeaders = [:])
    -> DXMockResponse?
  {
    guard let range = url.range(of: "/F/") else { return nil }
    let path = String(url[range.lowerBound...])
    return platform.handleTransfer(DXMockRequest(method: method, path: path, headers: headers, body: body))
  }
}

/// A fresh temporary directory removed by `body`'s end.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("dxplatform-\(UUID().uuidString)")
    .path
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try body(path)
}

/// A fresh temporary directory removed by `body`'s end (for async bodies).
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("dxplatform-\(UUID().uuidString)")
    .path
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try await body(path)
}
