import DXWire

/// A parsed `/system/findProjects` (or `org-xxxx/findProjects`) query.
///
/// Inputs: `name` (exact, `glob` or `regexp`), `level` (the least access, default VIEW), `billTo` (a
/// string or an array), `created`/`modified` ranges, `tags`, `properties`, `id` (a string or an
/// array), `region`, `containsPHI`, `public`, `describe` (a boolean or describe options), `limit`
/// (1…1000) and `starting` (a project ID). Results are ordered by ID; containers are never found.
struct ProjectQuery {
  var name: NameMatcher?
  var minimum = AccessLevel.view
  var billTo: [String]?
  var created: DataObjectQuery.TimeRange?
  var modified: DataObjectQuery.TimeRange?
  var tags: DataObjectQuery.SetFilter?
  var properties: DataObjectQuery.PropertyFilter?
  var ids: Set<String>?
  var region: String?
  var containsPHI: Bool?
  var isPublic: Bool?
  var wantsDescribe = false
  var describeInput: [String: DXJSON] = [:]
  var page: PageRequest

  /// Parses the input.
  /// - Throws: InvalidInput naming the malformed field.
  init(_ input: PlatformInput) throws(DXPlatformError) {
    if let value = input.fields["name"], !value.isNull { name = try NameMatcher(value) }
    if let levelName = try input.string("level") {
      guard let level = AccessLevel(name: levelName) else {
        throw .invalidInput("\"level\" must be VIEW, UPLOAD, CONTRIBUTE or ADMINISTER, not \"\(levelName)\"")
      }
      minimum = level
    }
    billTo = try Self.oneOrMany(input, "billTo")
    if let value = input.fields["created"], !value.isNull {
      created = try DataObjectQuery.TimeRange(value, field: "created")
    }
    if let value = input.fields["modified"], !value.isNull {
      modified = try DataObjectQuery.TimeRange(value, field: "modified")
    }
    if let value = input.fields["tags"], !value.isNull {
      tags = try DataObjectQuery.SetFilter(value, field: "tags")
    }
    if let value = input.fields["properties"], !value.isNull {
      properties = try DataObjectQuery.PropertyFilter(value)
    }
    ids = try Self.oneOrMany(input, "id").map(Set.init)
    region = try input.string("region")
    containsPHI = try input.bool("containsPHI")
    isPublic = try input.bool("public")
    wantsDescribe = input.wantsDescribe
    describeInput = input.fields["describe"]?.objectValue ?? [:]
    if wantsDescribe { _ = try PlatformState.DescribeOptions(input.fields["describe"]) }
    page = try PageRequest(input)
  }

  /// A string or an array of strings at `key`, as an array; `nil` when absent.
  static func oneOrMany(_ input: PlatformInput, _ key: String) throws(DXPlatformError) -> [String]? {
    guard let value = input.fields[key], !value.isNull else { return nil }
    if let one = value.stringValue { return [one] }
    return try input.strings(key)
  }

  /// Whether `project` passes the filters for `user`.
  func matches(_ project: ProjectState, for user: String, state: PlatformState) -> Bool {
    guard project.klass == "project", let level = state.effectiveLevel(of: user, in: project),
      level >= minimum
    else { return false }
    if let name, !name.matches(project.name) { return false }
    if let billTo, !billTo.contains(project.billTo) { return false }
    if let created, !created.contains(project.created) { return false }
    if let modified, !modified.contains(project.modified) { return false }
    if let tags, !tags.matches(project.tags) { return false }
    if let properties, !properties.matches(project.properties) { return false }
    if let ids, !ids.contains(project.id) { return false }
    if let region, project.region != region { return false }
    if let containsPHI, (project.flags["containsPHI"] ?? false) != containsPHI { return false }
    if let isPublic, (project.flags["public"] ?? false) != isPublic { return false }
    return true
  }

  /// Runs the query for `user`: `{"results": [{id, level, permissionSources, public, describe?}], "next"}`.
  func run(on state: PlatformState, for user: String) throws(DXPlatformError) -> DXJSON {
    let matching = state.projects.values.filter { matches($0, for: user, state: state) }.map(\.id).sorted()
    return try page.answer(matching) { (id) throws(DXPlatformError) -> DXJSON in
      guard let project = state.projects[id] else { return .null }
      var entry: [String: DXJSON] = [
        "id": .string(id), "level": .string(state.effectiveLevel(of: user, in: project)?.name ?? "VIEW"),
        "permissionSources": [.string(user)], "public": .bool(project.flags["public"] ?? false),
      ]
      if wantsDescribe { entry["describe"] = try state.describe(project, for: user, input: describeInput) }
      return .object(entry)
    }
  }
}
