/// A client-side error that is not the platform's and not the network's: bad arguments, an auth
/// server that cannot be guessed, an unsupported token type, a malformed error body.
///
/// A struct with a private code and static members, so new kinds never break callers. dxpy raises
/// `DXError`, `NotImplementedError`, `KeyError` or `UnicodeEncodeError` in these places.
public struct DXError: Error, Sendable, Hashable, CustomStringConvertible {
  private enum Code: String, Sendable, Hashable {
    case authServer
    case unsupportedTokenType
    case malformedErrorBody
    case invalidHeader
    case invalidURL
    case invalidArgument
    case unexpectedResponse
    case bodyStream
  }

  private let code: Code
  /// The human-readable message, in dxpy's wording where dxpy has one.
  public let message: String

  private init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The message.
  public var description: String { message }

  /// The auth server name could not be determined (dxpy's `get_auth_server_name` `DXError`).
  public static func authServer(_ message: String) -> DXError { DXError(.authServer, message) }

  /// The security context has a token type other than Bearer (dxpy raises `NotImplementedError`).
  public static let unsupportedTokenType = DXError(
    .unsupportedTokenType, "Token types other than bearer are not yet supported")

  /// An error response whose JSON lacks a field dxpy requires (dxpy raises a bare `KeyError`).
  public static func malformedErrorBody(_ message: String) -> DXError {
    DXError(.malformedErrorBody, message)
  }

  /// A header name or value is not ASCII (dxpy raises `UnicodeEncodeError`).
  public static func invalidHeader(_ message: String) -> DXError { DXError(.invalidHeader, message) }

  /// The URL could not be formed or parsed.
  public static func invalidURL(_ message: String) -> DXError { DXError(.invalidURL, message) }

  /// An argument was invalid (for example `jsonifyData` with a byte body).
  public static func invalidArgument(_ message: String) -> DXError { DXError(.invalidArgument, message) }

  /// The reply was not of the kind the caller asked for (for example not JSON).
  public static func unexpectedResponse(_ message: String) -> DXError {
    DXError(.unexpectedResponse, message)
  }

  /// A request body stream could not be read or rewound.
  public static func bodyStream(_ message: String) -> DXError { DXError(.bodyStream, message) }

  /// Whether `other` is the same kind of error, ignoring the message.
  public func isSameKind(as other: DXError) -> Bool { code == other.code }
}
