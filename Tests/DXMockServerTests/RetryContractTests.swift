import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Retry-contract verifier")
struct RetryContractTests {
  /// A journaled attempt for the verifier.
  private static func attempt(
    _ id: Int, _ method: String = "POST", path: String = "/system/whoami", body: String = "{}",
    at receivedAt: Int64, took: Int64 = 5, status: Int? = 200, outcome: String = "response",
    retryAfter: String? = nil, fault: String? = nil
  ) -> RetryAttempt {
    let data = Data(body.utf8)
    return RetryAttempt(
      id: id, method: method, path: path,
      operation: OperationKey(method: method, path: path, body: data, bodySize: data.count, bodyMD5: nil),
      nonce: OperationKey.nonce(of: data), bodyMD5: OperationKey.md5Hex(data), bodySize: data.count,
      receivedAt: receivedAt, completedAt: receivedAt + took, status: status, outcome: outcome,
      retryAfter: retryAfter, fault: fault, faultRuleIDs: [])
  }

  private static func rules(_ attempts: [RetryAttempt], _ contract: DXRetryContract = .dxpy)
    -> [DXRetryViolation.Rule]
  {
    RetryContractVerifier(contract: contract).verify(attempts).violations.map(\.rule)
  }

  @Test func dxpyLikeRetriesAreClean() {
    let attempts = [
      Self.attempt(1, at: 0, status: 503, retryAfter: "2"),
      Self.attempt(2, at: 2_005 + 5, status: 500),  // waited the Retry-After
      Self.attempt(3, at: 2_015 + 2_000, status: nil, outcome: "reset"),  // n=2: at least 1 s
      Self.attempt(4, at: 4_020 + 2_000),  // n=3: at least 2 s
      // Later, an identical call is a new operation, not a repeat.
      Self.attempt(5, at: 50_000),
      // A non-always_retry route retried after a reset (connection failures are retried everywhere).
      Self.attempt(6, path: "/project-1/removeFolder", at: 60_000, status: nil, outcome: "reset"),
      Self.attempt(7, path: "/project-1/removeFolder", at: 61_010),
    ]
    let (violations, operations) = RetryContractVerifier(contract: .dxpy).verify(attempts)
    #expect(violations.isEmpty, "\(violations)")
    #expect(operations == 3)
  }

