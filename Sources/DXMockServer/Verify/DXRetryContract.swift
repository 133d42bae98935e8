import DXWire

/// The retry contract the verifier judges a client by: dxpy 0.417.1's, with the settings a test may
/// need to change.
///
/// The rules (see `dxpy-behaviour.md` §2.4): no retry after 422; a POST on a route whose dxpy
/// default is not `always_retry` (`DXPyRetryRoutes`) is not retried after a timeout or an
/// unreadable reply (connection failures and 5xx are retried on every route); the nonce stays the
/// same; a throttled retry waits at least the integral `Retry-After`; any other retry waits at least
/// dxpy's backoff minimum (1 s after the first attempt, then 2^(min(n,8)-2) s after the n-th, the
/// throttled ones counted); at most `maxRetries + 1` attempts that did not follow a throttled answer;
/// a file part is re-sent with the same bytes; nothing is sent again after it succeeded.
public struct DXRetryContract: Sendable, Hashable {
  /// dxpy's `max_retries` (default 6).
  public var maxRetries: Int
  /// The factor applied to every wait the contract asks for (default 1). A test whose client sleeps
  /// on a scaled clock (say 1/100 of real time) verifies with the same factor.
  public var timeScale: Double
  /// The slack allowed on every wait, in milliseconds (default 50: the journal's clock and the
  /// client's sleep are not the same clock).
  public var toleranceMs: Int
  /// The longest gap, in milliseconds, after which an identical request is a new call rather than a
  /// retry (default 900,000: longer than any wait dxpy makes).
  public var operationWindowMs: Int

  /// Creates a contract.
  /// - Parameters:
  ///   - maxRetries: dxpy's `max_retries`; default 6.
  ///   - timeScale: The factor on every wait; default 1.
  ///   - toleranceMs: The slack on every wait; default 50.
  ///   - operationWindowMs: The longest gap within one call; default 900,000.
  public init(
    maxRetries: Int = 6, timeScale: Double = 1, toleranceMs: Int = 50, operationWindowMs: Int = 900_000
  ) {
    self.maxRetries = max(0, maxRetries)
    self.timeScale = timeScale.isFinite && timeScale > 0 ? timeScale : 1
    self.toleranceMs = max(0, toleranceMs)
    self.operationWindowMs = max(1, operationWindowMs)
  }

  /// dxpy 0.417.1's contract.
  public static let dxpy = DXRetryContract()

  /// dxpy's default for the route of `path`: `true` for `always_retry`, `false` when not, `nil` for
  /// a path that is no API route (file transfers, unknown routes).
  public static func alwaysRetry(path: String) -> Bool? {
    let key = routeKey(path)
    if DXPyRetryRoutes.notAlwaysRetry.contains(key) { return false }
    if DXPyRetryRoutes.alwaysRetry.contains(key) { return true }
    return nil
  }

  /// `class/method` for `/class-ID[/…]/method`, else the path itself.
  static func routeKey(_ path: String) -> String {
    let segments = path.split(separator: "/")
    guard segments.count >= 2, let first = segments.first, let dash = first.firstIndex(of: "-"),
      dash != first.startIndex, let method = segments.last
    else { return path }
    return "\(first[..<dash])/\(method)"
  }

  /// dxpy's smallest wait, in milliseconds, before the retry that follows the n-th attempt
  /// (throttled attempts counted): 1 s for n ≤ 1, else 2^(min(n,8)-2) s.
  public static func minimumBackoffMs(afterAttempt n: Int) -> Int {
    n <= 1 ? 1000 : (1 << (min(n, 8) - 2)) * 1000
  }

  /// dxpy's smallest wait, in milliseconds, after a throttled answer with `Retry-After: d`.
  /// Saturates at `Int.max` (a `Retry-After` can be any integer a stub or fault rule sends).
  public static func minimumRetryAfterMs(_ seconds: Int) -> Int {
    seconds <= 0 ? 0 : (seconds > Int.max / 1000 ? Int.max : seconds * 1000)
  }
}
