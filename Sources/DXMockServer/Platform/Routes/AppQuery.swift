import DXWire

/// A parsed `/system/findApps` (or `findGlobalWorkflows`) query over the global executable registry.
///
/// Inputs: `name` (exact, `glob` or `regexp`), `category`, `allVersions` (default false: one version
/// per name, the one tagged `default`, else the newest the caller may see), `published`, `billTo`
/// (a string or an array), `createdBy`, `developer`, `authorizedUser`, `created`/`modified` ranges,
/// `describe` (a boolean or describe options), `limit` (1…1000, default 1000) and `starting` (the
/// `next` of an earlier page: an app ID). Results are ordered by ID.
struct AppQuery {
  var name: NameMatcher?
  var category: String?
  var allVersions = false
  var published: Bool?
  var billTo: [String]?
  var createdBy: String?
  var developer: String?
  var authorizedUser: String?
  var created: DataObjectQuery.TimeRange?
  var modified: DataObjectQuery.TimeRange?
  var describe: PlatformState.DescribeOptions?
  var limit = 1000
  var starting: String?

  /// Parses the input.
  /// - Throws: InvalidInput naming the malformed field.
  init(_ input: PlatformInput, route: String) throws(DXPlatformError) {
    if let value = input.fields["name"], !value.isNull { name = try NameMatcher(value) }
    category = try input.string("category")
    allVersions = try input.bool("allVersions") ?? false
    published = try input.bool("published")
    if let value = input.fields["billTo"], !value.isNull {
      if let one = value.stringValue {
        billTo = [one]
      } else {
        billTo = try input.strings("billTo")
      }
    }
    createdBy = try input.string("createdBy")
    developer = try input.string("developer")
    authorizedUser = try input.string("authorizedUser")
    if let value = input.fields["created"], !value.isNull {
      created = try DataObjectQuery.TimeRange(value, field: "created")
    }
    if let value = input.fields["modified"], !value.isNull {
      modified = try DataObjectQuery.TimeRange(value, field: "modified")
    }
    if input.wantsDescribe, let value = input.fields["describe"] {
      describe = try PlatformState.DescribeOptions(value)
    }
    if let limit = try input.pageLimit() { self.limit = limit }
    if let value = input.fields["starting"], !value.isNull {
      guard let id = value.stringValue else {
        throw .invalidInput("\"starting\" is not a pagination token returned by \(route)")
      }
      starting = id
    }
  }

  /// Whether `app` (of `family`) passes the filters for `user` (visibility included).
  func matches(_ app: some GlobalExecutableVersion, family: AppFamily, user: String) -> Bool {
    guard !app.deleted, family.canSee(app, user: user) else { return false }
    if let name, !name.matches(app.name) { return false }
    if let category, !app.categories.contains(category) { return false }
    if let published, (app.published > 0) != published { return false }
    if let billTo, !billTo.contains(app.billTo) { return false }
    if let createdBy, app.createdBy != createdBy { return false }
    if let developer, !family.developers.contains(developer) { return false }
    if let authorizedUser, !family.authorizedUsers.contains(authorizedUser) { return false }
    if let created, !created.contains(app.created) { return false }
    if let modified, !modified.contains(app.modified) { return false }
    return true
  }

  /// Runs the query over `state`'s registry of `kind` for `user`:
  /// `{"results": [{id, describe?}], "next"}`.
  func run<Version>(_ kind: GlobalExecutableKind<Version>, on state: PlatformState, for user: String)
    -> DXJSON
  {
    // An exact name selects one family; otherwise every family is a candidate.
    let names = name?.exactName.map { [$0] } ?? kind.names(state)
    var matching: [Version] = []
    for name in names {
      guard let family = kind.family(state, name) else { continue }
      let versions = kind.versions(state, name).filter { matches($0, family: family, user: user) }
      if allVersions {
        matching.append(contentsOf: versions)
      } else if let chosen = versions.first(where: { $0.tags.contains("default") }) ?? versions.last {
        matching.append(chosen)
      }
    }
    matching.sort { $0.id < $1.id }
    if let starting { matching.removeAll { $0.id < starting } }
    var results: [DXJSON] = []
    var next: DXJSON = .null
    for app in matching {
      if results.count == limit {
        next = .string(app.id)
        break
      }
      var entry: [String: DXJSON] = ["id": .string(app.id)]
      if let describe { entry["describe"] = kind.describe(state, app, user, describe) }
      results.append(.object(entry))
    }
    return ["results": .array(results), "next": next]
  }
}
