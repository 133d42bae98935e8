import DXCassette
import DXCore
import DXMockServer
import DXWire
import Foundation
import XCTest

@testable import DXKitTesting

/// The XCTest helpers, run by XCTest itself.
final class XCTestHelperTests: XCTestCase {
  /// Failures captured instead of failing the test, while `capturing` is set.
  private let captured = DXLock<(capturing: Bool, failures: [String])>((false, []))

  override func recordFailure(
    withDescription description: String, inFile filePath: String, atLine lineNumber: Int, expected: Bool
  ) {
    let kept = captured.withLock { state -> Bool in
      guard state.capturing else { return false }
      state.failures.append(description)
      return true
    }
    if !kept {
      super.recordFailure(
        withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }
  }

  func testWithMockServerGivesAReadyClientAndATestClock() async throws {
    let clock = DXTestClock()
    let statuses = try await withMockServer(faults: [.status(503, retryAfter: 1).times(1)], clock: clock) {
      server, client in
      let me = try await client.systemWhoami()
      XCTAssertEqual(me["id"], "user-alice")
      XCTAssertEqual(server.configuration.seed, 0)
      return server.journal().map(\.status)
    }
    XCTAssertEqual(statuses, [503, 200])
    XCTAssertEqual(clock.sleeps, [.seconds(1)])
  }

  func testWithCassetteReplaysTheCommittedCassette() async throws {
    let id = try await withCassette("whoami", upstream: .mockServer(seed: 0)) { client in
      try await client.systemWhoami()["id"]
    }
    XCTAssertEqual(id, "user-alice")
  }

  func testAMissFailsTheTestEvenWhenTheCodeCatchesIt() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxkit-xctest-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await withCassette(
      "miss", mode: .once, directory: directory, upstream: .mockServer(seed: 0), matching: .default,
      clock: DXTestClock(), environment: [:], file: #filePath, line: #line
    ) { client in
      _ = try await client.request("/project/new", data: ["name": "one"])
    }
    captured.withLock { $0.capturing = true }
    try await withCassette(
      "miss", mode: .once, directory: directory, upstream: .mockServer(seed: 0), matching: .default,
      clock: DXTestClock(), environment: ["CI": "true"], file: #filePath, line: #line
    ) { client in
      _ = try? await client.request("/project/new", data: ["name": "two"])
    }
    let failures = captured.withLock { state -> [String] in
      state.capturing = false
      return state.failures
    }
    XCTAssertEqual(failures.count, 1)
    XCTAssertTrue(failures.first?.contains("nearest candidate: #1 POST /project/new") == true, "\(failures)")
    XCTAssertTrue(failures.first?.contains(#"body.name: "two" ≠ "one""#) == true, "\(failures)")
  }
}
