/// One of dxpy's API wrappers, as data: name, path shape, retry default, nonce, and a closure that
/// calls the generated method. ``all`` lists the 208 of them (generated).
public struct DXAPIRoute: Sendable {
  /// How the path is formed.
  public enum Shape: String, Sendable, Hashable {
    /// A fixed route, e.g. `/record/new`.
    case classMethod
    /// `/<object id>/<method>`.
    case objectMethod
    /// `/<name or id>[/<alias>]/<method>` (apps and global workflows).
    case aliasedMethod
  }

  /// Calls the wrapper with its default `alwaysRetry`: `(client, objectID or name, alias, input, options)`.
  /// The ID and alias are ignored by shapes that have none.
  public typealias Invoke =
    @Sendable (DXClient, String, String?, DXJSON, DXRequestOptions) async throws -> DXResponse

  /// dxpy's name, e.g. `system_whoami`.
  public let pythonName: String
  /// The Swift method name, e.g. `systemWhoami`.
  public let swiftName: String
  /// The path shape.
  public let shape: Shape
  /// The URL template of the route table, e.g. `/{object_id}/describe`.
  public let pathTemplate: String
  /// The API method for object and aliased routes (`describe`), `nil` for class routes.
  public let method: String?
  /// dxpy's `always_retry` default.
  public let alwaysRetry: Bool
  /// Whether the wrapper adds a nonce.
  public let addsNonce: Bool
  /// Calls the generated wrapper with its default `alwaysRetry`.
  public let invoke: Invoke

  /// Creates a route description.
  public init(
    pythonName: String, swiftName: String, shape: Shape, pathTemplate: String, method: String?,
    alwaysRetry: Bool, addsNonce: Bool, invoke: @escaping Invoke
  ) {
    self.pythonName = pythonName
    self.swiftName = swiftName
    self.shape = shape
    self.pathTemplate = pathTemplate
    self.method = method
    self.alwaysRetry = alwaysRetry
    self.addsNonce = addsNonce
    self.invoke = invoke
  }

  /// The path for `id` and `alias`, as the wrapper forms it.
  public func path(id: String = "", alias: String? = nil) -> String {
    switch shape {
    case .classMethod: return pathTemplate
    case .objectMethod: return "/\(id)/\(method ?? "")"
    case .aliasedMethod: return DXClient.aliasPath(id, alias, method ?? "")
    }
  }
}
