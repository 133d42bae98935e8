import DXWire

/// A parsed `findDataObjects` query: the filters, and how to find candidates through the index.
struct DataObjectQuery {
  /// A tag or type condition: one value, or `$and`/`$or` of conditions.
  indirect enum SetFilter {
    case one(String)
    case all([SetFilter])
    case any([SetFilter])

    init(_ json: DXJSON, field: String) throws(DXPlatformError) {
      if let value = json.stringValue {
        self = .one(value)
        return
      }
      if let members = json.objectValue, members.count == 1, let (key, value) = members.first,
        key == "$and" || key == "$or", let elements = value.arrayValue
      {
        var parts: [SetFilter] = []
        for element in elements { parts.append(try SetFilter(element, field: field)) }
        self = key == "$and" ? .all(parts) : .any(parts)
        return
      }
      throw .invalidInput("Expected \"\(field)\" to be a string or an object with \"$and\" or \"$or\"")
    }

    func matches(_ values: OrderedStringSet) -> Bool {
      switch self {
      case .one(let value): return values.contains(value)
      case .all(let parts): return parts.allSatisfy { $0.matches(values) }
      case .any(let parts): return parts.contains { $0.matches(values) }
      }
    }

    /// Values that every match must have (for the index).
    var required: [String] {
      switch self {
      case .one(let value): return [value]
      case .all(let parts): return parts.flatMap(\.required)
      case .any: return []
      }
    }
  }

  /// A properties condition: `{key: value | true | false}`, or `$and`/`$or` of conditions.
  indirect enum PropertyFilter {
    case equals(String, String)
    case exists(String, Bool)
    case all([PropertyFilter])
    case any([PropertyFilter])

    init(_ json: DXJSON, field: String = "properties") throws(DXPlatformError) {
      guard let members = json.objectValue else {
        throw .invalidInput("Expected \"\(field)\" to be an object")
      }
      var parts: [PropertyFilter] = []
      for (key, value) in members {
        if key == "$and" || key == "$or" {
          guard let elements = value.arrayValue else {
            throw .invalidInput("Expected \"\(field).\(key)\" to be an array of property conditions")
          }
          var nested: [PropertyFilter] = []
          for element in elements { nested.append(try PropertyFilter(element, field: field)) }
          parts.append(key == "$and" ? .all(nested) : .any(nested))
        } else if let text = value.stringValue {
          parts.append(.equals(key, text))
        } else if let flag = value.boolValue {
          parts.append(.exists(key, flag))
        } else {
          throw .invalidInput("Expected property \"\(key)\" in \"\(field)\" to be a string or a boolean")
        }
      }
      self = parts.count == 1 ? parts[0] : .all(parts)
    }

    func matches(_ properties: [String: String]) -> Bool {
      switch self {
      case .equals(let key, let value): return properties[key] == value
      case .exists(let key, let flag): return (properties[key] != nil) == flag
      case .all(let parts): return parts.allSatisfy { $0.matches(properties) }
      case .any(let parts): return parts.contains { $0.matches(properties) }
      }
    }

    /// Index keys every match must have: (key, value?) pairs.
    var required: [(String, String?)] {
      switch self {
      case .equals(let key, let value): return [(key, value)]
      case .exists(let key, true): return [(key, nil)]
      case .exists: return []
      case .all(let parts): return parts.flatMap(\.required)
      case .any: return []
      }
    }
  }

  /// A `{after, before}` range in ms.
  struct TimeRange {
    var after: Int?
    var before: Int?

    init(_ json: DXJSON, field: String) throws(DXPlatformError) {
      let input = try PlatformInput(json)
      after = try input.int("after")
      before = try input.int("before")
      _ = field
    }

    func contains(_ time: Int) -> Bool {
      if let after, time < after { return false }
      if let before, time > before { return false }
      return true
    }
  }

  var klass: String?
  var state: String?
  var visibility = "visible"
  var name: NameMatcher?
  var properties: PropertyFilter?
  var types: SetFilter?
  var tags: [SetFilter] = []
  var link: String?
  var project: String?
  var folder: String?
  var recurse = true
  var created: TimeRange?
  var modified: TimeRange?
  var level: AccessLevel = .view
  var describe: PlatformState.DescribeOptions?
  var limit = 1000
  var starting: (project: String, id: String)?
  /// `id`: only these objects.
  var ids: Set<String>?
  /// `archivalState`: `live`, `archival`, `archived` or `unarchiving` (`any`: no filter).
  var archivalState: String?
  /// `region`: only objects in projects of these regions.
  var regions: Set<String>?

