/// A `system/findApps` or `system/findGlobalWorkflows` query (dxpy's `find_global_executables`
/// arguments); also `org-xxxx/findApps` with ``authorizedUser``.
public struct DXGlobalExecutableQuery: Sendable, Hashable {
  /// The name.
  public var name: DXNameMatch?
  /// A category.
  public var category: String?
  /// Every version, not only the default.
  public var allVersions: Bool?
  /// Only published (or unpublished) ones.
  public var published: Bool?
  /// Who is billed.
  public var billTo: String?
  /// Who created them.
  public var createdBy: String?
  /// A developer.
  public var developer: String?
  /// An authorized user (`org-xxxx/findApps` only).
  public var authorizedUser: String?
  /// Modification window.
  public var modified: DXTimeRange?
  /// Creation window.
  public var created: DXTimeRange?
  /// `true` or describe options for each result.
  public var describe: DXJSON?

  /// Creates a query; every field left `nil` is not sent.
  public init(
    name: DXNameMatch? = nil, category: String? = nil, allVersions: Bool? = nil, published: Bool? = nil,
    developer: String? = nil, describe: DXJSON? = nil
  ) {
    self.name = name
    self.category = category
    self.allVersions = allVersions
    self.published = published
    self.developer = developer
    self.describe = describe
  }

  /// The API query.
  var json: [String: DXJSON] {
    var query: [String: DXJSON] = [:]
    if let name { query["name"] = name.json }
    if let category { query["category"] = .string(category) }
    if let allVersions { query["allVersions"] = .bool(allVersions) }
    if let published { query["published"] = .bool(published) }
    if let billTo { query["billTo"] = .string(billTo) }
    if let createdBy { query["createdBy"] = .string(createdBy) }
    if let developer { query["developer"] = .string(developer) }
    if let authorizedUser { query["authorizedUser"] = .string(authorizedUser) }
    if let modified { query["modified"] = modified.json }
    if let created { query["created"] = created.json }
    if let describe, describe != false { query["describe"] = describe }
    return query
  }
}
