import Foundation

/// An error the platform reported: a non-2xx reply whose JSON body names an error type.
///
/// dxpy raises one class per type (`InvalidInput`, `ResourceNotFound`, …), all subclasses of
/// `DXAPIError`; an unknown type falls back to `DXAPIError` itself and keeps the name. Here the type
/// is ``ErrorType``, a struct with the twelve known types as static members, so a `switch`-free
/// comparison (`error.type == .invalidInput`) works and unknown names survive.
public struct DXAPIError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The platform's error type, e.g. `InvalidInput`.
  public struct ErrorType: Sendable, Hashable, CustomStringConvertible {
    /// The name as the platform sends it.
    public let name: String

    /// Creates a type from its name.
    public init(_ name: String) { self.name = name }

    /// The name.
    public var description: String { name }

    /// Whether this is one of the twelve types dxpy has a class for.
    public var isKnown: Bool { Self.allKnown.contains(self) }

    /// `InvalidInput` (422).
    public static let invalidInput = ErrorType("InvalidInput")
    /// `InvalidAuthentication` (401).
    public static let invalidAuthentication = ErrorType("InvalidAuthentication")
    /// `PermissionDenied` (401).
    public static let permissionDenied = ErrorType("PermissionDenied")
    /// `ResourceNotFound` (404).
    public static let resourceNotFound = ErrorType("ResourceNotFound")
    /// `InvalidState` (422).
    public static let invalidState = ErrorType("InvalidState")
    /// `InvalidType` (422).
    public static let invalidType = ErrorType("InvalidType")
    /// `SpendingLimitExceeded` (403).
    public static let spendingLimitExceeded = ErrorType("SpendingLimitExceeded")
    /// `RateLimitConditional` (429).
    public static let rateLimitConditional = ErrorType("RateLimitConditional")
    /// `InternalError` (500).
    public static let internalError = ErrorType("InternalError")
    /// `ServiceUnavailable` (503).
    public static let serviceUnavailable = ErrorType("ServiceUnavailable")
    /// `MalformedJSON` (400).
    public static let malformedJSON = ErrorType("MalformedJSON")
    /// `OrgExpired`.
    public static let orgExpired = ErrorType("OrgExpired")

    /// The twelve types dxpy has a class for.
    public static let allKnown: [ErrorType] = [
      .invalidInput, .invalidAuthentication, .permissionDenied, .resourceNotFound, .invalidState,
      .invalidType, .spendingLimitExceeded, .rateLimitConditional, .internalError, .serviceUnavailable,
      .malformedJSON, .orgExpired,
    ]
  }

  /// The error type; an unknown name is kept as is.
  public var type: ErrorType
  /// The platform's message (`error.message`).
  public var message: String
  /// The platform's `error.details`, or `nil`.
  public var details: DXJSON?
  /// The HTTP status code.
  public var status: Int
  /// When the attempt started, in seconds since 1970 (dxpy's `timestamp`).
  public var requestTime: Double
  /// The `X-Request-ID` response header, or `"unavailable"`.
  public var requestID: String

  /// Creates an error.
  public init(
    type: ErrorType, message: String, details: DXJSON? = nil, status: Int, requestTime: Double = 0,
    requestID: String = "unavailable"
  ) {
    self.type = type
    self.message = message
    self.details = details
    self.status = status
    self.requestTime = requestTime
    self.requestID = requestID
  }

  /// The platform's error body this error was made from (type, message and details).
  public var body: DXErrorBody { DXErrorBody(type: type.name, message: message, details: details) }

  /// The type's name (dxpy's `name`).
  public var name: String { type.name }

  /// dxpy's `error_message()`: `"<msg>, code <status>. Request Time=<t>, Request ID=<id>"`, prefixed
  /// with `"<name>: "` only when the type is not one of the twelve known ones (in dxpy, when the
  /// class fell back to `DXAPIError`).
  public var errorMessage: String {
    let base =
      "\(message), code \(status). Request Time=\(DXPythonFormat.float(requestTime)), "
      + "Request ID=\(requestID)"
    return type.isKnown ? base : "\(type.name): \(base)"
  }

  /// dxpy's `str()`: ``errorMessage`` plus `"\nDetails: "` and the details as JSON indented by four
  /// spaces when the details are truthy (non-empty, non-null, non-zero, non-false).
  public var description: String {
    guard let details, DXPythonFormat.isTruthy(details) else { return errorMessage }
    return errorMessage + "\nDetails: " + DXPythonFormat.jsonDumps(details, indent: 4)
  }
}
