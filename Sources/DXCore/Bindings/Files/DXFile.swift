/// A handle to a file (dxpy's `DXFile`): the data-object methods, and streamed transfers
/// (`DXFile+Upload.swift`, `DXFile+Download.swift`).
public struct DXFile: DXEditableDataObject {
  /// `"file"`.
  public static let idClass = "file"
  /// The file ID.
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

  /// Creates an open file (dxpy's `new_dxfile`): `file/new` with a nonce.
  /// - Parameters:
  ///   - options: The common creation fields.
  ///   - media: The media type, e.g. `"text/plain"`.
  ///   - client: The client.
  ///   - requestOptions: Headers, timeout, retries.
  public static func new(
    _ options: DXNewObjectOptions = .init(), media: String? = nil, client: DXClient,
    requestOptions: DXRequestOptions = .init()
  ) async throws -> DXFile {
    var (input, project) = options.input(client: client)
    if let media { input["media"] = .string(media) }
    let reply = try await client.call("/file/new", .object(input), nonce: true, options: requestOptions)
    return try DXFile(try reply.requiredString("id"), project: project, client: client)
  }

  /// Archives the file in its project (dxpy's `archive`).
  public func archive(allCopies: Bool = false, options: DXRequestOptions = .init()) async throws {
    _ = try await client.call(
      "/\(project ?? "None")/archive", ["files": [.string(id)], "allCopies": .bool(allCopies)],
      options: options)
  }

  /// Unarchives the file in its project (dxpy's `unarchive`).
  public func unarchive(dryRun: Bool = false, options: DXRequestOptions = .init()) async throws {
    _ = try await client.call(
      "/\(project ?? "None")/unarchive", ["files": [.string(id)], "dryRun": .bool(dryRun)], options: options)
  }
}
