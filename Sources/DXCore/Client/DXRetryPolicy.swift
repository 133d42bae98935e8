/// dxpy's retry rules (`DXHTTPRequest`'s exception handler and `_calculate_retry_delay`) as a pure
/// function of the attempt state and the failed attempt's outcome.
///
/// The rules, for an attempt that failed:
/// - Nothing is retried once `retries + 1 >= maxRetries + 1` (``State/retries`` counts only attempts
///   that were not throttled, so 503 and 429 are retried without limit while `maxRetries >= 1`).
/// - An HTTP error reply (a platform error or an HTTP error with non-JSON content) is retried when its
///   status is 429 or 5xx, whatever the method or `alwaysRetry`.
/// - No reply, or a reply that could not be used (Content-Length mismatch, bad JSON, a body cut short),
///   is retried when the request is retryable: `alwaysRetry`, or `GET`, or a failure that is retryable
///   for any method (refused, DNS, unreachable, reset, closed without a reply, TLS, an incomplete body).
///   Read and connect timeouts and bad JSON are therefore retried only for `GET` or `alwaysRetry`.
/// - A PUT that got 400 with non-JSON content is retried when the request is retryable (S3's slow upload).
/// - 422 is never retried.
///
/// The delay (``delay(status:retryAfter:attemptNumber:random:)``): for 503/429 with an integer
/// `Retry-After` of `d`, `d` when `d >= 60`, else `d + int(0.25 * min(n - 1, 20) * d)`; otherwise 1 for
/// the first attempt and a random whole number of seconds in `[2^(n'-2), 2^(n'-1)]` with
/// `n' = min(n, 8)`, where `n` counts attempts including throttled ones and the failed one.
public struct DXRetryPolicy: Sendable, Hashable {
  /// Where a call stands: what was asked and how many retries were done.
  public struct State: Sendable, Hashable {
    /// The upper-case method.
    public var method: String
    /// The caller's `alwaysRetry`: the request is safe to repeat.
    public var alwaysRetry: Bool
    /// The caller's `maxRetries`: how many non-throttled retries are allowed.
    public var maxRetries: Int
    /// Retries done so far, not counting those after a 503 or 429 (dxpy's `try_index`).
    public var retries: Int
    /// Retries done so far, all of them (dxpy's `try_index_including_503`).
    public var retriesIncludingThrottled: Int

    /// Creates the state of a call before its first attempt.
    public init(
      method: String, alwaysRetry: Bool, maxRetries: Int, retries: Int = 0, retriesIncludingThrottled: Int = 0
    ) {
      self.method = method.uppercased()
      self.alwaysRetry = alwaysRetry
      self.maxRetries = maxRetries
      self.retries = retries
      self.retriesIncludingThrottled = retriesIncludingThrottled
    }

    /// The state after retrying `outcome`: both counters advance, except that a 503 or 429 reply does
    /// not advance ``retries``.
    public func advanced(after outcome: Outcome) -> State {
      var next = self
      next.retriesIncludingThrottled += 1
      if !outcome.isThrottled { next.retries += 1 }
      return next
    }
  }

  /// What went wrong with one attempt.
  public enum Failure: Sendable, Hashable {
    /// The platform answered with an error (`DXAPIError`): decided by status.
    case apiError
    /// A non-2xx reply without a usable platform error body (`HTTPErrorWithContent`): decided by
    /// status, plus the PUT 400 rule.
    case httpErrorWithContent
    /// The 2xx body length differed from `Content-Length` (`ContentLengthError`).
    case contentLengthMismatch
    /// A body labelled JSON did not parse (`BadJSONInReply`).
    case badJSONInReply
    /// A 3xx reply without `Location` (`UrllibInternalError`).
    case redirectWithoutLocation
    /// The connection closed before the declared body arrived (urllib3's `ProtocolError` with
    /// `IncompleteRead`).
    case incompleteRead
    /// No reply: the transport reported this kind.
    case transport(DXTransportError.Kind)
    /// A per-attempt resource closure threw (for example its own API call failed): retried only when
    /// the request is retryable, as dxpy treats an exception before any response.
    case resourceCallback
  }

  /// One failed attempt: the failure and, when a reply arrived, its status and `Retry-After`.
  public struct Outcome: Sendable, Hashable {
    /// What went wrong.
    public var failure: Failure
    /// The reply's status, or `nil` when no usable reply arrived.
    public var status: Int?
    /// The reply's `Retry-After` header, if any.
    public var retryAfter: String?

    /// Creates an outcome.
    public init(failure: Failure, status: Int? = nil, retryAfter: String? = nil) {
      self.failure = failure
      self.status = status
      self.retryAfter = retryAfter
    }

