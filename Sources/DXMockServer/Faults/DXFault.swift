import DXWire

/// A fault the mock server puts on the wire instead of (or before) the normal response.
///
/// Each case names exactly what reaches the client:
/// - ``status(code:retryAfter:errorType:message:)``: that HTTP status with the platform's error body
///   (`{"error":{"type":…,"message":…}}`) and, when given, a `Retry-After` header.
/// - ``truncate(sendBytes:)``: the real response's headers with its true `Content-Length`, then only
///   the first `sendBytes` body bytes, then the connection closes.
/// - ``noContentLength``: `Content-Type: application/json`, no `Content-Length`, a UTF-8 body that is
///   not valid JSON, delimited by closing the connection.
/// - ``reset``: a TCP reset, no response.
/// - ``empty``: the connection closes with no response.
/// - ``delay(ms:)``: the request waits `ms` milliseconds, then proceeds normally (other rules may
///   still apply a fault to it).
///
/// The JSON form (admin API, `--faults` files) is `{"type":"status","status":503,"retryAfter":2,
/// "errorType":"ServiceUnavailable","message":"…"}`, `{"type":"truncate","sendBytes":10}`,
/// `{"type":"noContentLength"}`, `{"type":"reset"}`, `{"type":"empty"}`, `{"type":"delay","ms":200}`
/// (see ``init(json:field:)`` and ``json``).
public enum DXFault: Sendable, Hashable {
  /// Answer with HTTP `code` and the platform's error body.
  ///
  /// - `retryAfter`: the `Retry-After` header value (delta seconds such as `"2"`, or an HTTP date),
  ///   or `nil` for none.
  /// - `errorType`: the error type in the body, or `nil` for the platform's type for `code`
  ///   (``defaultErrorType(forStatus:)``).
  /// - `message`: the error message, or `nil` for a generated one that says it was injected.
  case status(code: Int, retryAfter: String?, errorType: String?, message: String?)
  /// Send the real `Content-Length` and only `sendBytes` bytes of the body, then close.
  case truncate(sendBytes: Int)
  /// Send a close-delimited body that is not valid JSON, with no `Content-Length`.
  case noContentLength
  /// Reset the TCP connection without answering.
  case reset
  /// Close the connection without answering.
  case empty
  /// Wait `ms` milliseconds before handling the request (without blocking other connections).
  case delay(ms: Int)

  /// The largest accepted ``delay(ms:)``: one hour.
  public static let maximumDelayMs = 3_600_000

  /// A status fault with an integral `Retry-After` (seconds).
  /// - Parameters:
  ///   - code: The HTTP status.
  ///   - retryAfter: Seconds for `Retry-After`, or `nil` (the default) for no header.
  ///   - errorType: The body's error type, or `nil` (the default) for the platform's type for `code`.
  ///   - message: The body's message, or `nil` (the default) for a generated one.
  public static func status(
    _ code: Int, retryAfter: Int? = nil, errorType: String? = nil, message: String? = nil
  ) -> DXFault {
    .status(code: code, retryAfter: retryAfter.map { String($0) }, errorType: errorType, message: message)
  }

  /// The fault's type name as in its JSON form: `"status"`, `"truncate"`, `"noContentLength"`,
  /// `"reset"`, `"empty"` or `"delay"`.
  public var typeName: String {
    switch self {
    case .status: return "status"
    case .truncate: return "truncate"
    case .noContentLength: return "noContentLength"
    case .reset: return "reset"
    case .empty: return "empty"
    case .delay: return "delay"
    }
  }

  /// Whether this is a ``delay(ms:)``, which combines with other faults instead of replacing the
  /// response.
  public var isDelay: Bool {
    if case .delay = self { return true }
    return false
  }

  /// A short readable form in the `--fault` spec syntax, e.g. `status=503 retryAfter=2`,
  /// `truncate sendBytes=10`, `reset` or `delay ms=200`; the request journal uses it.
  public var summary: String {
    switch self {
    case .status(let code, let retryAfter, let errorType, let message):
      var parts = ["status=\(code)"]
      if let retryAfter { parts.append("retryAfter=\(FaultSpecLexer.quoted(retryAfter))") }
      if let errorType { parts.append("errorType=\(FaultSpecLexer.quoted(errorType))") }
      if let message { parts.append("message=\(FaultSpecLexer.quoted(message))") }
      return parts.joined(separator: " ")
    case .truncate(let sendBytes): return "truncate sendBytes=\(sendBytes)"
    case .noContentLength: return "noContentLength"
    case .reset: return "reset"
    case .empty: return "empty"
    case .delay(let ms): return "delay ms=\(ms)"
    }
  }

