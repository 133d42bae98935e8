/// A handle to a record (dxpy's `DXRecord`).
public struct DXRecord: DXEditableDataObject {
  /// `"record"`.
  public static let idClass = "record"
  /// The record ID.
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

  /// Creates a record (dxpy's `new_dxrecord`): `record/new` with a nonce.
  /// - Parameters:
  ///   - options: The common creation fields.
  ///   - initializeFrom: A record whose fields seed the new one.
  ///   - close: Close the record at creation. Default `false`.
  ///   - client: The client.
  ///   - requestOptions: Headers, timeout, retries.
  public static func new(
    _ options: DXNewObjectOptions = .init(), initializeFrom: DXRecord? = nil, close: Bool = false,
    client: DXClient, requestOptions: DXRequestOptions = .init()
  ) async throws -> DXRecord {
    var (input, project) = options.input(client: client)
    if let initializeFrom {
      input["initializeFrom"] = [
        "id": .string(initializeFrom.id), "project": initializeFrom.project.map(DXJSON.string) ?? .null,
      ]
    }
    if close { input["close"] = true }
    let reply = try await client.call("/record/new", .object(input), nonce: true, options: requestOptions)
    return try DXRecord(try reply.requiredString("id"), project: project, client: client)
  }
}
