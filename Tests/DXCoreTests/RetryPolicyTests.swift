import DXCore
import Testing

@Suite("RetryPolicy — dxpy's retry rules as a pure function")
struct RetryPolicyTests {
  typealias Failure = DXRetryPolicy.Failure
  typealias Outcome = DXRetryPolicy.Outcome

  struct Case: Sendable, CustomStringConvertible {
    var name: String
    var method: String
    var alwaysRetry: Bool
    var outcome: Outcome
    var retried: Bool
    var description: String { name }
  }

  static let cases: [Case] = [
    // Status replies: 5xx and 429 regardless of method, 4xx never.
    Case(
      name: "POST 500 api error", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .apiError, status: 500), retried: true),
    Case(
      name: "POST 503", method: "POST", alwaysRetry: false, outcome: .init(failure: .apiError, status: 503),
      retried: true),
    Case(
      name: "POST 429", method: "POST", alwaysRetry: false, outcome: .init(failure: .apiError, status: 429),
      retried: true),
    Case(
      name: "POST 599 non-JSON", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .httpErrorWithContent, status: 599), retried: true),
    Case(
      name: "GET 404", method: "GET", alwaysRetry: true, outcome: .init(failure: .apiError, status: 404),
      retried: false),
    Case(
      name: "POST 401", method: "POST", alwaysRetry: true, outcome: .init(failure: .apiError, status: 401),
      retried: false),
    Case(
      name: "422 never", method: "GET", alwaysRetry: true, outcome: .init(failure: .apiError, status: 422),
      retried: false),
    Case(
      name: "422 never, non-JSON", method: "PUT", alwaysRetry: true,
      outcome: .init(failure: .httpErrorWithContent, status: 422), retried: false),
    // PUT 400 with non-JSON content, when retryable.
    Case(
      name: "PUT 400 retryable", method: "PUT", alwaysRetry: true,
      outcome: .init(failure: .httpErrorWithContent, status: 400), retried: true),
    Case(
      name: "PUT 400 not retryable", method: "PUT", alwaysRetry: false,
      outcome: .init(failure: .httpErrorWithContent, status: 400), retried: false),
    Case(
      name: "PUT 400 platform error", method: "PUT", alwaysRetry: true,
      outcome: .init(failure: .apiError, status: 400), retried: false),
    Case(
      name: "POST 400 non-JSON", method: "POST", alwaysRetry: true,
      outcome: .init(failure: .httpErrorWithContent, status: 400), retried: false),
    // Connection-level failures: any method.
    Case(
      name: "POST refused", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.connectionRefused)), retried: true),
    Case(
      name: "POST DNS", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.nameResolution)), retried: true),
    Case(
      name: "POST reset", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.connectionReset)), retried: true),
    Case(
      name: "POST no response", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.noResponse)), retried: true),
    Case(
      name: "POST unreachable", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.networkUnreachable)), retried: true),
    Case(
      name: "POST incomplete read", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .incompleteRead), retried: true),
    // Timeouts and bad replies: GET or alwaysRetry only.
    Case(
      name: "POST read timeout", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.readTimeout)), retried: false),
    Case(
      name: "POST read timeout, alwaysRetry", method: "POST", alwaysRetry: true,
      outcome: .init(failure: .transport(.readTimeout)), retried: true),
    Case(
      name: "GET read timeout", method: "GET", alwaysRetry: false,
      outcome: .init(failure: .transport(.readTimeout)), retried: true),
    Case(
      name: "POST connect timeout", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.connectTimeout)), retried: false),
    Case(
      name: "POST bad JSON", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .badJSONInReply, status: 200), retried: false),
    Case(
      name: "POST bad JSON, alwaysRetry", method: "POST", alwaysRetry: true,
      outcome: .init(failure: .badJSONInReply, status: 200), retried: true),
    Case(
      name: "POST bad JSON in a 503, not retryable", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .badJSONInReply, status: 503), retried: false),
    Case(
      name: "GET bad JSON", method: "GET", alwaysRetry: false,
      outcome: .init(failure: .badJSONInReply, status: 200), retried: true),
    Case(
      name: "POST content-length mismatch", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .contentLengthMismatch, status: 200), retried: false),
    Case(
      name: "POST content-length mismatch, alwaysRetry", method: "POST", alwaysRetry: true,
      outcome: .init(failure: .contentLengthMismatch, status: 200), retried: true),
    Case(
      name: "POST other OS error", method: "POST", alwaysRetry: false,
      outcome: .init(failure: .transport(.other)), retried: false),
    Case(
      name: "invalid request never", method: "GET", alwaysRetry: true,
      outcome: .init(failure: .transport(.invalidRequest)), retried: false),
    Case(
      name: "redirect without Location, GET", method: "GET", alwaysRetry: false,
      outcome: .init(failure: .redirectWithoutLocation, status: 302), retried: true),
  ]

  @Test("retry decisions", arguments: cases)
  func decision(_ testCase: Case) {
    let state = DXRetryPolicy.State(method: testCase.method, alwaysRetry: testCase.alwaysRetry, maxRetries: 6)
    let decision = DXRetryPolicy.dxpy.decide(state, testCase.outcome) { $0.lowerBound }
    if testCase.retried {
      #expect(decision == .retry(after: .seconds(1)))
    } else {
      #expect(decision == .doNotRetry)
    }
  }

  @Test("no retry once maxRetries non-throttled retries are done")
  func limit() {
    let outcome = Outcome(failure: .apiError, status: 500)
    var state = DXRetryPolicy.State(method: "POST", alwaysRetry: false, maxRetries: 2)
    var decisions: [Bool] = []
    for _ in 0..<4 {
      let retry = DXRetryPolicy.dxpy.decide(state, outcome) { $0.lowerBound } != .doNotRetry
      decisions.append(retry)
      if retry { state = state.advanced(after: outcome) }
    }
    #expect(decisions == [true, true, false, false])
    #expect(
      DXRetryPolicy.dxpy.decide(.init(method: "GET", alwaysRetry: true, maxRetries: 0), outcome) {
        $0.lowerBound
      } == .doNotRetry)
  }

  @Test("throttled attempts are not counted against maxRetries")
  func throttledNotCounted() {
    let throttled = Outcome(failure: .apiError, status: 503)
    var state = DXRetryPolicy.State(method: "POST", alwaysRetry: false, maxRetries: 1)
    for _ in 0..<50 {
      #expect(DXRetryPolicy.dxpy.decide(state, throttled) { $0.lowerBound } != .doNotRetry)
      state = state.advanced(after: throttled)
    }
    #expect(state.retries == 0)
    #expect(state.retriesIncludingThrottled == 50)
    let error = Outcome(failure: .apiError, status: 500)
    #expect(DXRetryPolicy.dxpy.decide(state, error) { $0.lowerBound } != .doNotRetry)
    state = state.advanced(after: error)
    #expect(DXRetryPolicy.dxpy.decide(state, error) { $0.lowerBound } == .doNotRetry)
    // Even throttled replies stop once the non-throttled budget is spent.
    #expect(DXRetryPolicy.dxpy.decide(state, throttled) { $0.lowerBound } == .doNotRetry)
  }

  @Test("backoff: 1, then [2^(n-2), 2^(n-1)] capped at n = 8")
  func backoffRanges() {
    var ranges: [ClosedRange<Int>] = []
    var delays: [Int] = []
    for attempt in 1...12 {
      delays.append(
        DXRetryPolicy.dxpy.delay(status: 500, retryAfter: nil, attemptNumber: attempt) {
          ranges.append($0)
          return $0.upperBound
        })
    }
    #expect(delays == [1, 2, 4, 8, 16, 32, 64, 128, 128, 128, 128, 128])
    #expect(
      ranges == [
        1...2, 2...4, 4...8, 8...16, 16...32, 32...64, 64...128, 64...128, 64...128, 64...128, 64...128,
      ])
  }

  @Test("Retry-After: d when d >= 60, else d + int(0.25 * min(n-1, 20) * d)")
  func retryAfterFormula() {
    func delay(_ header: String, _ attempt: Int, status: Int = 503) -> Int {
      DXRetryPolicy.dxpy.delay(status: status, retryAfter: header, attemptNumber: attempt) { $0.lowerBound }
    }
    #expect([1, 2, 3, 4, 5].map { delay("1", $0) } == [1, 1, 1, 1, 2])
    #expect([1, 2, 3, 21, 22, 100].map { delay("10", $0) } == [10, 12, 15, 60, 60, 60])
    #expect(delay("60", 5) == 60)
    #expect(delay("120", 1) == 120)
    #expect(delay(" 7 ", 2, status: 429) == 8)
    #expect(delay("1_0", 1) == 10)
    // Not an integer (an HTTP date): falls through to the backoff.
    #expect(delay("Wed, 21 Oct 2015 07:28:00 GMT", 3) == 2)
    // Retry-After is honoured only on 503 and 429.
    #expect(DXRetryPolicy.dxpy.delay(status: 500, retryAfter: "30", attemptNumber: 1) { $0.lowerBound } == 1)
  }

  @Test("the observed dxpy schedules: 503 without Retry-After gave 1, 1, 4 and 1, 1, 2")
  func observedSchedule() {
    var picks = [1, 4]
    var delays: [Int] = []
    for attempt in 1...3 {
      delays.append(
        DXRetryPolicy.dxpy.delay(status: 503, retryAfter: nil, attemptNumber: attempt) { range in
          let pick = picks.removeFirst()
          #expect(range.contains(pick))
          return pick
        })
    }
    #expect(delays == [1, 1, 4])
  }
}