  @Test func retryAfter422IsCaught() {
    #expect(
      Self.rules([Self.attempt(1, at: 0, status: 422), Self.attempt(2, at: 2_000)]) == [.retryAfter422])
  }

  @Test func nonIdempotentRetryAfterTimeoutOrBrokenReplyIsCaught() {
    let path = "/project-1/removeFolder"
    let timeout = [
      Self.attempt(
        1, path: path, at: 0, took: 700, status: nil, outcome: "abandoned: client closed the connection"),
      Self.attempt(2, path: path, at: 2_000),
    ]
    #expect(Self.rules(timeout) == [.nonIdempotentRetry])
    let broken = [
      Self.attempt(1, path: path, at: 0, outcome: "closeDelimited"), Self.attempt(2, path: path, at: 2_000),
    ]
    #expect(Self.rules(broken) == [.nonIdempotentRetry])
    // The same on an always_retry route is fine.
    let describe = [
      Self.attempt(1, path: "/record-1/describe", at: 0, outcome: "closeDelimited"),
      Self.attempt(2, path: "/record-1/describe", at: 2_000),
    ]
    #expect(Self.rules(describe).isEmpty)
  }

  /// The server stamps a timed-out attempt's end when its delayed answer goes out or libmicrohttpd
  /// finds the connection closed, which can be after the client gave up, waited and retried: the
  /// backoff after a timeout counts from the attempt's arrival (a flaky `backoffTooFast` before).
  @Test func backoffAfterATimeoutCountsFromTheAttemptsArrival() {
    let abandoned = "abandoned: client closed the connection"
    // Sent at 0, delayed 4 s on the server; the client gave up at 1.5 s, waited 1 s and retried.
    let patient = [
      Self.attempt(1, at: 0, took: 4_000, status: nil, outcome: abandoned),
      Self.attempt(2, at: 2_500),
    ]
    #expect(Self.rules(patient).isEmpty)
    // Retried 0.5 s after it was sent: sooner than dxpy's 1 s whenever the client gave up.
    let hasty = [
      Self.attempt(1, at: 0, took: 4_000, status: nil, outcome: abandoned),
      Self.attempt(2, at: 500),
    ]
    #expect(Self.rules(hasty) == [.backoffTooFast])
    // Other answers still count from when they were sent.
    let failed = [Self.attempt(1, at: 0, took: 4_000, status: 500), Self.attempt(2, at: 4_500)]
    #expect(Self.rules(failed) == [.backoffTooFast])
  }

  @Test func changedNonceIsCaught() {
    let attempts = [
      Self.attempt(1, path: "/record/new", body: #"{"name":"x","nonce":"n1"}"#, at: 0, status: 500),
      Self.attempt(2, path: "/record/new", body: #"{"name":"x","nonce":"n2"}"#, at: 2_000),
    ]
    #expect(Self.rules(attempts) == [.nonceChanged])
  }

  @Test func retryBeforeRetryAfterAndFastBackoffAreCaught() {
    #expect(
      Self.rules([Self.attempt(1, at: 0, status: 503, retryAfter: "3"), Self.attempt(2, at: 1_500)])
        == [.retryBeforeRetryAfter])
    #expect(Self.rules([Self.attempt(1, at: 0, status: 500), Self.attempt(2, at: 200)]) == [.backoffTooFast])
    let third = [
      Self.attempt(1, at: 0, status: 500), Self.attempt(2, at: 1_100, status: 500),
      Self.attempt(3, at: 2_200, status: 500), Self.attempt(4, at: 3_300),
    ]
    // After the 2nd attempt dxpy waits at least 1 s; after the 3rd at least 2 s.
    #expect(Self.rules(third) == [.backoffTooFast])
    // A scaled contract for a client on a scaled clock.
    let scaled = DXRetryContract(timeScale: 0.01)
    #expect(Self.rules([Self.attempt(1, at: 0, status: 500), Self.attempt(2, at: 15)], scaled).isEmpty)
  }

  @Test func tooManyAttemptsIsCaughtButThrottlingDoesNotCount() {
    var attempts: [RetryAttempt] = []
    var time: Int64 = 0
    for id in 1...8 {
      attempts.append(Self.attempt(id, at: time, status: id == 8 ? 200 : 500))
      time += 200_000
    }
    #expect(Self.rules(attempts) == [.tooManyAttempts])
    var throttled: [RetryAttempt] = []
    time = 0
    for id in 1...12 {
      throttled.append(Self.attempt(id, at: time, status: id == 12 ? 200 : 503, retryAfter: "1"))
      time += 10_000
    }
    #expect(Self.rules(throttled).isEmpty)
    #expect(Self.rules(attempts, DXRetryContract(maxRetries: 7)).isEmpty)
  }

  @Test func partResentWithDifferentBytesAndRepeatsAfterSuccessAreCaught() {
    let changed = [
      Self.attempt(1, "PUT", path: "/F/upload/file-1/3/k", body: "aaaa", at: 0, status: 400),
      Self.attempt(2, "PUT", path: "/F/upload/file-1/3/k", body: "bbbb", at: 2_000),
    ]
    #expect(Self.rules(changed) == [.partBytesChanged])
    let repeated = [
      Self.attempt(1, "PUT", path: "/F/upload/file-1/3/k", body: "aaaa", at: 0),
      Self.attempt(2, "PUT", path: "/F/upload/file-1/3/k", body: "aaaa", at: 2_000),
    ]
    #expect(Self.rules(repeated) == [.repeatedAfterSuccess])
    let nonce = [
      Self.attempt(1, path: "/record/new", body: #"{"nonce":"n1"}"#, at: 0),
      Self.attempt(2, path: "/record/new", body: #"{"nonce":"n1"}"#, at: 2_000),
    ]
    #expect(Self.rules(nonce) == [.repeatedAfterSuccess])
    // The same call with a fresh nonce is a new call.
    let fresh = [
      Self.attempt(1, path: "/record/new", body: #"{"nonce":"n1"}"#, at: 0),
      Self.attempt(2, path: "/record/new", body: #"{"nonce":"n2"}"#, at: 2_000),
    ]
    #expect(Self.rules(fresh).isEmpty)
  }

  @Test func routeTableFollowsDxpy() {
    #expect(DXRetryContract.alwaysRetry(path: "/project-B1/removeFolder") == false)
    #expect(DXRetryContract.alwaysRetry(path: "/project/new") == false)
    #expect(DXRetryContract.alwaysRetry(path: "/record-B1/describe") == true)
    #expect(DXRetryContract.alwaysRetry(path: "/system/whoami") == true)
    #expect(DXRetryContract.alwaysRetry(path: "/F/upload/file-1/1/k") == nil)
    #expect(DXPyRetryRoutes.notAlwaysRetry.count == 16)
    #expect(DXPyRetryRoutes.nonceRoutes.contains("/record/new"))
    #expect(DXRetryContract.minimumBackoffMs(afterAttempt: 1) == 1000)
    #expect(DXRetryContract.minimumBackoffMs(afterAttempt: 3) == 2000)
    #expect(DXRetryContract.minimumBackoffMs(afterAttempt: 20) == 64_000)
  }

  /// A deliberately wrong client on the wire: retries at once, after 422, with a new nonce, past the
  /// limit; the verifier catches each, over HTTP and from Swift.
  @Test func wrongClientOnTheWireIsCaught() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami status=422 times=1")
      for _ in 0..<2 { _ = try await server.rawExchange(path: "/system/whoami") }
      try server.addFault(spec: "POST /record/new status=500 times=1")
      _ = try await server.rawExchange(path: "/record/new", body: #"{"project":"p","nonce":"one"}"#)
      _ = try await server.rawExchange(path: "/record/new", body: #"{"project":"p","nonce":"two"}"#)
      try server.addFault(spec: "POST /system/greet status=503 retryAfter=5 times=1")
      for _ in 0..<2 { _ = try await server.rawExchange(path: "/system/greet") }
      let report = server.retryContractReport()
      let rules = Set(report.violations.map(\.rule))
      #expect(rules.isSuperset(of: [.retryAfter422, .nonceChanged, .retryBeforeRetryAfter]))
      // The immediate retries are too fast too; a contract scaled up 60 times makes that independent of
      // how slow a loaded machine is between two requests.
      let slow = Set(server.retryContractReport(DXRetryContract(timeScale: 60)).violations.map(\.rule))
      #expect(slow.contains(.backoffTooFast))
      #expect(throws: DXRetryContractError.self) { try server.verifyRetryContract() }
      let http = try await server.rawExchange(method: "GET", path: "/__admin/verify", token: nil, body: "")
      #expect(http.status == 200)
      #expect(http.json?["ok"] as? Bool == false)
      #expect((http.json?["violations"] as? [Any])?.count == report.violations.count)
      let violation = try #require(report.violations.first { $0.rule == .retryAfter422 })
      #expect(violation.attempts.count == 2)
      #expect(violation.operation.hasPrefix("POST /system/whoami"))
      let bad = try await server.rawExchange(
        method: "GET", path: "/__admin/verify?timeScale=-1", token: nil, body: "")
      #expect(bad.status == 400)
    }
  }

  @Test func aQuietJournalIsClean() async throws {
    try await withServer { server in
      for _ in 0..<3 { _ = try await server.rawExchange(path: "/system/whoami") }
      let report = server.retryContractReport()
      #expect(report.isClean, "\(report)")
      #expect(report.operations == 3)
      try server.verifyRetryContract()
    }
  }
}
