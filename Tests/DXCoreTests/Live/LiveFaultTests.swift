import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

@Suite("Live — DXClient against dx-mock-server faults", .timeLimit(.minutes(2)))
struct LiveFaultTests {
  @Test("a plain call succeeds with dxpy's headers on the wire", .dxMockServer(random: .lowest))
  func plain() async throws {
    let (server, client, clock) = try Self.scoped()
    let me = try await client.systemWhoami()
    #expect(me["id"] == "user-alice")
    let entry = try #require(server.attempts("/system/whoami").first)
    #expect(entry.method == "POST")
    #expect(entry.headers["DNAnexus-API"] == "1.0.0")
    #expect(entry.headers["User-Agent"]?.hasPrefix("DXKit/") == true)
    #expect(entry.headers["Content-Type"] == "application/json")
    #expect(entry.headers["Accept-Encoding"] == "identity")
    #expect(clock.sleeps.isEmpty)
  }

  @Test(
    "503 with Retry-After, twice: 3 attempts, delays 1 and 1 (throttled, not counted)",
    .dxMockServer(faults: [.status(503, retryAfter: 1).on(path: "/system/whoami").times(2)], random: .lowest))
  func serviceUnavailable() async throws {
    let (server, client, clock) = try Self.scoped()
    let me = try await client.systemWhoami(options: DXRequestOptions(maxRetries: 1))
    #expect(me["id"] == "user-alice")
    #expect(server.attempts("/system/whoami").map(\.status) == [503, 503, 200])
    #expect(clock.sleeps == [.seconds(1), .seconds(1)])
  }

  @Test(
    "429 with Retry-After 4 on the second attempt: 4 + int(0.25 * 1 * 4) = 5",
    .dxMockServer(faults: [.status(429, retryAfter: 4).on(path: "/system/whoami").times(2)], random: .lowest))
  func rateLimited() async throws {
    let (_, client, clock) = try Self.scoped()
    _ = try await client.systemWhoami()
    #expect(clock.sleeps == [.seconds(4), .seconds(5)])
  }

