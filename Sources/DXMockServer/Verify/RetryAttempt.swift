import Foundation

/// One journaled request as the retry-contract verifier sees it.
struct RetryAttempt: Sendable {
  var id: Int
  var method: String
  var path: String
  var operation: OperationKey
  var nonce: String?
  var bodyMD5: String?
  var bodySize: Int
  var receivedAt: Int64
  var completedAt: Int64?
  var status: Int?
  var outcome: String
  var retryAfter: String?
  var fault: String?
  var faultRuleIDs: [String]

  /// What the client made of the answer.
  enum Result: Equatable {
    /// A complete 2xx (or a redirect the client follows elsewhere).
    case success
    /// A complete 503 or 429: retried without counting against the limit.
    case throttled
    /// A complete 5xx other than 503, or a PUT 400 (S3's slow-upload answer): retried on any route.
    case serverError
    /// 422: never retried.
    case unprocessable
    /// Any other complete 4xx: not retried.
    case clientError
    /// No response (reset, closed) or a response cut short: retried on any route.
    case connectionFailure
    /// A complete answer the client cannot read (not JSON, a body that does not decode): retried only
    /// for GET or `always_retry` routes.
    case brokenReply
    /// The client gave up waiting (delayed or stalled past its timeout): retried only for GET or
    /// `always_retry` routes.
    case timeout
    /// Still pending, or the server stopped.
    case unknown
  }

  var result: Result {
    if outcome.hasPrefix("abandoned") || outcome.hasPrefix("interrupted") {
      return outcome.contains("server shutdown") ? .unknown : .timeout
    }
    switch outcome {
    case "pending": return .unknown
    case "reset", "empty", "failed", "truncated": return .connectionFailure
    case "closeDelimited": return .brokenReply
    default: break
    }
    guard let status else { return .connectionFailure }
    if fault?.contains("corrupt=true") == true { return .brokenReply }
    switch status {
    case 200...399: return .success
    case 503, 429: return .throttled
    case 500...599: return .serverError
    case 422: return .unprocessable
    case 400 where method == "PUT": return .serverError
    default: return .clientError
    }
  }

  /// The integral `Retry-After` seconds of a throttled answer, or `nil`.
  var retryAfterSeconds: Int? {
    guard result == .throttled, let retryAfter else { return nil }
    return Int(retryAfter.trimmingCharacters(in: .whitespaces))
  }

  /// When the client had the answer (or gave up), in milliseconds since 1970.
  var answeredAt: Int64 { completedAt ?? receivedAt }
}
