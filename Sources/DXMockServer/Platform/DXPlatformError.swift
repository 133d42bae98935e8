import DXWire

/// An error the platform reports: its type, message, optional details and HTTP status.
///
/// Rendered as `{"error":{"type":…,"message":…[,"details":…]}}` (``body``). The statuses follow the
/// platform's table (dxpy-behaviour §3): InvalidInput/InvalidState/InvalidType 422,
/// InvalidAuthentication/PermissionDenied 401, ResourceNotFound 404, MalformedJSON 400,
/// SpendingLimitExceeded 403, RateLimitConditional 429, InternalError 500, ServiceUnavailable 503.
public struct DXPlatformError: Error, Sendable, Hashable {
  /// The error body sent: type, message and details.
  public var errorBody: DXErrorBody
  /// The HTTP status.
  public var status: Int
  /// A `Retry-After` header value to send with it, if any.
  public var retryAfter: String?

  /// Creates an error.
  public init(type: String, message: String, status: Int, details: DXJSON? = nil, retryAfter: String? = nil) {
    self.errorBody = DXErrorBody(type: type, message: message, details: details)
    self.status = status
    self.retryAfter = retryAfter
  }

  /// The platform's error type, e.g. `"InvalidInput"`.
  public var type: String {
    get { errorBody.type }
    set { errorBody.type = newValue }
  }
  /// The human-readable message.
  public var message: String {
    get { errorBody.message }
    set { errorBody.message = newValue }
  }
  /// Optional structured details.
  public var details: DXJSON? {
    get { errorBody.details }
    set { errorBody.details = newValue }
  }

  /// The platform's error body as JSON.
  public var body: DXJSON { errorBody.json }

  /// The status the platform uses for an error type (500 for an unknown type).
  public static func status(forType type: String) -> Int {
    switch type {
    case "InvalidInput", "InvalidState", "InvalidType": return 422
    case "InvalidAuthentication", "PermissionDenied": return 401
    case "ResourceNotFound": return 404
    case "MalformedJSON": return 400
    case "SpendingLimitExceeded", "OrgExpired": return 403
    case "RateLimitConditional": return 429
    case "ServiceUnavailable": return 503
    default: return 500
    }
  }

  /// An error of `type` with the platform's status for it.
  public static func of(_ type: String, _ message: String, details: DXJSON? = nil) -> DXPlatformError {
    DXPlatformError(type: type, message: message, status: status(forType: type), details: details)
  }

  /// 422 InvalidInput.
  public static func invalidInput(_ message: String, details: DXJSON? = nil) -> DXPlatformError {
    of("InvalidInput", message, details: details)
  }
  /// 401 InvalidAuthentication.
  public static func invalidAuthentication(_ message: String) -> DXPlatformError {
    of("InvalidAuthentication", message)
  }
  /// 401 PermissionDenied.
  public static func permissionDenied(_ message: String) -> DXPlatformError {
    of("PermissionDenied", message)
  }
  /// 404 ResourceNotFound.
  public static func resourceNotFound(_ message: String) -> DXPlatformError {
    of("ResourceNotFound", message)
  }
  /// 422 InvalidState.
  public static func invalidState(_ message: String) -> DXPlatformError { of("InvalidState", message) }
  /// 422 InvalidType.
  public static func invalidType(_ message: String) -> DXPlatformError { of("InvalidType", message) }
  /// 400 MalformedJSON.
  public static func malformedJSON(_ message: String) -> DXPlatformError { of("MalformedJSON", message) }
  /// 500 InternalError.
  public static func internalError(_ message: String) -> DXPlatformError { of("InternalError", message) }
}
