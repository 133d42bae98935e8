import DXWire

/// Groups journaled requests into logical operations and checks each against a ``DXRetryContract``.
///
/// An attempt joins the open operation with its ``OperationKey`` (same method, path and body without
/// its nonce; the same file part for uploads) when that operation's last attempt failed in a way a
/// client may retry, within ``DXRetryContract/operationWindowMs``. After a success or a final error an
/// identical request is a new call, except that a call with a nonce or a file part sent again after it
/// succeeded (the same nonce, or the same part) is a violation, and so is any request sent again
/// after a 422.
struct RetryContractVerifier {
  let contract: DXRetryContract

  /// One logical operation and its attempts, in order.
  private struct Operation {
    var attempts: [RetryAttempt]
    var last: RetryAttempt { attempts[attempts.count - 1] }
  }

  /// The violations in `attempts` (oldest first), and how many operations there were.
  func verify(_ attempts: [RetryAttempt]) -> (violations: [DXRetryViolation], operations: Int) {
    var open: [String: Int] = [:]
    var operations: [Operation] = []
    for attempt in attempts {
      let key = attempt.operation.text
      if let index = open[key], belongs(attempt, to: operations[index]) {
        operations[index].attempts.append(attempt)
      } else {
        open[key] = operations.count
        operations.append(Operation(attempts: [attempt]))
      }
    }
    var violations: [DXRetryViolation] = []
    for operation in operations { violations += check(operation) }
    return (violations, operations.count)
  }

  /// Whether `attempt` continues `operation` (a retry, or a repeat the contract forbids).
  private func belongs(_ attempt: RetryAttempt, to operation: Operation) -> Bool {
    let last = operation.last
    guard attempt.receivedAt - last.answeredAt <= Int64(contract.operationWindowMs) else { return false }
    switch last.result {
    case .success:
      // A fresh call of the same thing is fine, unless it re-sends what identifies one call.
      if attempt.operation.isUploadPart { return attempt.bodyMD5 == last.bodyMD5 }
      return last.nonce != nil && attempt.nonce == last.nonce
    case .clientError, .unknown:
      return false
    case .throttled, .serverError, .unprocessable, .connectionFailure, .brokenReply, .timeout:
      return true
    }
  }

  private func check(_ operation: Operation) -> [DXRetryViolation] {
    var violations: [DXRetryViolation] = []
    let attempts = operation.attempts
    let name = attempts[0].operation.text
    var nonThrottled = 1
    var reportedLimit = false
    for index in attempts.indices.dropFirst() {
      let previous = attempts[index - 1]
      let attempt = attempts[index]
      func violation(_ rule: DXRetryViolation.Rule, _ message: String) {
        violations.append(
          DXRetryViolation(
            rule: rule, operation: name, message: message,
            attempts: [Self.summary(previous), Self.summary(attempt)]))
      }
      let result = previous.result
      if result != .throttled { nonThrottled += 1 }
      switch result {
      case .unprocessable:
        violation(.retryAfter422, "retried after a 422 answer, which dxpy never retries")
      case .success:
        violation(
          .repeatedAfterSuccess,
          attempt.operation.isUploadPart
            ? "the part was sent again after it was stored"
            : "the call was sent again (same nonce) after it succeeded")
      case .timeout, .brokenReply:
        if attempt.method == "POST", DXRetryContract.alwaysRetry(path: attempt.path) == false {
          let what = result == .timeout ? "a timeout" : "a reply it could not read"
          violation(
            .nonIdempotentRetry,
            "POST \(DXRetryContract.routeKey(attempt.path)) is not always_retry in dxpy, yet it was retried after \(what)"
          )
        }
      default:
        break
      }
      if let before = previous.nonce, attempt.nonce != before {
        violation(.nonceChanged, "the nonce changed between attempts")
      }
      if attempt.operation.isUploadPart, let before = previous.bodyMD5, let now = attempt.bodyMD5,
        before != now
      {
        violation(.partBytesChanged, "the part was re-sent with different bytes (MD5 \(before) then \(now))")
      }
      // After a timeout the client gave up at a moment the server cannot see, before the server
      // stamped the attempt's end (the delayed answer went out, or libmicrohttpd found the connection
      // closed, possibly long after): the wait is measured from the attempt's arrival, which the
      // client's giving up cannot precede. A lower bound on the client's wait, so never a false report.
      let gap = attempt.receivedAt - (result == .timeout ? previous.receivedAt : previous.answeredAt)
      if result != .success {
        if let seconds = previous.retryAfterSeconds {
          let required = scaled(DXRetryContract.minimumRetryAfterMs(seconds))
          if Self.isShort(gap, tolerance: contract.toleranceMs, required: required) {
            violation(
              .retryBeforeRetryAfter,
              "retried \(gap) ms after a Retry-After of \(seconds) s (at least \(required) ms)")
          }
        } else {
          let required = scaled(DXRetryContract.minimumBackoffMs(afterAttempt: index))
          if Self.isShort(gap, tolerance: contract.toleranceMs, required: required) {
            violation(
              .backoffTooFast, "retried \(gap) ms after attempt \(index); dxpy waits at least \(required) ms")
          }
        }
      }
      // `nonThrottled - 1 > maxRetries`, not `nonThrottled > maxRetries + 1`: the contract's numbers
      // may be as large as a caller likes (no overflow).
      if nonThrottled - 1 > contract.maxRetries, !reportedLimit {
        reportedLimit = true
        violation(
          .tooManyAttempts,
          "\(nonThrottled) attempts that did not follow a throttled answer; the limit is \(contract.maxRetries + 1)"
        )
      }
    }
    return violations
  }

  /// `milliseconds` times the contract's time scale, saturated to 0…`Int64.max` (a `Retry-After` of
  /// 2⁶³ − 1 seconds from a stub, or a huge time scale, must not trap).
  private func scaled(_ milliseconds: Int) -> Int64 {
    let value = (Double(milliseconds) * contract.timeScale).rounded(.down)
    guard value.isFinite, value < Double(Int64.max) else { return value < 0 ? 0 : .max }
    return value <= 0 ? 0 : Int64(value)
  }

  /// Whether a wait of `gap` ms, with `tolerance` ms of slack, is shorter than `required` (without
  /// overflowing on a huge tolerance).
  static func isShort(_ gap: Int64, tolerance: Int, required: Int64) -> Bool {
    let (sum, overflow) = gap.addingReportingOverflow(Int64(max(0, tolerance)))
    return !overflow && sum < required
  }

  private static func summary(_ attempt: RetryAttempt) -> DXRetryViolation.Attempt {
    DXRetryViolation.Attempt(
      journalID: attempt.id, receivedAt: attempt.receivedAt, completedAt: attempt.completedAt,
      status: attempt.status, outcome: attempt.outcome)
  }
}
