/// Why a DXKitTesting helper could not set a test up: no scope, a cassette missing where it may not
/// be recorded, an invalid fault.
public struct DXKitTestingError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong, in one readable message.
  public var message: String

  /// Creates an error with `message`.
  public init(_ message: String) { self.message = message }

  /// The message.
  public var description: String { message }
}
