/// A `system/findProjects` query (dxpy's `find_projects` arguments).
public struct DXProjectQuery: Sendable, Hashable {
  /// The name.
  public var name: DXNameMatch?
  /// Properties to match.
  public var properties: DXJSON?
  /// All of these tags.
  public var tags: [String]?
  /// The least access level (`VIEW`, `UPLOAD`, `CONTRIBUTE`, `ADMINISTER`).
  public var level: String?
  /// `true` or describe options for each result.
  public var describe: DXJSON?
  /// Only projects the caller has explicit permission to.
  public var explicitPermission: Bool?
  /// The region.
  public var region: String?
  /// Public projects.
  public var isPublic: Bool?
  /// Creation window.
  public var created: DXTimeRange?
  /// Who is billed.
  public var billTo: String?
  /// `containsPHI`.
  public var containsPHI: Bool?
  /// `externalUploadRestricted`.
  public var externalUploadRestricted: Bool?

  /// Creates a query; every field left `nil` is not sent.
  public init(
    name: DXNameMatch? = nil, level: String? = nil, tags: [String]? = nil, describe: DXJSON? = nil,
    region: String? = nil
  ) {
    self.name = name
    self.level = level
    self.tags = tags
    self.describe = describe
    self.region = region
  }

  /// The API query.
  var json: [String: DXJSON] {
    var query: [String: DXJSON] = [:]
    if let name { query["name"] = name.json }
    if let properties { query["properties"] = properties }
    if let tags { query["tags"] = ["$and": .strings(tags)] }
    if let level { query["level"] = .string(level) }
    if let describe, describe != false { query["describe"] = describe }
    if let explicitPermission { query["explicitPermission"] = .bool(explicitPermission) }
    if let isPublic { query["public"] = .bool(isPublic) }
    if let created { query["created"] = created.json }
    if let region { query["region"] = .string(region) }
    if let billTo { query["billTo"] = .string(billTo) }
    if let containsPHI { query["containsPHI"] = .bool(containsPHI) }
    if let externalUploadRestricted { query["externalUploadRestricted"] = .bool(externalUploadRestricted) }
    return query
  }
}