  /// Parses the input of `/system/findDataObjects`.
  init(_ input: PlatformInput) throws(DXPlatformError) {
    klass = try input.string("class")
    if let state = try input.string("state") {
      guard ["open", "closing", "closed", "any"].contains(state) else {
        throw .invalidInput("\"state\" must be open, closing, closed or any, not \"\(state)\"")
      }
      self.state = state == "any" ? nil : state
    }
    if let visibility = try input.string("visibility") {
      guard ["visible", "hidden", "either"].contains(visibility) else {
        throw .invalidInput("\"visibility\" must be visible, hidden or either, not \"\(visibility)\"")
      }
      self.visibility = visibility
    }
    if let value = input.fields["name"], !value.isNull { name = try NameMatcher(value) }
    if let value = input.fields["properties"], !value.isNull { properties = try PropertyFilter(value) }
    if let value = input.fields["type"], !value.isNull { types = try SetFilter(value, field: "type") }
    if let value = input.fields["tag"], !value.isNull { tags.append(try SetFilter(value, field: "tag")) }
    if let value = input.fields["tags"], !value.isNull { tags.append(try SetFilter(value, field: "tags")) }
    if let value = input.fields["link"], !value.isNull {
      guard let id = value.stringValue ?? value["$dnanexus_link"]?.stringValue else {
        throw .invalidInput("Expected \"link\" to be an object ID")
      }
      link = id
    }
    if let scope = try input.object("scope") {
      let scopeInput = try PlatformInput(.object(scope))
      project = try scopeInput.requiredString("project")
      if let folder = try scopeInput.string("folder") {
        self.folder = try PlatformState.normalizeFolder(folder, field: "scope.folder")
      }
      recurse = try scopeInput.bool("recurse") ?? true
    }
    if let value = input.fields["created"], !value.isNull { created = try TimeRange(value, field: "created") }
    if let value = input.fields["modified"], !value.isNull {
      modified = try TimeRange(value, field: "modified")
    }
    if let levelName = try input.string("level") {
      guard let level = AccessLevel(name: levelName) else {
        throw .invalidInput("\"level\" must be VIEW, UPLOAD, CONTRIBUTE or ADMINISTER, not \"\(levelName)\"")
      }
      self.level = level
    }
    if input.wantsDescribe, let value = input.fields["describe"] {
      describe = try PlatformState.DescribeOptions(value)
    }
    if let limit = try input.pageLimit() { self.limit = limit }
    if let value = input.fields["starting"], !value.isNull {
      guard let project = value["project"]?.stringValue, let id = value["id"]?.stringValue else {
        throw .invalidInput("\"starting\" is not a pagination token returned by findDataObjects")
      }
      starting = (project, id)
    }
    if let value = input.fields["region"], !value.isNull {
      if let one = value.stringValue {
        regions = [one]
      } else if let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) {
        regions = Set(list.compactMap(\.stringValue))
      } else {
        throw .invalidInput("Expected \"region\" to be a region or an array of regions")
      }
    }
    if let state = try input.string("archivalState") {
      guard ["live", "archival", "archived", "unarchiving", "any"].contains(state) else {
        throw .invalidInput(
          "\"archivalState\" must be live, archival, archived, unarchiving or any, not \"\(state)\"")
      }
      archivalState = state == "any" ? nil : state
    }
    if let value = input.fields["id"], !value.isNull {
      guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
        throw .invalidInput("Expected \"id\" to be an array of object IDs")
      }
      ids = Set(list.compactMap(\.stringValue))
    }
  }

  /// The smallest candidate set the index gives for `project`, or all its objects.
  func candidates(in project: ProjectState, index: ProjectIndex) -> Set<String> {
    var sets: [Set<String>] = []
    if let ids { sets.append(ids.intersection(index.all)) }
    if let exact = name?.exactName { sets.append(index.byName[exact] ?? []) }
    if let klass { sets.append(index.byClass[klass] ?? []) }
    for filter in tags {
      for tag in filter.required { sets.append(index.byTag[tag] ?? []) }
    }
    for (key, value) in properties?.required ?? [] {
      if let value {
        sets.append(index.byProperty[ProjectIndex.propertyKey(key, value)] ?? [])
      } else {
        sets.append(index.byPropertyKey[key] ?? [])
      }
    }
    if let folder {
      if !recurse {
        sets.append(index.byFolder[folder] ?? [])
      } else if folder != "/" {
        var union: Set<String> = []
        for path in project.folders.subtree(of: folder) {
          union.formUnion(index.byFolder[path] ?? [])
        }
        sets.append(union)
      }
    }
    return sets.min { $0.count < $1.count } ?? index.all
  }

  /// Whether `object`, through its copy in `project`, passes every filter.
  func matches(_ object: DataObjectState, in project: String) -> Bool {
    guard let copy = object.copies[project] else { return false }
    if let klass, object.klass != klass { return false }
    if let state, object.state != state { return false }
    switch visibility {
    case "visible": if object.hidden { return false }
    case "hidden": if !object.hidden { return false }
    default: break
    }
    if let name, !name.matches(copy.name) { return false }
    if let properties, !properties.matches(copy.properties) { return false }
    if let types, !types.matches(object.types) { return false }
    for filter in tags where !filter.matches(copy.tags) { return false }
    if let link, !object.links.contains(link) { return false }
    if let folder {
      if recurse {
        if !PlatformState.isFolder(copy.folder, inside: folder) { return false }
      } else if copy.folder != folder {
        return false
      }
    }
    if let created, !created.contains(object.created) { return false }
    if let modified, !modified.contains(object.modified) { return false }
    if let ids, !ids.contains(object.id) { return false }
    if let archivalState {
      guard object.klass == "file", (copy.archivalState ?? "live") == archivalState else { return false }
    }
    return true
  }
}
