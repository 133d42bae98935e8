/// A handle to a project (dxpy's `DXProject`): the container methods plus what only projects have.
public struct DXProject: DXContainerHandle {
  /// `"project"`.
  public static let idClass = "project"
  /// The project ID.
  public let id: String
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id`, or to ``DXClient/defaultProject`` when `id` is `nil`.
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` when the ID is not a project ID.
  public init(_ id: String? = nil, client: DXClient) throws(DXBindingError) {
    let id = id ?? client.defaultProject ?? ""
    try DXID.verify(id, classes: [Self.idClass])
    self.id = id
    self.client = client
  }

  /// Creates a project (dxpy's `DXProject.new`; `project/new` is not retried after failures).
  /// - Parameters:
  ///   - name: The name.
  ///   - summary: Sent when given.
  ///   - description: Sent when given.
  ///   - region: Sent when given.
  ///   - tags: Sent when given.
  ///   - properties: Sent when given.
  ///   - billTo: Sent when given.
  ///   - settings: Any other `project/new` fields, in the API's names (`protected`, `restricted`,
  ///     `downloadRestricted`, `containsPHI`, `databaseUIViewOnly`, …).
  ///   - client: The client.
  ///   - options: Headers, timeout, retries.
  public static func new(
    name: String, summary: String? = nil, description: String? = nil, region: String? = nil,
    tags: [String]? = nil, properties: [String: String]? = nil, billTo: String? = nil,
    settings: [String: DXJSON] = [:], client: DXClient, options: DXRequestOptions = .init()
  ) async throws -> DXProject {
    var input = settings
    input["name"] = .string(name)
    if let summary { input["summary"] = .string(summary) }
    if let description { input["description"] = .string(description) }
    if let region { input["region"] = .string(region) }
    if let tags { input["tags"] = .strings(tags) }
    if let properties { input["properties"] = .object(properties.mapValues(DXJSON.string)) }
    if let billTo { input["billTo"] = .string(billTo) }
    let reply = try await client.call("/project/new", .object(input), alwaysRetry: false, options: options)
    return try DXProject(try reply.requiredString("id"), client: client)
  }

  /// Updates the project (dxpy's `update`): `changes` in the API's names, e.g. `["name": "x",
  /// "protected": true, "allowedExecutables": null]`.
  public func update(_ changes: [String: DXJSON], options: DXRequestOptions = .init()) async throws {
    _ = try await call("update", .object(changes), options: options)
  }

  /// Invites a user or org at `level` (dxpy's `invite`; not retried after failures).
  @discardableResult
  public func invite(
    _ invitee: String, level: String, sendEmail: Bool = true, options: DXRequestOptions = .init()
  )
    async throws -> DXJSON
  {
    let input: DXJSON = [
      "invitee": .string(invitee), "level": .string(level), "suppressEmailNotification": .bool(!sendEmail),
    ]
    return try await call("invite", input, alwaysRetry: false, options: options)
  }

  /// Lowers `member`'s access to `level`, or removes it with `nil` (dxpy's `decrease_perms`).
  @discardableResult
  public func decreasePermissions(_ member: String, to level: String?, options: DXRequestOptions = .init())
    async throws -> DXJSON
  {
    try await call("decreasePermissions", [member: level.map(DXJSON.string) ?? .null], options: options)
  }

  /// Sets project properties; a `nil` value removes one (dxpy's `set_properties`).
  public func setProperties(_ properties: [String: String?], options: DXRequestOptions = .init()) async throws
  {
    _ = try await call("setProperties", ["properties": .properties(properties)], options: options)
  }

  /// Adds tags to the project.
  public func addTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addTags", ["tags": .strings(tags)], options: options)
  }

  /// Removes tags from the project.
  public func removeTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeTags", ["tags": .strings(tags)], options: options)
  }
}
