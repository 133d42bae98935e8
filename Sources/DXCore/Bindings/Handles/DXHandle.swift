/// A handle to something on the platform: an ID and the client that talks about it (dxpy's
/// `DXObject`).
///
/// Handles are values: they cache nothing, so a `describe` always asks the platform.
public protocol DXHandle: Sendable, CustomStringConvertible {
  /// The ID (for an app or global workflow addressed by name, `app-<name>/<alias>`).
  var id: String { get }
  /// The client calls go through.
  var client: DXClient { get }
}

extension DXHandle {
  /// `<Type> <id>`.
  public var description: String { "\(type(of: self)) \(id)" }
}
