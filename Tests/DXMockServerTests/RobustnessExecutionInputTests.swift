import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// Extreme numbers on the routes that came with executions (runs, jobs, searches, rules, the log
/// stream), auth tokens and the admin API's retry-contract verifier: each is refused with a 4xx naming the field or
/// saturates, never a trap.
@Suite("Robustness: execution and admin inputs")
struct RobustnessExecutionInputTests {
  @Test func boundaryTableForExecutionsAndAuthTokens() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    typealias Case = RobustnessInputTests.Case
    var cases: [Case] = []
    let outsideRank = RobustnessInputTests.huge.filter { $0 != -1 } + [.integer(1024), .integer(-1025)]
    for value in outsideRank {
      cases.append(
        Case(
          route: "/\(applet)/run",
          input: ["project": .string(project), "input": ["who": "x"], "rank": value],
          field: "rank"))
      cases.append(Case(route: "/\(job)/update", input: ["rank": value], field: "rank"))
    }
    for value in [DXJSON.integer(-1), .double(-1e300), .string("1")] {
      cases.append(
        Case(
          route: "/\(applet)/run",
          input: ["project": .string(project), "input": ["who": "x"], "costLimit": value], field: "costLimit")
      )
      cases.append(Case(route: "/\(job)/update", input: ["costLimit": value], field: "costLimit"))
    }
    for route in ["/system/findExecutions", "/system/findJobs", "/system/findAnalyses"] {
      for value in [DXJSON.integer(0), .integer(-1), .integer(Int.min), .double(1e300)] {
        cases.append(Case(route: route, input: ["limit": value], field: "limit"))
      }
      for value in [DXJSON.string("x"), .string("99999999999999999999/job-x"), .integer(1)] {
        cases.append(Case(route: route, input: ["starting": value], field: "starting"))
      }
      cases.append(Case(route: route, input: ["created": ["after": 1e300]], field: "after"))
    }
    // Auth tokens: `expires` (ms since 1970) feeds `expires - now`.
    for value in RobustnessInputTests.huge + [.integer(PlatformLimits.maxTimestamp + 1)] {
      cases.append(Case(route: "/system/newAuthToken", input: ["expires": value], field: "expires"))
    }
    for item in cases { RobustnessInputTests.check(h, item, ids: [:]) }
    // The extremes that are in range work: the newest-first walk of `created.before: Int.max` does not
    // step past it, `after: Int.min` includes everything.
    let found = try h.call(
      "/system/findJobs", ["created": ["after": .integer(Int.min), "before": .integer(Int.max)]])
    #expect(found["results"]?.arrayValue?.count == 1)
    let ranked = try h.run(applet, project: project, extra: ["rank": 1023])
    try h.call("/\(ranked)/update", ["rank": -1024])
    #expect(try h.describe(ranked)["rank"] == -1024)
    #expect(try h.describe(job)["rank"] == nil)
  }

  @Test func executionRuleNumbersAreBounded() throws {
    for (field, value) in [
      ("durationMs", DXJSON.integer(Int.max)), ("durationMs", .integer(PlatformLimits.maxDurationMs + 1)),
      ("durationMs", .integer(-1)), ("describes", .integer(0)), ("describes", .integer(Int.max)),
      ("durationMs", .double(1e300)),
    ] {
      #expect(throws: DXPlatformError.self, "\(field) \(value)") {
        try DXExecutionRule(json: [field: value])
      }
      do {
        _ = try DXExecutionRule(json: [field: value])
      } catch {
        #expect(error.message.contains(field) && error.message.contains("from"), "\(error.message)")
      }
    }
    // The largest duration is accepted and a job under it runs (its due times are computed in range).
    let rule = try DXExecutionRule(json: ["durationMs": .integer(PlatformLimits.maxDurationMs)])
    let h = try PlatformHarness(executionRules: [rule])
    let project = try h.newProject()
    let job = try h.run(try h.newApplet(project), project: project)
    h.wait(1000)
    // Half the duration is spent runnable: it stays so (2.5 years ahead, no overflow on the way).
    #expect(try h.state(job) == "runnable")
    // The server's own default is bounded the same way.
    var configuration = DXMockServer.Configuration()
    configuration.jobDuration = Int.max
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
  }

  @Test func logStreamNumbersAndCloseReasonsNeverTrap() throws {
    let rule = try DXExecutionRule(json: ["log": ["one", "two"], "durationMs": 10])
    let h = try PlatformHarness(executionRules: [rule])
    let project = try h.newProject()
    let job = try h.run(try h.newApplet(project), project: project)
    h.wait(100)
    func stream(_ hello: String) -> WebSocketTests.ScriptedChannel {
      let channel = WebSocketTests.ScriptedChannel([.text(hello)]) { h.wait(10) }
      JobLogStream(platform: h.platform, path: "/\(job)/getLog/websocket").run(on: channel)
      return channel
    }
    for value in ["-9223372036854775808", "-1", "9223372036854775807", "1e300"] {
      let channel = stream(#"{"access_token": "token-alice", "numRecentMessages": \#(value)}"#)
      #expect(channel.closed?.code == 1008, "\(value)")
      #expect(channel.closed?.reason.contains("numRecentMessages") == true, "\(value)")
    }
    let recent = stream(#"{"access_token": "token-alice", "numRecentMessages": 2147483647, "tail": false}"#)
    #expect(recent.messages.map { $0["msg"] } == ["one", "two", "END_LOG"])
    let last = stream(#"{"access_token": "token-alice", "numRecentMessages": 1, "tail": false}"#)
    #expect(last.messages.map { $0["msg"] } == ["two", "END_LOG"])
    // A close reason made of characters longer in bytes than in characters (multi-byte, escaped)
    // still fits the 123 bytes of a close frame.
    for filler in ["\u{1}", "€", "😀", "\""] {
      let reason = JobLogStream.reason("InvalidAuthentication", String(repeating: filler, count: 200))
      #expect(reason.utf8.count <= 123, "\(filler)")
      #expect((try? DXJSON(parsing: Data(reason.utf8)))?["type"] == "InvalidAuthentication", "\(filler)")
      let channel = stream(
        #"{"access_token": "token-alice", "token_type": "\#(filler)\#(filler)\#(filler)"}"#)
      #expect(channel.closed?.code == 1008)
    }
  }

  @Test func retryContractNumbersNeverTrap() {
    func attempt(_ id: Int, at time: Int64, status: Int, retryAfter: String? = nil) -> RetryAttempt {
      let data = Data("{}".utf8)
      return RetryAttempt(
        id: id, method: "POST", path: "/system/whoami",
        operation: OperationKey(
          method: "POST", path: "/system/whoami", body: data, bodySize: 2, bodyMD5: nil),
        nonce: nil, bodyMD5: nil, bodySize: 2, receivedAt: time, completedAt: time + 1, status: status,
        outcome: "response", retryAfter: retryAfter, fault: nil, faultRuleIDs: [])
    }
    let throttled = [
      attempt(1, at: 0, status: 503, retryAfter: "9223372036854775807"), attempt(2, at: 10, status: 200),
    ]
    #expect(DXRetryContract.minimumRetryAfterMs(Int.max) == Int.max)
    #expect(DXRetryContract.minimumRetryAfterMs(Int.min) == 0)
    let strict = RetryContractVerifier(contract: .dxpy).verify(throttled).violations.map(\.rule)
    #expect(strict == [.retryBeforeRetryAfter])
    let extremes = [
      DXRetryContract(maxRetries: Int.max, timeScale: 1e300, toleranceMs: Int.max),
      DXRetryContract(maxRetries: Int.max, timeScale: .leastNonzeroMagnitude, toleranceMs: 0),
      DXRetryContract(maxRetries: 0, timeScale: Double.greatestFiniteMagnitude, toleranceMs: Int.max - 1),
    ]
    let many = (0..<4).map { attempt($0, at: Int64($0) * 10, status: 500) }
    for contract in extremes {
      _ = RetryContractVerifier(contract: contract).verify(throttled)
      _ = RetryContractVerifier(contract: contract).verify(many)
    }
    // A huge tolerance forgives any wait; no tolerance and a tiny scale still flags too many attempts.
    #expect(RetryContractVerifier(contract: extremes[0]).verify(many).violations.isEmpty)
    let limited = RetryContractVerifier(contract: DXRetryContract(maxRetries: 1)).verify(many).violations
    #expect(limited.map(\.rule).contains(.tooManyAttempts))
  }

  @Test func adminVerifyRefusesNumbersOutOfRangeAndSurvivesHugeRetryAfter() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/greet status=503 retryAfter=9223372036854775807 times=1")
      for _ in 0..<2 { _ = try await server.rawExchange(path: "/system/greet") }
      let report = try await server.rawExchange(method: "GET", path: "/__admin/verify", token: nil, body: "")
      #expect(report.status == 200)
      #expect(report.bodyText.contains("retryBeforeRetryAfter"))
      for query in [
        "maxRetries=9223372036854775807", "maxRetries=1001", "maxRetries=-1",
        "toleranceMs=9223372036854775807",
        "toleranceMs=86400001", "timeScale=1e300", "timeScale=0", "timeScale=nan",
      ] {
        let bad = try await server.rawExchange(
          method: "GET", path: "/__admin/verify?\(query)", token: nil, body: "")
        #expect(bad.status == 400, "\(query)")
        #expect(bad.errorType == "InvalidInput", "\(query)")
        #expect(bad.bodyText.contains(String(query.prefix { $0 != "=" })), "\(query)")
      }
      let edge = try await server.rawExchange(
        method: "GET", path: "/__admin/verify?maxRetries=1000&toleranceMs=86400000&timeScale=1000000",
        token: nil,
        body: "")
      #expect(edge.status == 200)
    }
  }
}
