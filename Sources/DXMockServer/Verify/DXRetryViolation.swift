import DXWire

/// One breach of dxpy's retry contract that ``DXMockServer/verifyRetryContract(_:)`` found in the
/// request journal.
public struct DXRetryViolation: Sendable, Hashable, CustomStringConvertible {
  /// The contract rule broken.
  public enum Rule: String, Sendable, Hashable, CaseIterable {
    /// A request was retried after a 422 answer (dxpy never retries 422).
    case retryAfter422
    /// A non-idempotent request (a POST on a route whose dxpy default is not `always_retry`) was
    /// retried after a timeout or a reply it could not read.
    case nonIdempotentRetry
    /// The nonce changed between two attempts of one call.
    case nonceChanged
    /// A retry came sooner than the `Retry-After` the server asked for.
    case retryBeforeRetryAfter
    /// A retry came sooner than dxpy's backoff allows (1 s, then at least 2^(n-2) s).
    case backoffTooFast
    /// More non-throttled attempts than the retry limit allows (`max_retries + 1`).
    case tooManyAttempts
    /// A file part was sent again with different bytes.
    case partBytesChanged
    /// A call that carries a nonce, or a file part, was sent again after it succeeded.
    case repeatedAfterSuccess
  }

  /// One attempt named in a violation.
  public struct Attempt: Sendable, Hashable {
    /// The journal entry's ID.
    public var journalID: Int
    /// When the request arrived, in milliseconds since 1970.
    public var receivedAt: Int64
    /// When the server finished with it, or `nil`.
    public var completedAt: Int64?
    /// The status sent, or `nil`.
    public var status: Int?
    /// What happened on the wire (the journal's outcome).
    public var outcome: String
  }

  /// The rule broken.
  public var rule: Rule
  /// The logical operation, e.g. `POST /record/new {"project":"project-1"}`.
  public var operation: String
  /// What went wrong, for people.
  public var message: String
  /// The attempts involved (the earlier one first), with their times.
  public var attempts: [Attempt]

  /// `rule: message (operation; attempts #3 at 1700000000123, #4 at …)`.
  public var description: String {
    let times = attempts.map { "#\($0.journalID) at \($0.receivedAt)" }.joined(separator: ", ")
    return "\(rule.rawValue): \(message) (\(operation); attempts \(times))"
  }

  /// The JSON form `GET /__admin/verify` lists.
  public var json: DXJSON {
    .object([
      "rule": .string(rule.rawValue), "operation": .string(operation), "message": .string(message),
      "attempts": .array(
        attempts.map { attempt in
          .object([
            "journalID": .integer(attempt.journalID), "receivedAt": .integer(Int(attempt.receivedAt)),
            "completedAt": attempt.completedAt.map { .integer(Int($0)) } ?? .null,
            "status": attempt.status.map { .integer($0) } ?? .null, "outcome": .string(attempt.outcome),
          ])
        }),
    ])
  }
}
