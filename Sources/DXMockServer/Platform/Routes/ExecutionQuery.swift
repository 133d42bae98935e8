import DXWire

/// A parsed `findExecutions` (`findJobs`, `findAnalyses`) query: the filters, and how to walk the
/// ``ExecutionIndex`` for them, newest first.
struct ExecutionQuery {
  /// A filter that takes one ID or a list of IDs.
  enum IDFilter {
    case one(String)
    case any(Set<String>)

    func matches(_ value: String?) -> Bool {
      guard let value else { return false }
      switch self {
      case .one(let expected): return value == expected
      case .any(let expected): return expected.contains(value)
      }
    }

    var single: String? {
      if case .one(let value) = self { return value }
      return nil
    }
  }

  /// A filter on an optional parent: a given ID, or (`null` in the input) none at all.
  enum ParentFilter {
    case none
    case id(String)

    func matches(_ value: String?) -> Bool {
      switch self {
      case .none: return value == nil
      case .id(let expected): return value == expected
      }
    }

    /// The index value: the ID, or `""` for "no parent".
    var indexValue: String {
      switch self {
      case .none: return ""
      case .id(let id): return id
      }
    }
  }

  var klass: String?
  var launchedBy: String?
  var executable: String?
  var project: String?
  var states: IDFilter?
  var originJob: IDFilter?
  var rootExecution: IDFilter?
  var parentJob: ParentFilter?
  var parentAnalysis: ParentFilter?
  var created: DataObjectQuery.TimeRange?
  var modified: DataObjectQuery.TimeRange?
  var name: NameMatcher?
  var tags: DataObjectQuery.SetFilter?
  var properties: DataObjectQuery.PropertyFilter?
  var includeSubjobs = true
  var describe: PlatformState.ExecutionDescribeOptions?
  var limit = 1000
  var starting: ExecutionIndex.Key?

  /// Parses the input of `/system/findExecutions`; `klass` is forced by `findJobs`/`findAnalyses`.
  /// - Throws: InvalidInput naming the field.
  init(_ input: PlatformInput, klass forced: String?) throws(DXPlatformError) {
    let given = try input.string("class")
    klass = forced ?? given
    if let klass, klass != "job", klass != "analysis" {
      throw .invalidInput("\"class\" must be job or analysis, not \"\(klass)\"")
    }
    launchedBy = try input.string("launchedBy")
    executable = try input.string("executable")
    project = try input.string("project")
    states = try Self.idFilter(input, "state")
    for state in Self.values(states) where !ExecutionState.states.contains(state) {
      throw .invalidInput("\"state\" has an unknown execution state \"\(state)\"")
    }
    let origin = try Self.idFilter(input, "origin")
    originJob = try Self.idFilter(input, "originJob") ?? origin
    rootExecution = try Self.idFilter(input, "rootExecution")
    parentJob = try Self.parentFilter(input, "parentJob")
    parentAnalysis = try Self.parentFilter(input, "parentAnalysis")
    if let value = input.fields["created"], !value.isNull {
      created = try DataObjectQuery.TimeRange(value, field: "created")
    }
    if let value = input.fields["modified"], !value.isNull {
      modified = try DataObjectQuery.TimeRange(value, field: "modified")
    }
    if let value = input.fields["name"], !value.isNull { name = try NameMatcher(value) }
    if let value = input.fields["tags"], !value.isNull {
      tags = try DataObjectQuery.SetFilter(value, field: "tags")
    }
    if let value = input.fields["properties"], !value.isNull {
      properties = try DataObjectQuery.PropertyFilter(value)
    }
    includeSubjobs = try input.bool("includeSubjobs") ?? true
    _ = try input.bool("includeRestarted")
    if input.wantsDescribe, let value = input.fields["describe"] {
      describe = try PlatformState.ExecutionDescribeOptions(value)
    }
    if let limit = try input.pageLimit() { self.limit = limit }
    if let value = input.fields["starting"], !value.isNull {
      guard let text = value.stringValue, let slash = text.firstIndex(of: "/"),
        let created = Int(text[..<slash])
      else {
        throw .invalidInput("\"starting\" is not a pagination token returned by findExecutions")
      }
      starting = ExecutionIndex.Key(created: created, id: String(text[text.index(after: slash)...]))
    }
  }

  private static func values(_ filter: IDFilter?) -> [String] {
    switch filter {
    case .one(let value)?: return [value]
    case .any(let values)?: return Array(values)
    case nil: return []
    }
  }

