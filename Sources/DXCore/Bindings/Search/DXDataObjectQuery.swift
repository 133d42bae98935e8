/// A `system/findDataObjects` query (dxpy's `find_data_objects` arguments).
public struct DXDataObjectQuery: Sendable, Hashable {
  /// `record`, `file`, `applet`, `workflow`, `database`.
  public var objectClass: String?
  /// `open`, `closing`, `closed`, `any`.
  public var state: String?
  /// `visible`, `hidden`, `either`.
  public var visibility: String?
  /// The name.
  public var name: DXNameMatch?
  /// Properties to match (the API's form).
  public var properties: DXJSON?
  /// A type, or the API's type query.
  public var type: DXJSON?
  /// One tag.
  public var tag: String?
  /// All of these tags (`{"$and": tags}`); not together with ``tag``.
  public var tags: [String]?
  /// Objects linking to this ID.
  public var link: String?
  /// The project to search in.
  public var project: String?
  /// The folder in that project (or in ``DXClient/defaultProject`` when no project is given).
  public var folder: String?
  /// Whether to search subfolders.
  public var recurse: Bool?
  /// Modification window.
  public var modified: DXTimeRange?
  /// Creation window.
  public var created: DXTimeRange?
  /// `true` or describe options for each result; `nil` for none.
  public var describe: DXJSON?
  /// The least access level (`VIEW`, …).
  public var level: String?
  /// The region.
  public var region: String?
  /// `archivalState`.
  public var archivalState: String?

  /// Creates a query; every field left `nil` is not sent.
  public init(
    objectClass: String? = nil, name: DXNameMatch? = nil, project: String? = nil, folder: String? = nil,
    recurse: Bool? = nil, state: String? = nil, visibility: String? = nil, tags: [String]? = nil,
    properties: DXJSON? = nil, type: DXJSON? = nil, describe: DXJSON? = nil
  ) {
    self.objectClass = objectClass
    self.name = name
    self.project = project
    self.folder = folder
    self.recurse = recurse
    self.state = state
    self.visibility = visibility
    self.tags = tags
    self.properties = properties
    self.type = type
    self.describe = describe
  }

  /// The API query.
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` for `tag` with `tags`, or a folder or `recurse`
  ///   without a project when there is no default project.
  func json(defaultProject: String?) throws(DXBindingError) -> [String: DXJSON] {
    var query: [String: DXJSON] = [:]
    if let objectClass { query["class"] = .string(objectClass) }
    if let state { query["state"] = .string(state) }
    if let visibility { query["visibility"] = .string(visibility) }
    if let name { query["name"] = name.json }
    if let properties { query["properties"] = properties }
    if let type { query["type"] = type }
    if tag != nil, tags != nil {
      throw .invalidArgument("find_data_objects: Arguments \"tag\" and \"tags\" cannot both be provided")
    }
    if let tag { query["tag"] = .string(tag) }
    if let tags { query["tags"] = ["$and": .strings(tags)] }
    if let link { query["link"] = .string(link) }
    let scopeProject: String?
    if let project {
      scopeProject = project
    } else if folder != nil || recurse != nil {
      guard let defaultProject else {
        throw .invalidArgument("Cannot search within a folder or recurse if a project is not specified")
      }
      scopeProject = defaultProject
    } else {
      scopeProject = nil
    }
    if let scopeProject {
      var scope: [String: DXJSON] = ["project": .string(scopeProject)]
      if let folder { scope["folder"] = .string(folder) }
      if let recurse { scope["recurse"] = .bool(recurse) }
      query["scope"] = .object(scope)
    }
    if let modified { query["modified"] = modified.json }
    if let created { query["created"] = created.json }
    if let describe, describe != false { query["describe"] = describe }
    if let level { query["level"] = .string(level) }
    if let region { query["region"] = .string(region) }
    if let archivalState { query["archivalState"] = .string(archivalState) }
    return query
  }
}
