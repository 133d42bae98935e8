/// The fields every data object's `/new` takes (dxpy's common creation parameters: `project`, `name`,
/// `tags`, `types`, `hidden`, `properties`, `details`, `folder`, `parents`).
public struct DXNewObjectOptions: Sendable, Hashable {
  /// The project to create in; `nil` (the default) uses ``DXClient/defaultProject``.
  public var project: String?
  /// The name.
  public var name: String?
  /// Tags.
  public var tags: [String]?
  /// Types.
  public var types: [String]?
  /// Whether the object is hidden.
  public var hidden: Bool?
  /// Properties.
  public var properties: [String: String]?
  /// Details.
  public var details: DXJSON?
  /// The folder, e.g. `"/data"`.
  public var folder: String?
  /// Create missing parent folders.
  public var parents: Bool?

  /// Creates options; every field left `nil` is not sent.
  public init(
    project: String? = nil, name: String? = nil, tags: [String]? = nil, types: [String]? = nil,
    hidden: Bool? = nil, properties: [String: String]? = nil, details: DXJSON? = nil, folder: String? = nil,
    parents: Bool? = nil
  ) {
    self.project = project
    self.name = name
    self.tags = tags
    self.types = types
    self.hidden = hidden
    self.properties = properties
    self.details = details
    self.folder = folder
    self.parents = parents
  }

  /// The `/new` input and the project it names (`null` when there is none, as dxpy sends it).
  func input(client: DXClient) -> (input: [String: DXJSON], project: String?) {
    let project = project ?? client.defaultProject
    var input: [String: DXJSON] = ["project": project.map(DXJSON.string) ?? .null]
    if let name { input["name"] = .string(name) }
    if let tags { input["tags"] = .strings(tags) }
    if let types { input["types"] = .strings(types) }
    if let hidden { input["hidden"] = .bool(hidden) }
    if let properties { input["properties"] = .object(properties.mapValues(DXJSON.string)) }
    if let details { input["details"] = details }
    if let folder { input["folder"] = .string(folder) }
    if let parents { input["parents"] = .bool(parents) }
    return (input, project)
  }
}
