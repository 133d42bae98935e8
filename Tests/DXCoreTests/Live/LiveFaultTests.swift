import DXCore
import DXMockServer
import Foundation
import Testing

@Suite("Live — DXClient against dx-mock-server faults", .timeLimit(.minutes(2)))
struct LiveFaultTests {
  @Test("a plain call succeeds with dxpy's headers on the wire")
  func plain() async throws {
    try await withLiveClient { server, client, clock in
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
  }

  @Test("503 with Retry-After, twice: 3 attempts, delays 1 and 1 (throttled, not counted)")
  func serviceUnavailable() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(503, retryAfter: 1), times: 2))
      let me = try await client.systemWhoami(options: DXRequestOptions(maxRetries: 1))
      #expect(me["id"] == "user-alice")
      #expect(server.attempts("/system/whoami").map(\.status) == [503, 503, 200])
      #expect(clock.sleeps == [1, 1])
    }
  }

  @Test("429 with Retry-After 4 on the second attempt: 4 + int(0.25 * 1 * 4) = 5")
  func rateLimited() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(429, retryAfter: 4), times: 2))
      _ = try await client.systemWhoami()
      #expect(clock.sleeps == [4, 5])
    }
  }

  @Test("500 on every attempt: maxRetries 2 gives 3 attempts, then InternalError")
  func internalError() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(500)))
      await #expect {
        try await client.systemWhoami(options: DXRequestOptions(maxRetries: 2))
      } throws: { error in
        (error as? DXAPIError).map { $0.type == .internalError && $0.status == 500 } ?? false
      }
      #expect(server.attempts("/system/whoami").count == 3)
      #expect(clock.sleeps == [1, 1])
    }
  }

  @Test("422 is not retried")
  func unprocessable() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(422, errorType: "InvalidInput")))
      await #expect(throws: DXAPIError.self) { try await client.systemWhoami() }
      #expect(server.attempts("/system/whoami").count == 1)
      #expect(clock.sleeps.isEmpty)
    }
  }

  @Test("a truncated body is retried for POST; every attempt truncated ends in incomplete reads")
  func truncated() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .truncate(sendBytes: 3), times: 1))
      let me = try await client.request("/system/whoami", maxRetries: 3)
      #expect(me["id"] == "user-alice")
      let first = try #require(server.attempts("/system/whoami").first)
      #expect(first.outcome == "truncated")
      #expect(first.sentBytes == 3)
      #expect(clock.sleeps == [1])

      server.clearJournal()
      server.addFault(try DXFaultRule(path: "/system/greet", fault: .truncate(sendBytes: 2)))
      await #expect {
        try await client.request("/system/greet", maxRetries: 2)
      } throws: { error in
        (error as? DXResponseError)?.isIncompleteReads ?? false
      }
      #expect(server.attempts("/system/greet").count == 3)
    }
  }

  @Test("no Content-Length and bad JSON: retried by the wrapper (alwaysRetry), not by a plain POST")
  func noContentLength() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .noContentLength, times: 1))
      let me = try await client.systemWhoami()
      #expect(me["id"] == "user-alice")
      #expect(server.attempts("/system/whoami").count == 2)

      server.addFault(try DXFaultRule(path: "/system/greet", fault: .noContentLength, times: 1))
      await #expect(throws: DXResponseError.badJSONInReply(status: 200)) {
        try await client.request("/system/greet")
      }
      #expect(server.attempts("/system/greet").count == 1)
    }
  }

  @Test("reset and empty close are retried for POST")
  func connectionFaults() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .reset, times: 1))
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .empty, times: 1, skip: 1))
      let me = try await client.request("/system/whoami")
      #expect(me["id"] == "user-alice")
      let outcomes = server.attempts("/system/whoami").map(\.outcome)
      #expect(outcomes == ["reset", "empty", "response"])
      #expect(clock.sleeps == [1, 1])
    }
  }

  @Test("a delay past the timeout: read timeout, not retried for POST, retried by an alwaysRetry wrapper")
  func readTimeout() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/greet", fault: .delay(ms: 2000), times: 1))
      await #expect {
        try await client.request("/system/greet", timeout: .milliseconds(700))
      } throws: { error in
        (error as? DXTransportError)?.kind == .readTimeout
      }
      #expect(server.attempts("/system/greet").count == 1)
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .delay(ms: 2000), times: 1))
      let me = try await client.systemWhoami(options: DXRequestOptions(timeout: .milliseconds(700)))
      #expect(me["id"] == "user-alice")
      #expect(server.attempts("/system/whoami").count == 2)
    }
  }

  @Test("schedules: skip and every pick which attempts fail")
  func schedules() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(503), skip: 1, every: 2))
      // Matching requests: 1 passes (skip), then every 2nd due request fails: 3, 5, …
      for _ in 0..<3 { _ = try await client.systemWhoami() }
      #expect(server.attempts("/system/whoami").map(\.status) == [200, 200, 503, 200])
    }
  }

  @Test("the nonce is the same on every retry of one call")
  func nonceStable() async throws {
    try await withLiveClient { server, client, clock in
      server.addFault(try DXFaultRule(path: "/record/new", fault: .status(503), times: 2))
      _ = try? await client.recordNew(["project": "project-aB3456789012345678901234"])
      let nonces = server.attempts("/record/new").compactMap { entry in
        (try? DXJSON(parsing: entry.body))?["nonce"]?.stringValue
      }
      #expect(nonces.count == 3)
      #expect(Set(nonces).count == 1)
    }
  }

  @Test("bad credentials: InvalidAuthentication, 401, not retried")
  func badToken() async throws {
    try await withLiveClient { server, client, clock in
      await #expect {
        try await client.systemWhoami(
          options: DXRequestOptions(auth: .context(DXSecurityContext(token: "wrong"))))
      } throws: { error in
        (error as? DXAPIError).map { $0.type == .invalidAuthentication && $0.status == 401 } ?? false
      }
      #expect(server.attempts("/system/whoami").count == 1)
    }
  }
}