  private static func idFilter(_ input: PlatformInput, _ key: String) throws(DXPlatformError) -> IDFilter? {
    guard let value = input.fields[key], !value.isNull else { return nil }
    if let one = value.stringValue { return .one(one) }
    guard let list = try input.strings(key) else { return nil }
    return list.count == 1 ? .one(list[0]) : .any(Set(list))
  }

  private static func parentFilter(_ input: PlatformInput, _ key: String) throws(DXPlatformError)
    -> ParentFilter?
  {
    guard let value = input.fields[key] else { return nil }
    if value.isNull { return ParentFilter.none }
    guard let id = value.stringValue else {
      throw .invalidInput("Expected \"\(key)\" to be an ID or null, but got \(value.typeName)")
    }
    return .id(id)
  }

  /// The shortest index list every match is in.
  func candidates(in index: ExecutionIndex) -> [ExecutionIndex.Key] {
    var lists: [[ExecutionIndex.Key]] = []
    if let project, let state = states?.single {
      lists.append(index.list("projectState", project + "\u{0}" + state))
    } else {
      if let project { lists.append(index.list("project", project)) }
      if let state = states?.single { lists.append(index.list("state", state)) }
    }
    if let launchedBy { lists.append(index.list("launchedBy", launchedBy)) }
    if let executable { lists.append(index.list("executable", executable)) }
    if let root = rootExecution?.single { lists.append(index.list("rootExecution", root)) }
    if let origin = originJob?.single { lists.append(index.list("originJob", origin)) }
    if let parentJob { lists.append(index.list("parentJob", parentJob.indexValue)) }
    if let parentAnalysis { lists.append(index.list("parentAnalysis", parentAnalysis.indexValue)) }
    for tag in tags?.required ?? [] { lists.append(index.list("tag", tag)) }
    for (key, value) in properties?.required ?? [] {
      if let value {
        lists.append(index.list("property", key + "\u{0}" + value))
      } else {
        lists.append(index.list("propertyKey", key))
      }
    }
    if lists.isEmpty, let klass { lists.append(index.list("class", klass)) }
    return lists.min { $0.count < $1.count } ?? index.all
  }

  /// Whether `execution` passes every filter (visibility aside).
  func matches(_ execution: ExecutionState) -> Bool {
    if let klass, execution.klass != klass { return false }
    if let launchedBy, execution.launchedBy != launchedBy { return false }
    if let executable, execution.executable != executable { return false }
    if let project, execution.project != project { return false }
    if let states, !states.matches(execution.state) { return false }
    if let originJob, !originJob.matches(execution.originJob) { return false }
    if let rootExecution, !rootExecution.matches(execution.rootExecution) { return false }
    if let parentJob, !parentJob.matches(execution.parentJob) { return false }
    if let parentAnalysis, !parentAnalysis.matches(execution.parentAnalysis) { return false }
    if let created, !created.contains(execution.created) { return false }
    if let modified, !modified.contains(execution.modified) { return false }
    if let name, !name.matches(execution.name) { return false }
    if let tags, !tags.matches(OrderedStringSet(execution.tags)) { return false }
    if let properties, !properties.matches(execution.properties) { return false }
    if !includeSubjobs, execution.klass == "job", execution.originJob != execution.id { return false }
    return true
  }

  /// Runs the query for `caller`: newest first, a page of at most ``limit``, and the token of the
  /// next page.
  func run(on state: PlatformState, for caller: String) -> DXJSON {
    let list = candidates(in: state.executions.index)
    var low = 0
    var high = list.count
    if let after = created?.after { low = ExecutionIndex.firstIndex(createdAtOrAfter: after, in: list) }
    if let before = created?.before, before < Int.max {
      high = ExecutionIndex.firstIndex(createdAtOrAfter: before + 1, in: list)
    }
    if let starting {
      let position = ExecutionIndex.firstIndex(notBelow: starting, in: list)
      high = min(high, position < list.count && list[position] == starting ? position + 1 : position)
    }
    var results: [DXJSON] = []
    var next: DXJSON = .null
    var position = high - 1
    var visible: [String: Bool] = [:]
    while position >= low {
      let key = list[position]
      position -= 1
      guard let execution = state.executions[key.id], matches(execution) else { continue }
      let canSee =
        visible[execution.project]
        ?? {
          let level = state.level(of: caller, in: execution.project) != nil
          visible[execution.project] = level
          return level
        }()
      guard canSee else { continue }
      if results.count == limit {
        next = .string("\(key.created)/\(key.id)")
        break
      }
      var entry: [String: DXJSON] = ["id": .string(execution.id)]
      if let describe { entry["describe"] = state.describe(execution, options: describe) }
      results.append(.object(entry))
    }
    return ["results": .array(results), "next": next]
  }
}
