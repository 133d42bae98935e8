import DXCore
import DXKitTesting
import Foundation
import Logging
import Testing

@Suite("Client — the retry loop with a test clock")
struct ClientRetryTests {
  func client(
    _ transport: ScriptedTransport, clock: DXTestClock,
    random: DXTestRandomSource = DXTestRandomSource(.lowest),
    logger: Logger? = nil, configuration: DXClient.Configuration = .default
  ) -> DXClient {
    var client = testClient(transport, clock: clock, random: random, configuration: configuration)
    if let logger { client.logger = logger }
    return client
  }

  @Test("503 without Retry-After: retried without counting, backoff 1, [1,2], [2,4], [4,8]")
  func throttledBackoff() async throws {
    let transport = ScriptedTransport(
      Array(repeating: .respond(.platformError("ServiceUnavailable", status: 503)), count: 4))
    let clock = DXTestClock(start: testClockStart)
    let random = DXTestRandomSource(.highest)
    let result = try await client(transport, clock: clock, random: random).request("/x", maxRetries: 1)
    #expect(result == .json(["ok": true]))
    #expect(transport.requests.count == 5)
    #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
    #expect(random.requestedRanges == [1...2, 2...4, 4...8])
  }

  @Test("429 and 503 with Retry-After use dxpy's formula")
  func retryAfter() async throws {
    let transport = ScriptedTransport([
      .respond(.platformError("RateLimitConditional", status: 429, headers: [("Retry-After", "10")])),
      .respond(.platformError("ServiceUnavailable", status: 503, headers: [("Retry-After", "10")])),
      .respond(.platformError("ServiceUnavailable", status: 503, headers: [("Retry-After", "90")])),
    ])
    let clock = DXTestClock(start: testClockStart)
    try await client(transport, clock: clock).request("/x")
    #expect(clock.sleeps == [.seconds(10), .seconds(12), .seconds(90)])
  }

