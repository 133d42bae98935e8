import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Server — wire faults (raw sockets)")
struct ServerWireFaultTests {
  /// The exact bytes a whoami answer has, to compare truncations against.
  private static let whoamiBody = #"{"id":"user-alice"}"#

  @Test func truncateDeclaresTheRealLengthAndSendsFewerBytes() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami truncate sendBytes=5")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 200)
      #expect(response.contentLength == Self.whoamiBody.utf8.count)
      #expect(response.body == Array(Self.whoamiBody.utf8.prefix(5)))
      #expect(response.ending == .eof)
      expectStandardHeaders(response)
      let entry = try #require(server.journal().last)
      #expect(entry.outcome == "truncated")
      #expect(entry.declaredBytes == Self.whoamiBody.utf8.count)
      #expect(entry.sentBytes == 5)
      #expect(entry.fault == "truncate sendBytes=5")
    }
  }

  @Test func truncateToZeroBytesSendsTheHeadOnly() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami truncate sendBytes=0")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 200)
      #expect(response.contentLength == Self.whoamiBody.utf8.count)
      #expect(response.body.isEmpty)
      #expect(response.ending == .eof)
    }
  }

  @Test func noContentLengthIsCloseDelimitedAndNotJSON() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami noContentLength")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 200)
      #expect(response.header("Content-Length") == nil)
      #expect(response.header("Transfer-Encoding") == nil)
      #expect(response.header("Content-Type") == "application/json")
      #expect(response.body == DXFault.noContentLengthBody)
      #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) == nil)
      #expect(response.ending == .eof)
      let entry = try #require(server.journal().last)
      #expect(entry.outcome == "closeDelimited")
      #expect(entry.declaredBytes == nil)
      #expect(entry.sentBytes == DXFault.noContentLengthBody.count)
    }
  }

  @Test func resetIsATCPResetWithNoBytes() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami reset")
      let port = server.port
      let (bytes, ending) = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port)
        try client.sendRequest(
          path: "/system/whoami", headers: [("Authorization", "Bearer \(serverToken)")],
          body: Array("{}".utf8))
        return client.readAll()
      }
      #expect(bytes.isEmpty)
      #expect(ending == .reset)
      let entry = try #require(server.journal().last)
      #expect(entry.outcome == "reset")
      #expect(entry.status == nil)
      #expect(try await server.rawExchange(path: "/system/greet").status == 200)
    }
  }

  @Test func emptyIsACleanCloseWithNoBytes() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami empty")
      let port = server.port
      let (bytes, ending) = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port)
        try client.sendRequest(
          path: "/system/whoami", headers: [("Authorization", "Bearer \(serverToken)")],
          body: Array("{}".utf8),
          keepAlive: true)
        return client.readAll()
      }
      #expect(bytes.isEmpty)
      #expect(ending == .eof)
      #expect(server.journal().last?.outcome == "empty")
    }
  }

  @Test(arguments: [
    ("status=503 retryAfter=2", 503, "ServiceUnavailable", "2" as String?),
    ("status=500", 500, "InternalError", nil),
    ("status=429 retryAfter=1", 429, "RateLimitConditional", "1"),
    ("status=422", 422, "InvalidInput", nil),
    ("status=502 errorType=ProxyError", 502, "ProxyError", nil),
  ])
  func statusFaultsUseThePlatformErrorBody(
    _ spec: String, _ status: Int, _ type: String, _ retryAfter: String?
  )
    async throws
  {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami \(spec)")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == status)
      #expect(response.errorType == type)
      #expect(response.header("Retry-After") == retryAfter)
      expectExactJSON(response)
      let entry = try #require(server.journal().last)
      #expect(entry.status == status)
      #expect(entry.outcome == "response")
    }
  }

  @Test func faultsMatchByMethodAndGlob() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/who* status=503")
      #expect(try await server.rawExchange(path: "/system/whoami").status == 503)
      #expect(try await server.rawExchange(path: "/system/greet").status == 200)
      server.clearFaults()
      try server.addFault(spec: "GET * status=500")
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
    }
  }

  @Test func aDelayDoesNotBlockOtherConnections() async throws {
    try await withServer({
      $0.threads = 1
      $0.shutdownGracePeriod = 0.2
    }) { server in
      // A delay far longer than any scheduling hiccup of a loaded machine; the server's stop ends it.
      try server.addFault(spec: "POST /system/whoami delay ms=300000")
      async let delayed = server.rawExchange(path: "/system/whoami", timeout: 120)
      // The delayed request is in the journal while it waits: its entry exists from receipt, and the
      // delay is noted right after the fault rules were asked (a poll in between sees no delay yet).
      var pending = try await server.waitForPendingRequest(path: "/system/whoami")
      for _ in 0..<2_000 where pending?.delayMs != 300_000 {
        try await Task.sleep(for: .milliseconds(5))
        pending = server.journal().first { $0.path == "/system/whoami" }
      }
      #expect(pending?.isPending == true)
      #expect(pending?.delayMs == 300_000)
      // Served on the single libmicrohttpd thread while the delayed request is still waiting.
      let quick = try await server.rawExchange(path: "/system/greet")
      #expect(quick.status == 200)
      #expect(server.journal().first { $0.path == "/system/whoami" }?.isPending == true)
      // Stopping answers the parked request with the shutdown 503 instead of waiting five minutes.
      await server.stop()
      let slow = try await delayed
      #expect(slow.status == 503)
      let entry = try #require(server.journal().first { $0.path == "/system/whoami" })
      #expect(entry.delayMs == 300_000)
      #expect(entry.status == 503)
    }
  }

  @Test func aDelayThenAFaultApplyInOrder() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami delay ms=100")
      try server.addFault(spec: "POST /system/whoami status=503")
      let clock = ContinuousClock()
      let start = clock.now
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(clock.now - start >= .milliseconds(100))
      #expect(response.status == 503)
    }
  }

  @Test func scheduleFailsTheFirstNThenSucceeds() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami status=500 times=2")
      var statuses: [Int] = []
      for _ in 0..<4 { statuses.append(try await server.rawExchange(path: "/system/whoami").status) }
      #expect(statuses == [500, 500, 200, 200])
    }
  }

  @Test func gracefulStopFinishesAnInFlightDelayedRequest() async throws {
    var configuration = DXMockServer.Configuration()
    configuration.shutdownGracePeriod = 30
    let server = try DXMockServer(configuration: configuration)
    try server.start()
    // Long enough that a loaded machine cannot miss the request while it waits.
    try server.addFault(spec: "POST /system/whoami delay ms=5000")
    let port = server.port
    async let inFlight = server.rawExchange(path: "/system/whoami")
    // 120 s: under a sanitizer with every suite in parallel, 60 s were once not enough.
    #expect(try await server.waitForPendingRequest(path: "/system/whoami", seconds: 120) != nil)
    // stop() drains: the delayed request still gets its real answer, not the shutdown 503.
    await server.stop()
    let response = try await inFlight
    #expect(response.status == 200)
    #expect(response.json?["id"] as? String == "user-alice")
    #expect(throws: (any Error).self) { try RawHTTPClient(port: port) }
    await server.stop()  // idempotent
  }

  @Test func stopAnswersRequestsDelayedBeyondTheGracePeriod() async throws {
    var configuration = DXMockServer.Configuration()
    configuration.shutdownGracePeriod = 0.2
    let server = try DXMockServer(configuration: configuration)
    try server.start()
    try server.addFault(spec: "POST /system/whoami delay ms=300000")
    async let inFlight = server.rawExchange(path: "/system/whoami", timeout: 120)
    #expect(try await server.waitForPendingRequest(path: "/system/whoami") != nil)
    // Past the grace period the 5-minute delay is cut short with the shutdown answer (the suite's time
    // limit would catch a stop that waited it out).
    await server.stop()
    let response = try await inFlight
    #expect(response.status == 503)
    #expect(response.errorType == "ServiceUnavailable")
  }

  @Test func aBackendReplacesThePlatformAndFaultsStillApply() async throws {
    struct SlowBackend: DXMockBackend {
      func respond(to request: DXMockRequest) async -> DXMockWirePlan {
        try? await Task.sleep(for: .milliseconds(50))
        if request.path == "/system/reset-me" { return .reset }
        return .respond(.json(["replayed": .string(request.path)]))
      }
    }
    try await withServer({ $0.backend = SlowBackend() }) { server in
      // The backend runs on its own threads (`BackendExecutor`; on Swift's cooperative pool its task
      // once waited over 30 s for a thread under a sanitizer); the reads still allow a slow machine 120 s.
      let response = try await server.rawExchange(path: "/anything/at-all", token: nil, timeout: 120)
      #expect(response.status == 200)
      #expect(response.json?["replayed"] as? String == "/anything/at-all")
      expectExactJSON(response)
      let port = server.port
      let ending = try await onDedicatedThread { () -> RawHTTPClient.Ending in
        let client = try RawHTTPClient(port: port, timeout: 120)
        try client.sendRequest(path: "/system/reset-me", body: Array("{}".utf8))
        return client.readAll().ending
      }
      #expect(ending == .reset)
      try server.addFault(spec: "POST /anything/* truncate sendBytes=3")
      let truncated = try await server.rawExchange(path: "/anything/else", token: nil, timeout: 120)
      #expect(truncated.body.count == 3)
      #expect(truncated.contentLength ?? 0 > 3)
      #expect(truncated.ending == .eof)
      #expect(server.journal().count == 3)
    }
  }
}
