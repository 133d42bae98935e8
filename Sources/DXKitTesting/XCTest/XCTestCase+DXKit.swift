import DXCassette
import DXCore
import DXMockServer
import DXWire
import Foundation
import XCTest

/// The DXKitTesting helpers for projects still on XCTest: the same scopes as ``DXMockServerTrait`` and
/// ``DXCassetteTrait``, as methods of the test case.
///
/// ```swift
/// final class WhoamiTests: XCTestCase {
///   func testRetries() async throws {
///     try await withMockServer(faults: [.status(503).times(2)]) { server, client in
///       let me = try await client.systemWhoami()
///       XCTAssertEqual(me["id"], "user-alice")
///     }
///   }
///
///   func testReplays() async throws {
///     try await withCassette("whoami") { client in
///       _ = try await client.systemWhoami()
///     }
///   }
/// }
/// ```
extension XCTestCase {
  /// Runs `body` with a mock server on a free loopback port and a ready client pointed at it; both are
  /// always stopped. See
  /// `withClient(_:faults:clientConfiguration:clock:random:logger:_:)`.
  /// - Parameters:
  ///   - configuration: The server's configuration; default a loopback server on port 0 with seed 0.
  ///   - faults: Fault rules the server starts with.
  ///   - clientConfiguration: The client's retries and timeout; default dxpy's.
  ///   - clock: The client's clock; default a new ``DXTestClock`` (retries never wait).
  ///   - body: The code under test.
  /// - Returns: What `body` returns.
  public func withMockServer<T: Sendable>(
    _ configuration: DXMockServer.Configuration = XCTestCase.seededConfiguration,
    faults: [DXTestFault] = [], clientConfiguration: DXClient.Configuration = .default,
    clock: DXTestClock = DXTestClock(), _ body: (DXMockServer, DXClient) async throws -> T
  ) async throws -> T {
    try await DXMockServer.withClient(
      configuration, faults: faults, clientConfiguration: clientConfiguration, clock: clock, body)
  }

  /// Runs `body` with a client that records into the cassette `name` on the first run and replays
  /// from it after (see ``DXCassetteTrait`` for where the file lives and when it records). A request
  /// that matches nothing fails the test with the nearest recorded candidate and the differing
  /// fields, even when `body` catches the error.
  /// - Parameters:
  ///   - name: The cassette's name (`<name>.dxcassette`).
  ///   - mode: The record mode; default `.once`.
  ///   - directory: The cassette's folder, absolute or relative to the test target's folder; default
  ///     the target's `cassettes` folder.
  ///   - upstream: Where recorded requests go; default ``DXCassetteUpstream/automatic``.
  ///   - matching: How requests are matched; default `DXCassetteMatching.default`.
  ///   - clock: The client's clock; default a new ``DXTestClock``.
  ///   - file: The test's file (it locates the `cassettes` folder); default the caller's.
  ///   - line: The line failures are reported at; default the caller's.
  ///   - body: The code under test.
  /// - Returns: What `body` returns.
  public func withCassette<T: Sendable>(
    _ name: String, mode: DXCassetteRecordMode = .once, directory: String? = nil,
    upstream: DXCassetteUpstream = .automatic, matching: DXCassetteMatching = .default,
    clock: DXTestClock = DXTestClock(), file: StaticString = #filePath, line: UInt = #line,
    _ body: (DXClient) async throws -> T
  ) async throws -> T {
    try await withCassette(
      name, mode: mode, directory: directory, upstream: upstream, matching: matching, clock: clock,
      environment: ProcessInfo.processInfo.environment, file: file, line: line, body)
  }

  /// ``withCassette(_:mode:directory:upstream:matching:clock:file:line:_:)`` in a given environment.
  func withCassette<T: Sendable>(
    _ name: String, mode: DXCassetteRecordMode, directory: String?, upstream: DXCassetteUpstream,
    matching: DXCassetteMatching, clock: DXTestClock, environment: [String: String], file: StaticString,
    line: UInt, _ body: (DXClient) async throws -> T
  ) async throws -> T {
    let trait = DXCassetteTrait(
      name: name, mode: mode, directory: directory, upstream: upstream, matching: matching,
      allowPlaybackRepeats: false)
    let misses = DXLock<[DXCassetteError]>([])
    do {
      let result = try await DXCassette.withClient(
        path: trait.path(forTestFile: "\(file)"), mode: mode, upstream: upstream, matching: matching,
        clock: clock, environment: environment, onMiss: { error in misses.withLock { $0.append(error) } }
      ) { _, client in try await body(client) }
      // The code under test caught a miss: it still fails the test.
      for miss in misses.withLock({ $0 }) { XCTFail(miss.message, file: file, line: line) }
      return result
    } catch {
      // A thrown miss reaches XCTest with its message; report only the ones caught on the way.
      for miss in misses.withLock({ $0 }) where miss != (error as? DXCassetteError) {
        XCTFail(miss.message, file: file, line: line)
      }
      throw error
    }
  }

  /// The configuration ``withMockServer(_:faults:clientConfiguration:clock:_:)`` uses by default: a
  /// loopback server on a free port, seed 0.
  public static var seededConfiguration: DXMockServer.Configuration {
    var configuration = DXMockServer.Configuration()
    configuration.seed = 0
    return configuration
  }
}