  @Test("500 is retried for POST and counted: maxRetries 2 gives 3 attempts, then the platform error")
  func serverErrorExhausts() async throws {
    let transport = ScriptedTransport(
      [], then: .respond(.platformError("InternalError", "boom", status: 500)))
    let clock = DXTestClock(start: testClockStart)
    let (logger, store) = CapturingLogHandler.make()
    await #expect {
      try await client(transport, clock: clock, logger: logger).request("/x", maxRetries: 2)
    } throws: { error in
      guard let error = error as? DXAPIError else { return false }
      return error.type == .internalError && error.status == 500 && error.message == "boom"
    }
    #expect(transport.requests.count == 3)
    #expect(clock.sleeps == [.seconds(1), .seconds(1)])
    let warnings = store.withLock { $0 }.filter { $0.0 == .warning }.map(\.1)
    #expect(warnings.count == 2)
    let first = try #require(warnings.first)
    // time.ctime(): "Fri Nov 27 07:29:05 2026".
    let ctime = /\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 0-9]\d \d{2}:\d{2}:\d{2} \d{4}\] .*/
    #expect(first.wholeMatch(of: ctime) != nil)
    #expect(
      first.hasSuffix(
        "] POST http://127.0.0.1:9/x: boom, code 500. Request Time=1795764543.25, Request ID=unavailable. "
          + "Waiting 1 seconds before retry 1 of 2... "))
    #expect(warnings[1].contains("Waiting 1 seconds before retry 2 of 2... "))
    #expect(warnings[1].contains("Request Time=1795764544.25"))
  }

  @Test("recovery is logged at info with the number of counted retries")
  func recovered() async throws {
    let transport = ScriptedTransport([
      .respond(.platformError("ServiceUnavailable", status: 503)),
      .respond(.platformError("InternalError", status: 500)), .fail(.connectionReset("rst")),
    ])
    let (logger, store) = CapturingLogHandler.make()
    try await client(transport, clock: DXTestClock(start: testClockStart), logger: logger).request(
      "/x", headers: ["Range": "bytes=0-9"])
    let messages = store.withLock { $0 }
    let info = messages.filter { $0.0 == .info }.map(\.1)
    #expect(info.count == 1)
    #expect(info.first?.hasSuffix("] POST http://127.0.0.1:9/x: Recovered after 2 retries") == true)
    let warnings = messages.filter { $0.0 == .warning }.map(\.1)
    #expect(warnings.first?.hasSuffix("Waiting 1 seconds before retry...  (range=bytes=0-9)") == true)
    #expect(warnings.last?.contains("urllib3.exceptions.ProtocolError: rst. Waiting") == true)
  }

  struct NoReplyCase: Sendable, CustomStringConvertible {
    var error: DXTransportError
    var method: String
    var alwaysRetry: Bool
    var attempts: Int
    var description: String { "\(error.kind) \(method) alwaysRetry=\(alwaysRetry)" }
  }

  static let noReplyCases: [NoReplyCase] = [
    .init(error: .connectionRefused(), method: "POST", alwaysRetry: false, attempts: 3),
    .init(error: .connectionReset(), method: "POST", alwaysRetry: false, attempts: 3),
    .init(error: .noResponse(), method: "POST", alwaysRetry: false, attempts: 3),
    .init(error: DXTransportError(.nameResolution), method: "POST", alwaysRetry: false, attempts: 3),
    .init(error: .readTimeout(), method: "POST", alwaysRetry: false, attempts: 1),
    .init(error: .readTimeout(), method: "POST", alwaysRetry: true, attempts: 3),
    .init(error: .readTimeout(), method: "GET", alwaysRetry: false, attempts: 3),
    .init(error: .connectTimeout(), method: "POST", alwaysRetry: false, attempts: 1),
    .init(error: DXTransportError(.invalidRequest), method: "GET", alwaysRetry: true, attempts: 1),
  ]

  @Test(
    "no reply: connection-level failures for any method, timeouts for GET or alwaysRetry",
    arguments: noReplyCases)
  func noReply(_ testCase: NoReplyCase) async throws {
    let transport = ScriptedTransport([], then: .fail(testCase.error))
    let clock = DXTestClock(start: testClockStart)
    await #expect(throws: testCase.error) {
      try await client(transport, clock: clock).request(
        "/x", method: testCase.method, maxRetries: 2, alwaysRetry: testCase.alwaysRetry)
    }
    #expect(transport.requests.count == testCase.attempts)
    #expect(clock.sleeps.count == testCase.attempts - 1)
  }

  @Test("422 is never retried")
  func invalidInput() async {
    let transport = ScriptedTransport([], then: .respond(.platformError("InvalidInput", "bad", status: 422)))
    await #expect(throws: DXAPIError.self) {
      try await client(transport, clock: DXTestClock(start: testClockStart)).request(
        "/x", method: "GET", alwaysRetry: true)
    }
    #expect(transport.requests.count == 1)
  }

  @Test("a truncated body is retried for POST and ends as an incomplete-reads error")
  func truncated() async throws {
    let cut = DXTransportResponse(
      status: 200, headers: ["Content-Type": "application/json", "Content-Length": "100"],
      body: Data("{\"a\":".utf8),
      bodyEnd: .truncated(declared: 100, received: 5))
    let transport = ScriptedTransport([], then: .respond(cut))
    let clock = DXTestClock(start: testClockStart)
    let (logger, store) = CapturingLogHandler.make()
    await #expect(
      throws: DXResponseError.incompleteReads(
        message: "Connection broken: IncompleteRead(5 bytes read, 95 more expected)")
    ) {
      try await client(transport, clock: clock, logger: logger).request("/x", maxRetries: 3)
    }
    #expect(transport.requests.count == 4)
    #expect(clock.sleeps == [.seconds(1), .seconds(1), .seconds(2)])
    let errors = store.withLock { $0 }.filter { $0.0 == .error }.map(\.1)
    #expect(errors.count == 1)
    #expect(errors.first?.hasSuffix("IncompleteRead(5 bytes read, 95 more expected).") == true)
  }

  @Test(
    "Content-Length mismatch: ContentLengthError, retried only when retryable (dxpy intent, not its TypeError)"
  )
  func contentLengthMismatch() async throws {
    let wrong = DXTransportResponse(
      status: 200, headers: ["Content-Type": "application/json", "Content-Length": "3"], body: Data("{}".utf8)
    )
    let post = ScriptedTransport([], then: .respond(wrong))
    await #expect(throws: DXResponseError.contentLengthMismatch(declared: 3, received: 2, status: 200)) {
      try await client(post, clock: DXTestClock(start: testClockStart)).request("/x")
    }
    #expect(post.requests.count == 1)
    let retried = ScriptedTransport([.respond(wrong)])
    #expect(
      try await client(retried, clock: DXTestClock(start: testClockStart)).request("/x", alwaysRetry: true)
        == .json(["ok": true]))
    #expect(retried.requests.count == 2)
  }

  @Test("bad JSON in a reply: retried only for GET or alwaysRetry")
  func badJSON() async throws {
    let bad = DXTransportResponse(
      status: 200, headers: ["Content-Type": "application/json"], body: Data("not json".utf8),
      bodyEnd: .closeDelimited)
    let post = ScriptedTransport([], then: .respond(bad))
    await #expect(throws: DXResponseError.badJSONInReply(status: 200)) {
      try await client(post, clock: DXTestClock(start: testClockStart)).request("/x")
    }
    #expect(post.requests.count == 1)
    let get = ScriptedTransport([.respond(bad), .respond(bad)])
    #expect(
      try await client(get, clock: DXTestClock(start: testClockStart)).request("/x", method: "GET")
        == .json(["ok": true]))
    #expect(get.requests.count == 3)
  }

  @Test(
    "a JSON reply that is not UTF-8 is bad JSON (inside a string or outside); UTF-8 JSON and text decode",
    arguments: [
      ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], "application/json", nil),
      ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0xC3, 0xA9, 0x7D], "application/json", nil),
      ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0xA9, 0x22, 0x7D], "application/json", #"{"a":"é"}"#),
      ([0x68, 0xC3, 0xA9], "text/plain", "hé"),
    ] as [([UInt8], String, String?)])
  func replyEncoding(bytes: [UInt8], contentType: String, decoded: String?) async throws {
    let reply = DXTransportResponse(status: 200, headers: ["Content-Type": contentType], body: Data(bytes))
    let transport = ScriptedTransport([], then: .respond(reply))
    var response: DXResponse?
    var failure: (any Error)?
    do {
      response = try await client(transport, clock: DXTestClock(start: testClockStart)).request("/x")
    } catch {
      failure = error
    }
    switch (response, decoded) {
    case (.json(let value)?, let text?): #expect(value == (try DXJSON(parsing: text)))
    case (.text(let value)?, let text?): #expect(value == text)
    case (nil, nil): #expect(failure as? DXResponseError == .badJSONInReply(status: 200))
    default: Issue.record("unexpected \(String(describing: response)) for \(bytes)")
    }
    let invalidText = DXTransportResponse(
      status: 200, headers: ["Content-Type": "text/plain"], body: Data([0xFF]))
    await #expect(throws: DXError.self) {
      try await client(
        ScriptedTransport([], then: .respond(invalidText)), clock: DXTestClock(start: testClockStart)
      )
      .request("/x")
    }
  }

  @Test("PUT 400 with S3's RequestTimeout is retried and logged at info")
  func put400() async throws {
    let s3 = DXTransportResponse.text(
      "<Error><Code>RequestTimeout</Code></Error>", status: 400, contentType: "application/xml")
    let transport = ScriptedTransport([.respond(s3)])
    let (logger, store) = CapturingLogHandler.make()
    try await client(transport, clock: DXTestClock(start: testClockStart), logger: logger).request(
      "http://s3.example/part", data: .bytes([1, 2]), method: "PUT", auth: .none, jsonifyData: false,
      prependServer: false, alwaysRetry: true)
    #expect(transport.requests.count == 2)
    let info = store.withLock { $0 }.filter { $0.0 == .info }.map(\.1)
    #expect(
      info.first
        == "Retrying 400 HTTP error, due to slow data transfer. Request Time=1795764543.250000 Request ID=unavailable"
    )
  }

  @Test("Client.Configuration.noRetry makes 0 the default maxRetries; a call can still ask for more")
  func noRetryConfiguration() async throws {
    let transport = ScriptedTransport([], then: .respond(.platformError("ServiceUnavailable", status: 503)))
    await #expect(throws: DXAPIError.self) {
      try await client(transport, clock: DXTestClock(start: testClockStart), configuration: .noRetry).request(
        "/x")
    }
    #expect(transport.requests.count == 1)
    let recovering = ScriptedTransport([.respond(.platformError("ServiceUnavailable", status: 503))])
    try await client(recovering, clock: DXTestClock(start: testClockStart), configuration: .noRetry).request(
      "/x", maxRetries: 1)
    #expect(recovering.requests.count == 2)
  }

  @Test("cancellation during a backoff stops the loop")
  func cancellation() async throws {
    let transport = ScriptedTransport([], then: .respond(.platformError("ServiceUnavailable", status: 503)))
    let task = Task {
      try await DXClient(
        platform: testPlatform(), transport: transport, clock: DXSystemClock(),
        random: DXTestRandomSource(.lowest)
      ).request("/x")
    }
    // Cancel once the first attempt was made (the backoff after it is 1 s on the system clock); a
    // loaded machine may take a while to start the task, so wait for the attempt, bounded.
    for _ in 0..<2_000 where transport.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(transport.requests.count == 1)
  }
}
