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
/// - ``reply(_:)``: a status with a body of the rule's choice (raw text or HTML, any JSON, S3's XML
///   error document) and extra headers.
/// - ``encoded(_:corrupt:)``: the real response with its body gzip- or deflate-encoded and
///   `Content-Encoding` set (or, corrupt, a body no decoder accepts).
/// - ``redirect(status:location:)``: 301/302/303/307/308 with `Location` and an empty body.
/// - ``trickle(bytesPerSecond:)``: the real response, its body sent at that rate.
/// - ``stall(afterBytes:ms:)``: the real response; after `afterBytes` body bytes the server waits `ms`
///   milliseconds, then sends the rest.
/// - ``bandwidth(bytesPerSecond:)``: the request body is received and the response body sent at that
///   rate (for upload and download URLs).
/// - ``resetAfterReceived(bytes:)``: the connection is reset once `bytes` bytes of the request body
///   have been received (decided from the request head, so the rule cannot match on the body).
/// - ``latency(_:)``: like ``delay(ms:)``, drawn from a seeded distribution.
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
  /// Answer with a status and a body and headers of the rule's choice.
  case reply(Reply)
  /// Send the real response with its body encoded (`Content-Encoding`), or corrupt.
  case encoded(ContentEncoding, corrupt: Bool)
  /// Redirect with `Location`.
  case redirect(status: Int, location: String)
  /// Send the real response's body at `bytesPerSecond`.
  case trickle(bytesPerSecond: Int)
  /// Send `afterBytes` body bytes, wait `ms`, then send the rest.
  case stall(afterBytes: Int, ms: Int)
  /// Receive the request body and send the response body at `bytesPerSecond`.
  case bandwidth(bytesPerSecond: Int)
  /// Reset the connection after `bytes` bytes of the request body arrived.
  case resetAfterReceived(bytes: Int)
  /// Wait a draw from the distribution before handling the request.
  case latency(Latency)

  /// How an ``encoded(_:corrupt:)`` fault encodes the body.
  public enum ContentEncoding: String, Sendable, Hashable {
    /// `Content-Encoding: gzip` (RFC 1952).
    case gzip
    /// `Content-Encoding: deflate` (the zlib format of RFC 1950, as HTTP defines it).
    case deflate
  }

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
    case .reply: return "status"
    case .encoded: return "encoding"
    case .redirect: return "redirect"
    case .trickle: return "trickle"
    case .stall: return "stall"
    case .bandwidth: return "bandwidth"
    case .resetAfterReceived: return "resetAfterReceived"
    case .latency: return "latency"
    }
  }

  /// Whether this is a ``delay(ms:)`` or ``latency(_:)``, which combine with other faults instead of
  /// replacing the response.
  public var isDelay: Bool {
    switch self {
    case .delay, .latency: return true
    default: return false
    }
  }

  /// Whether the fault is decided from the request head, before the body arrives
  /// (``resetAfterReceived(bytes:)`` and ``bandwidth(bytesPerSecond:)``).
  public var isReceivePhase: Bool {
    switch self {
    case .resetAfterReceived, .bandwidth: return true
    default: return false
    }
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
    case .reply(let reply): return Self.replySummary(reply)
    case .encoded(let encoding, let corrupt):
      return "encoding=\(encoding.rawValue)" + (corrupt ? " corrupt=true" : "")
    case .redirect(let status, let location):
      return "redirect=\(status) location=\(FaultSpecLexer.quoted(location))"
    case .trickle(let rate): return "trickle=\(rate)"
    case .stall(let afterBytes, let ms): return "stall afterBytes=\(afterBytes) ms=\(ms)"
    case .bandwidth(let rate): return "bandwidth=\(rate)"
    case .resetAfterReceived(let bytes): return "resetAfterReceived=\(bytes)"
    case .latency(let latency): return latency.spec
    }
  }

  private static func replySummary(_ reply: Reply) -> String {
    var parts = ["status=\(reply.status)"]
    if let retryAfter = reply.retryAfter { parts.append("retryAfter=\(FaultSpecLexer.quoted(retryAfter))") }
    switch reply.body {
    case .platform(let errorType, let message):
      if let errorType { parts.append("errorType=\(FaultSpecLexer.quoted(errorType))") }
      if let message { parts.append("message=\(FaultSpecLexer.quoted(message))") }
    case .text(let text): parts.append("body=\(FaultSpecLexer.quoted(text))")
    case .json(let value):
      parts.append("json=\(FaultSpecLexer.quoted(value.serializedString(sortedKeys: true)))")
    case .s3(let code, let message):
      parts.append("s3Error=\(FaultSpecLexer.quoted(code))")
      if let message { parts.append("message=\(FaultSpecLexer.quoted(message))") }
    }
    if let contentType = reply.contentType {
      parts.append("contentType=\(FaultSpecLexer.quoted(contentType))")
    }
    for field in reply.headers {
      parts.append(FaultSpecLexer.quoted("replyHeader.\(field.name)=\(field.value)"))
    }
    return parts.joined(separator: " ")
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
    case .noContentLength, .reset, .empty, .encoded:
      return
    case .reply(let reply):
      try Self.validate(reply: reply, field: field)
    case .redirect(let status, let location):
      guard [301, 302, 303, 307, 308].contains(status) else {
        throw .invalid("\(field).status must be 301, 302, 303, 307 or 308 for a redirect, got \(status)")
      }
      guard !location.isEmpty, location.count <= 4096, !location.contains(where: \.isNewline) else {
        throw .invalid("\(field).location must be a URL on one line")
      }
    case .trickle(let rate), .bandwidth(let rate):
      guard rate >= 1 else {
        throw .invalid("\(field).bytesPerSecond must be an integer of at least 1, got \(rate)")
      }
    case .stall(let afterBytes, let ms):
      guard afterBytes >= 0 else {
        throw .invalid("\(field).afterBytes must be a non-negative integer, got \(afterBytes)")
      }
      guard (0...Self.maximumDelayMs).contains(ms) else {
        throw .invalid("\(field).ms must be an integer from 0 to \(Self.maximumDelayMs), got \(ms)")
      }
    case .resetAfterReceived(let bytes):
      guard bytes >= 0 else { throw .invalid("\(field).bytes must be a non-negative integer, got \(bytes)") }
    case .latency(let latency):
      try latency.validate(field: field)
    }
  }

  private static func validate(reply: Reply, field: String) throws(DXFaultRule.ParseError) {
    guard (200...599).contains(reply.status) else {
      throw .invalid("\(field).status must be an HTTP status from 200 to 599, got \(reply.status)")
    }
    if let retryAfter = reply.retryAfter, retryAfter.isEmpty || !isHeaderValue(retryAfter) {
      throw .invalid("\(field).retryAfter must be seconds or an HTTP date on one line")
    }
    if let contentType = reply.contentType, contentType.isEmpty || !isHeaderValue(contentType) {
      throw .invalid("\(field).contentType must be a media type on one line")
    }
    for header in reply.headers {
      guard !header.name.isEmpty,
        header.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
      else { throw .invalid("\(field).headers has \"\(header.name)\", which is not a header name") }
      guard isHeaderValue(header.value) else {
        throw .invalid("\(field).headers.\(header.name) must be printable text on one line")
      }
    }
    switch reply.body {
    case .platform(let errorType, let message):
      if let errorType,
        errorType.isEmpty || !errorType.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
      {
        throw .invalid("\(field).errorType must be a non-empty name such as ServiceUnavailable")
      }
      if let message, message.count > 4096 {
        throw .invalid("\(field).message must be at most 4096 characters")
      }
    case .text(let text):
      guard text.utf8.count <= 1 << 20 else { throw .invalid("\(field).body must be at most 1 MiB") }
    case .json:
      return
    case .s3(let code, _):
      guard !code.isEmpty, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
        throw .invalid("\(field).s3Error must be an S3 error code such as RequestTimeout")
      }
    }
  }

  private static func isHeaderValue(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F || $0 == "\t" }
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
    if case .reply(let reply) = self, case .platform(let errorType, let message) = reply.body {
      let type = errorType ?? Self.defaultErrorType(forStatus: reply.status)
      return DXPlatformError(
        type: type, message: message ?? "Injected fault: HTTP \(reply.status) \(type)", status: reply.status,
        retryAfter: reply.retryAfter)
    }
    guard case .status(let code, let retryAfter, let errorType, let message) = self else { return nil }
    let type = errorType ?? Self.defaultErrorType(forStatus: code)
    return DXPlatformError(
      type: type, message: message ?? "Injected fault: HTTP \(code) \(type)", status: code,
      retryAfter: retryAfter)
  }

  /// The response a status, reply or redirect fault answers with instead of the real one, or `nil` for
  /// the other faults.
  public var statusResponse: DXMockResponse? {
    switch self {
    case .status: return platformError.map { DXMockResponse.error($0) }
    case .reply(let reply): return reply.response
    case .redirect(let status, let location):
      return DXMockResponse(status: status, headers: ["Location": location])
    default: return nil
    }
  }

  /// The `Retry-After` value the fault's answer carries, or `nil`.
  public var retryAfter: String? {
    switch self {
    case .status(_, let retryAfter, _, _): return retryAfter
    case .reply(let reply): return reply.retryAfter
    default: return nil
    }
  }

  /// The body a ``noContentLength`` fault sends: UTF-8 text that starts like JSON but does not
  /// parse, so a client that ignores the missing length fails to decode it.
  public static let noContentLengthBody = Array(#"{"error": "injected noContentLength fault, not JSON"#.utf8)
}
