/// A handle to a job's temporary container, or any container by ID (dxpy's `DXContainer`).
public struct DXContainer: DXContainerHandle {
  /// `"container"`.
  public static let idClass = "container"
  /// The container ID.
  public let id: String
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id`, or to ``DXClient/defaultProject`` when `id` is `nil`.
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` when the ID is not a container ID (a project ID
  ///   is not accepted, as in dxpy).
  public init(_ id: String? = nil, client: DXClient) throws(DXBindingError) {
    let id = id ?? client.defaultProject ?? ""
    try DXID.verify(id, classes: [Self.idClass])
    self.id = id
    self.client = client
  }
}
