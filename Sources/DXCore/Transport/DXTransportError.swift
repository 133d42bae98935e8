/// No HTTP response arrived: what happened instead.
///
/// A struct with a private code and static members (the async-http-client `HTTPClientError`
/// pattern), so new kinds never break callers. ``kind`` has a stable string form that cassettes store.
public struct DXTransportError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of failure this was.
  public struct Kind: Sendable, Hashable, CustomStringConvertible {
    /// The stable name, e.g. `"connectionRefused"`; cassettes store it.
    public let rawValue: String

    /// Creates a kind from its stable name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Nothing accepted the connection (`ECONNREFUSED`).
    public static let connectionRefused = Kind(rawValue: "connectionRefused")
    /// The peer reset the connection (a TCP RST) before a response arrived.
    public static let connectionReset = Kind(rawValue: "connectionReset")
    /// The peer closed the connection cleanly without sending a response.
    public static let noResponse = Kind(rawValue: "noResponse")
    /// The connection could not be made in time.
    public static let connectTimeout = Kind(rawValue: "connectTimeout")
    /// The response did not arrive in time.
    public static let readTimeout = Kind(rawValue: "readTimeout")
    /// The host name did not resolve.
    public static let nameResolution = Kind(rawValue: "nameResolution")
    /// The network or host is unreachable (`ENETDOWN`, `ENETUNREACH`).
    public static let networkUnreachable = Kind(rawValue: "networkUnreachable")
    /// TLS failed (handshake, certificate).
    public static let tls = Kind(rawValue: "tls")
    /// The request was invalid before anything was sent (a bad URL, say).
    public static let invalidRequest = Kind(rawValue: "invalidRequest")
    /// The response could not be parsed as HTTP.
    public static let protocolError = Kind(rawValue: "protocolError")
    /// Anything else.
    public static let other = Kind(rawValue: "other")

    /// The stable name.
    public var description: String { rawValue }
  }

  /// What kind of failure this was.
  public var kind: Kind
  /// A human-readable description, e.g. the underlying error's text.
  public var message: String

  /// Creates an error.
  public init(_ kind: Kind, message: String = "") {
    self.kind = kind
    self.message = message
  }

  /// `"<kind>: <message>"`.
  public var description: String { message.isEmpty ? kind.rawValue : "\(kind.rawValue): \(message)" }

  /// Nothing accepted the connection.
  public static func connectionRefused(_ message: String = "") -> Self {
    .init(.connectionRefused, message: message)
  }
  /// The peer reset the connection.
  public static func connectionReset(_ message: String = "") -> Self {
    .init(.connectionReset, message: message)
  }
  /// The peer closed without a response.
  public static func noResponse(_ message: String = "") -> Self { .init(.noResponse, message: message) }
  /// The response did not arrive in time.
  public static func readTimeout(_ message: String = "") -> Self { .init(.readTimeout, message: message) }
  /// The connection could not be made in time.
  public static func connectTimeout(_ message: String = "") -> Self {
    .init(.connectTimeout, message: message)
  }
}
