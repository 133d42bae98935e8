/// A handle to a database (dxpy's `DXDatabase`); the data-object methods only.
public struct DXDatabase: DXEditableDataObject {
  /// `"database"`.
  public static let idClass = "database"
  /// The database ID.
  public let id: String
  /// The project, or `nil`.
  public let project: String?
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id` in `project` (default ``DXClient/defaultProject``).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` for a malformed ID.
  public init(_ id: String, project: String? = nil, client: DXClient) throws(DXBindingError) {
    (self.id, self.project) = try Self.checkedIDs(id, project, client)
    self.client = client
  }
}
