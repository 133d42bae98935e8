/// A `system/findExecutions` query (dxpy's `find_executions` arguments).
public struct DXExecutionQuery: Sendable, Hashable {
  /// How a parent filter is given: an ID, or "no parent".
  public enum Parent: Sendable, Hashable {
    /// Children of this ID.
    case id(String)
    /// Only executions with no parent (sent as `null`).
    case none
  }

  /// `job` or `analysis` (``DXClient/findJobs(_:limit:firstPageSize:options:)`` and
  /// ``DXClient/findAnalyses(_:limit:firstPageSize:options:)`` set it).
  public var executionClass: String?
  /// Who launched them.
  public var launchedBy: String?
  /// The executable's ID.
  public var executable: String?
  /// The project.
  public var project: String?
  /// The state.
  public var state: String?
  /// The origin job.
  public var originJob: String?
  /// The parent job, or `.none`.
  public var parentJob: Parent?
  /// The parent analysis, or `.none`.
  public var parentAnalysis: Parent?
  /// The root execution.
  public var rootExecution: String?
  /// Creation window.
  public var created: DXTimeRange?
  /// `true` or describe options for each result.
  public var describe: DXJSON?
  /// The name.
  public var name: DXNameMatch?
  /// All of these tags.
  public var tags: [String]?
  /// Properties to match.
  public var properties: DXJSON?
  /// Include subjobs (default `true`, not sent).
  public var includeSubjobs: Bool
  /// Include restarted jobs.
  public var includeRestarted: Bool?

  /// Creates a query; every field left `nil` is not sent.
  public init(
    project: String? = nil, state: String? = nil, executable: String? = nil, name: DXNameMatch? = nil,
    parentJob: Parent? = nil, rootExecution: String? = nil, tags: [String]? = nil, describe: DXJSON? = nil,
    includeSubjobs: Bool = true
  ) {
    self.project = project
    self.state = state
    self.executable = executable
    self.name = name
    self.parentJob = parentJob
    self.rootExecution = rootExecution
    self.tags = tags
    self.describe = describe
    self.includeSubjobs = includeSubjobs
  }

  /// The API query.
  var json: [String: DXJSON] {
    var query: [String: DXJSON] = [:]
    if let executionClass { query["class"] = .string(executionClass) }
    if let launchedBy { query["launchedBy"] = .string(launchedBy) }
    if let executable { query["executable"] = .string(executable) }
    if let project { query["project"] = .string(project) }
    if let state { query["state"] = .string(state) }
    if let originJob { query["originJob"] = .string(originJob) }
    if let parentJob { query["parentJob"] = Self.parentJSON(parentJob) }
    if let parentAnalysis { query["parentAnalysis"] = Self.parentJSON(parentAnalysis) }
    if let rootExecution { query["rootExecution"] = .string(rootExecution) }
    if let created { query["created"] = created.json }
    if let describe, describe != false { query["describe"] = describe }
    if let name { query["name"] = name.json }
    if let tags { query["tags"] = ["$and": .strings(tags)] }
    if let properties { query["properties"] = properties }
    if !includeSubjobs { query["includeSubjobs"] = false }
    if let includeRestarted { query["includeRestarted"] = .bool(includeRestarted) }
    return query
  }

  private static func parentJSON(_ parent: Parent) -> DXJSON {
    switch parent {
    case .id(let id): return .string(id)
    case .none: return .null
    }
  }
}