  // MARK: - Validation

  /// Checks the fault's values.
  ///
  /// Status codes must be 200…599; `sendBytes` and `ms` must not be negative (`ms` at most
  /// ``maximumDelayMs``); `errorType` and `retryAfter` must be non-empty single-line text.
  /// - Parameter field: The field path used in error messages, e.g. `"fault"`.
  /// - Throws: ``DXFaultRule/ParseError`` naming the offending field.
  public func validate(field: String = "fault") throws(DXFaultRule.ParseError) {
    switch self {
    case .status(let code, let retryAfter, let errorType, let message):
      guard (200...599).contains(code) else {
        throw .invalid("\(field).status must be an HTTP status from 200 to 599, got \(code)")
      }
      if let retryAfter {
        guard !retryAfter.isEmpty, !retryAfter.contains(where: \.isNewline),
          retryAfter.allSatisfy({ $0.isASCII })
        else {
          throw .invalid("\(field).retryAfter must be seconds or an HTTP date on one line")
        }
      }
      if let errorType {
        guard !errorType.isEmpty, errorType.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
          throw .invalid("\(field).errorType must be a non-empty name such as ServiceUnavailable")
        }
      }
      if let message, message.count > 4096 {
        throw .invalid("\(field).message must be at most 4096 characters")
      }
    case .truncate(let sendBytes):
      guard sendBytes >= 0 else {
        throw .invalid("\(field).sendBytes must be a non-negative integer, got \(sendBytes)")
      }
    case .delay(let ms):
      guard (0...Self.maximumDelayMs).contains(ms) else {
        throw .invalid("\(field).ms must be an integer from 0 to \(Self.maximumDelayMs), got \(ms)")
      }
    case .noContentLength, .reset, .empty:
      return
    }
  }

  // MARK: - Platform error

  /// The platform's error type for an injected status: 503 ServiceUnavailable, other 5xx
  /// InternalError, 429 RateLimitConditional, 422 InvalidInput, 404 ResourceNotFound,
  /// 401 InvalidAuthentication, 400 MalformedJSON, 403 SpendingLimitExceeded, 409 InvalidState,
  /// other 4xx InvalidInput, anything else InternalError.
  public static func defaultErrorType(forStatus status: Int) -> String {
    switch status {
    case 503: return "ServiceUnavailable"
    case 500...599: return "InternalError"
    case 429: return "RateLimitConditional"
    case 422: return "InvalidInput"
    case 404: return "ResourceNotFound"
    case 401: return "InvalidAuthentication"
    case 400: return "MalformedJSON"
    case 403: return "SpendingLimitExceeded"
    case 409: return "InvalidState"
    case 400...499: return "InvalidInput"
    default: return "InternalError"
    }
  }

  /// The platform error a ``status(code:retryAfter:errorType:message:)`` fault answers with (its
  /// status, body and `Retry-After`), or `nil` for the other faults.
  ///
  /// Render it with ``DXMockResponse/error(_:)``.
  public var platformError: DXPlatformError? {
    guard case .status(let code, let retryAfter, let errorType, let message) = self else { return nil }
    let type = errorType ?? Self.defaultErrorType(forStatus: code)
    return DXPlatformError(
      type: type, message: message ?? "Injected fault: HTTP \(code) \(type)", status: code,
      retryAfter: retryAfter)
  }

  /// The platform response a status fault answers with, or `nil` for the other faults.
  public var statusResponse: DXMockResponse? {
    platformError.map { DXMockResponse.error($0) }
  }

  /// The body a ``noContentLength`` fault sends: UTF-8 text that starts like JSON but does not
  /// parse, so a client that ignores the missing length fails to decode it.
  public static let noContentLengthBody = Array(#"{"error": "injected noContentLength fault, not JSON"#.utf8)
}
