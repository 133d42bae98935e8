/// An error starting or configuring a ``DXMockServer``.
///
/// A struct with static members, so new kinds never break callers; compare with `==` in tests.
public struct DXMockServerError: Error, Sendable, Hashable, CustomStringConvertible {
  private enum Code: Hashable, Sendable {
    case invalidConfiguration
    case bindFailed
    case notRunning
    case stateFailed
  }

  private let code: Code
  /// A one-line description for people.
  public let message: String

  private init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// A configuration value is out of range or malformed.
  public static func invalidConfiguration(_ message: String) -> DXMockServerError {
    DXMockServerError(.invalidConfiguration, message)
  }

  /// The server could not listen on `host:port`.
  public static func bindFailed(host: String, port: Int, reason: String) -> DXMockServerError {
    DXMockServerError(.bindFailed, "cannot listen on \(host):\(port): \(reason)")
  }

  /// The operation needs a started server.
  public static func notRunning(_ operation: String) -> DXMockServerError {
    DXMockServerError(.notRunning, "\(operation) needs a running server; call start() first")
  }

  /// The platform state could not be opened, reset or saved.
  public static func stateFailed(_ message: String) -> DXMockServerError {
    DXMockServerError(.stateFailed, message)
  }

  /// Whether this is the same kind of error as `other` (messages may differ).
  public func isKind(of other: DXMockServerError) -> Bool { code == other.code }

  /// The message.
  public var description: String { message }
}