    /// Whether the reply was 503 or 429: such retries are not counted against `maxRetries`.
    public var isThrottled: Bool { status == 503 || status == 429 }
  }

  /// The decision.
  public enum Decision: Sendable, Hashable {
    /// Wait this long, then try again.
    case retry(after: Duration)
    /// Give up and report the failure.
    case doNotRetry
  }

  /// The largest backoff exponent: delays stop growing at `[2^(cap-2), 2^(cap-1)]`. Default 8.
  public var backoffCap: Int

  /// dxpy's rules.
  public static let dxpy = DXRetryPolicy()

  /// Creates the policy. `backoffCap` defaults to 8 (delays up to 128 s).
  public init(backoffCap: Int = 8) { self.backoffCap = max(2, backoffCap) }

  /// Decides whether to retry the attempt that failed with `outcome`.
  /// - Parameters:
  ///   - state: The call's state before this failure was counted.
  ///   - outcome: The failure.
  ///   - random: Returns a whole number in the given closed range (dxpy's `random.randint`).
  public func decide(
    _ state: State, _ outcome: Outcome, random: (ClosedRange<Int>) -> Int
  ) -> Decision {
    guard Self.shouldRetry(state, outcome) else { return .doNotRetry }
    let seconds = delay(
      status: outcome.status, retryAfter: outcome.retryAfter,
      attemptNumber: state.retriesIncludingThrottled + 1, random: random)
    return .retry(after: .seconds(seconds))
  }

  /// Whether the request may be repeated after a failure with no usable reply: `alwaysRetry`, `GET`,
  /// or a failure that is safe for any method (dxpy's `is_retryable`).
  public static func isRetryable(_ state: State, _ failure: Failure) -> Bool {
    state.alwaysRetry || state.method == "GET" || isRetryableForAnyMethod(failure)
  }

  /// dxpy's `_is_retryable_exception`: connection-level failures where the request cannot have been
  /// processed, or an incomplete body.
  public static func isRetryableForAnyMethod(_ failure: Failure) -> Bool {
    switch failure {
    case .incompleteRead: return true
    case .transport(let kind):
      switch kind {
      case .connectionRefused, .connectionReset, .noResponse, .nameResolution, .networkUnreachable, .tls,
        .protocolError:
        return true
      default: return false
      }
    default: return false
    }
  }

  /// Whether `outcome` may be retried at all, before the delay is chosen.
  public static func shouldRetry(_ state: State, _ outcome: Outcome) -> Bool {
    if case .transport(let kind) = outcome.failure, kind == .invalidRequest { return false }
    guard state.retries + 1 < state.maxRetries + 1 else { return false }
    let retryable = isRetryable(state, outcome.failure)
    var ok: Bool
    switch outcome.failure {
    case .apiError, .httpErrorWithContent:
      let status = outcome.status ?? 0
      ok = status == 429 || (500...599).contains(status)
    default:
      ok = retryable
    }
    if outcome.failure == .httpErrorWithContent, outcome.status == 400, retryable, state.method == "PUT" {
      ok = true
    }
    if outcome.status == 422 { ok = false }
    return ok
  }

  /// The delay in whole seconds before the retry that follows attempt number `attemptNumber`
  /// (1-based, counting throttled attempts). See the type's documentation for the formula.
  public func delay(
    status: Int?, retryAfter: String?, attemptNumber: Int, random: (ClosedRange<Int>) -> Int
  ) -> Int {
    if status == 503 || status == 429, let retryAfter, let suggested = Self.parsePythonInt(retryAfter),
      suggested >= 0
    {
      if suggested >= 60 { return suggested }
      let factor = 0.25 * Double(min(attemptNumber - 1, 20)) * Double(suggested)
      return suggested + Int(factor.rounded(.towardZero))
    }
    if attemptNumber <= 1 { return 1 }
    let exponent = min(attemptNumber, backoffCap)
    let low = 1 << (exponent - 2)
    let high = 1 << (exponent - 1)
    return min(max(random(low...high), low), high)
  }

  /// Python's `int(text)` for decimal text: optional surrounding white space, an optional sign, digits
  /// with single underscores between them.
  static func parsePythonInt(_ text: String) -> Int? {
    var body = Substring(text.trimmingSpaces())
    var negative = false
    if let first = body.first, first == "+" || first == "-" {
      negative = first == "-"
      body = body.dropFirst()
    }
    guard let first = body.first, first.isASCII, first.isNumber, let last = body.last, last != "_",
      !body.contains("__")
    else { return nil }
    let digits = body.filter { $0 != "_" }
    guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
    return negative ? -value : value
  }
}