  @Test(
    "500 on every attempt: maxRetries 2 gives 3 attempts, then InternalError",
    .dxMockServer(faults: [.status(500).on(path: "/system/whoami")], random: .lowest))
  func internalError() async throws {
    let (server, client, clock) = try Self.scoped()
    await #expect {
      try await client.systemWhoami(options: DXRequestOptions(maxRetries: 2))
    } throws: { error in
      (error as? DXAPIError).map { $0.type == .internalError && $0.status == 500 } ?? false
    }
    #expect(server.attempts("/system/whoami").count == 3)
    #expect(clock.sleeps == [.seconds(1), .seconds(1)])
  }

  @Test(
    "422 is not retried",
    .dxMockServer(
      faults: [.status(422, errorType: "InvalidInput").on(path: "/system/whoami")], random: .lowest))
  func unprocessable() async throws {
    let (server, client, clock) = try Self.scoped()
    await #expect(throws: DXAPIError.self) { try await client.systemWhoami() }
    #expect(server.attempts("/system/whoami").count == 1)
    #expect(clock.sleeps.isEmpty)
  }

  @Test(
    "a truncated body is retried for POST; every attempt truncated ends in incomplete reads",
    .dxMockServer(faults: [.truncate(sendBytes: 3).on(path: "/system/whoami").times(1)], random: .lowest))
  func truncated() async throws {
    let (server, client, clock) = try Self.scoped()
    let me = try await client.request("/system/whoami", maxRetries: 3)
    #expect(me["id"] == "user-alice")
    let first = try #require(server.attempts("/system/whoami").first)
    #expect(first.outcome == "truncated")
    #expect(first.sentBytes == 3)
    #expect(clock.sleeps == [.seconds(1)])

    server.clearJournal()
    try server.addFault(.truncate(sendBytes: 2).on(path: "/system/greet"))
    await #expect {
      try await client.request("/system/greet", maxRetries: 2)
    } throws: { error in
      (error as? DXResponseError)?.isIncompleteReads ?? false
    }
    #expect(server.attempts("/system/greet").count == 3)
  }

  @Test(
    "no Content-Length and bad JSON: retried by the wrapper (alwaysRetry), not by a plain POST",
    .dxMockServer(faults: [.noContentLength.on(path: "/system/whoami").times(1)], random: .lowest))
  func noContentLength() async throws {
    let (server, client, _) = try Self.scoped()
    let me = try await client.systemWhoami()
    #expect(me["id"] == "user-alice")
    #expect(server.attempts("/system/whoami").count == 2)

    try server.addFault(.noContentLength.on(path: "/system/greet").times(1))
    await #expect(throws: DXResponseError.badJSONInReply(status: 200)) {
      try await client.request("/system/greet")
    }
    #expect(server.attempts("/system/greet").count == 1)
  }

  @Test(
    "reset and empty close are retried for POST",
    .dxMockServer(
      faults: [
        .reset.on(path: "/system/whoami").times(1), .empty.on(path: "/system/whoami").skip(1).times(1),
      ], random: .lowest))
  func connectionFaults() async throws {
    let (server, client, clock) = try Self.scoped()
    let me = try await client.request("/system/whoami")
    #expect(me["id"] == "user-alice")
    let outcomes = server.attempts("/system/whoami").map(\.outcome)
    #expect(outcomes == ["reset", "empty", "response"])
    #expect(clock.sleeps == [.seconds(1), .seconds(1)])
  }

  @Test(
    "a delay past the timeout: read timeout, not retried for POST, retried by an alwaysRetry wrapper",
    .dxMockServer(faults: [.delay(ms: 2000).on(path: "/system/greet").times(1)], random: .lowest))
  func readTimeout() async throws {
    let (server, client, _) = try Self.scoped()
    await #expect {
      try await client.request("/system/greet", timeout: .milliseconds(700))
    } throws: { error in
      (error as? DXTransportError)?.kind == .readTimeout
    }
    #expect(server.attempts("/system/greet").count == 1)
    try server.addFault(.delay(ms: 2000).on(path: "/system/whoami").times(1))
    let me = try await client.systemWhoami(options: DXRequestOptions(timeout: .milliseconds(700)))
    #expect(me["id"] == "user-alice")
    #expect(server.attempts("/system/whoami").count == 2)
  }

  @Test(
    "schedules: skip and every pick which attempts fail",
    .dxMockServer(faults: [.status(503).on(path: "/system/whoami").skip(1).every(2)], random: .lowest))
  func schedules() async throws {
    let (server, client, _) = try Self.scoped()
    // Matching requests: 1 passes (skip), then every 2nd due request fails: 3, 5, …
    for _ in 0..<3 { _ = try await client.systemWhoami() }
    #expect(server.attempts("/system/whoami").map(\.status) == [200, 200, 503, 200])
  }

  @Test(
    "the nonce is the same on every retry of one call",
    .dxMockServer(faults: [.status(503).on(path: "/record/new").times(2)], random: .lowest))
  func nonceStable() async throws {
    let (server, client, _) = try Self.scoped()
    _ = try? await client.recordNew(["project": "project-aB3456789012345678901234"])
    let nonces = server.attempts("/record/new").compactMap { entry in
      (try? DXJSON(parsing: entry.body))?["nonce"]?.stringValue
    }
    #expect(nonces.count == 3)
    #expect(Set(nonces).count == 1)
  }

  @Test("bad credentials: InvalidAuthentication, 401, not retried", .dxMockServer(random: .lowest))
  func badToken() async throws {
    let (server, client, _) = try Self.scoped()
    await #expect {
      try await client.systemWhoami(
        options: DXRequestOptions(auth: .context(DXSecurityContext(token: "wrong"))))
    } throws: { error in
      (error as? DXAPIError).map { $0.type == .invalidAuthentication && $0.status == 401 } ?? false
    }
    #expect(server.attempts("/system/whoami").count == 1)
  }

  /// The server, client and clock the trait scoped to the running test.
  static func scoped() throws -> (DXMockServer, DXClient, DXTestClock) {
    let scope = try #require(DXTestScope.current)
    return (try #require(scope.server), scope.client, scope.clock)
  }
}

extension DXMockServer {
  /// The journal entries for `path`.
  func attempts(_ path: String) -> [DXJournalEntry] { journal().filter { $0.path == path } }
}
