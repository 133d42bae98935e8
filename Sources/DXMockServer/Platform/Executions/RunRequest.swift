import DXWire

/// The input of a run route (`applet-xxxx/run`, `app-xxxx/run`, `workflow-xxxx/run`,
/// `globalworkflow-xxxx/run`) or of `job/new`, validated field by field.
///
/// Every `--extra-args` field the platform takes is read here: `name`, `folder`, `tags`,
/// `properties`, `details`, `dependsOn`, `delayWorkspaceDestruction`, `priority`, `detach`,
/// `instanceType` (shorthand for `systemRequirements: {"*": {"instanceType": …}}`),
/// `systemRequirements`, `systemRequirementsByExecutable`, `executionPolicy`, `costLimit`,
/// `ignoreReuse`, `allowSSH`, `rank`, and for workflows `stageSystemRequirements` (or
/// `stageInstanceTypes`), `stageFolders` and `rerunStages`.
struct RunRequest: Sendable {
  /// What is being run, for the fields only some runs take.
  enum Kind: Sendable {
    case executable
    case workflow
    case subJob
  }

  var input: [String: DXJSON]
  var project: String?
  var folder: String?
  var name: String?
  var tags: [String]?
  var properties: [String: String]?
  var details: DXJSON?
  var dependsOn: [String] = []
  var delayWorkspaceDestruction: Bool?
  var priority: String?
  var detach: Bool?
  var systemRequirements: [String: DXJSON]?
  var systemRequirementsByExecutable: [String: DXJSON]?
  var executionPolicy: DXJSON?
  var costLimit: Double?
  /// A Boolean for applets and apps; `true` or stage IDs (`["*"]` for all) for workflows.
  var ignoreReuse: DXJSON?
  var allowSSH: [String]?
  var rank: Int?
  var stageSystemRequirements: [String: DXJSON]?
  var stageFolders: [String: String]?
  var rerunStages: [String]?
  /// `job/new`: the entry point.
  var function: String?

  /// The priorities a run takes.
  static let priorities: Set<String> = ["low", "normal", "high"]

  /// Reads and checks the input of a run of `kind`.
  /// - Throws: InvalidInput naming the first field that is wrong.
  init(_ input: PlatformInput, kind: Kind) throws(DXPlatformError) {
    guard let values = try input.object("input") else {
      throw .invalidInput("Expected input to have the field \"input\" (an object)")
    }
    self.input = values
    project = try input.string("project")
    if let folder = try input.string("folder") { self.folder = try PlatformState.normalizeFolder(folder) }
    name = try input.string("name")
    if let name, name.isEmpty { throw .invalidInput("\"name\" must not be empty") }
    tags = try input.strings("tags")
    properties = try input.properties("properties")?.compactMapValues { $0 }
    if let details = input.fields["details"], !details.isNull { self.details = details }
    dependsOn = try input.strings("dependsOn") ?? []
    for id in dependsOn where IDGenerator.klass(of: id) == nil {
      throw .invalidInput("\"dependsOn\" must list job, analysis or data-object IDs, not \"\(id)\"")
    }
    delayWorkspaceDestruction = try input.bool("delayWorkspaceDestruction")
    priority = try input.string("priority")
    if let priority, !Self.priorities.contains(priority) {
      throw .invalidInput("\"priority\" must be low, normal or high, not \"\(priority)\"")
    }
    detach = try input.bool("detach")
    systemRequirements = try input.object("systemRequirements")
    if let instanceType = try input.string("instanceType") {
      var requirements = systemRequirements ?? [:]
      var all = requirements["*"]?.objectValue ?? [:]
      if all["instanceType"] == nil { all["instanceType"] = .string(instanceType) }
      requirements["*"] = .object(all)
      systemRequirements = requirements
    }
    for (entry, value) in systemRequirements ?? [:] where value.objectValue == nil {
      throw .invalidInput("\"systemRequirements.\(entry)\" must be an object such as {\"instanceType\": …}")
    }
    systemRequirementsByExecutable = try input.object("systemRequirementsByExecutable")
    for (executable, value) in systemRequirementsByExecutable ?? [:] where value.objectValue == nil {
      throw .invalidInput(
        "\"systemRequirementsByExecutable.\(executable)\" must be an object of entry points")
    }
    if let policy = try input.object("executionPolicy") { executionPolicy = .object(policy) }
    if let value = input.fields["costLimit"], !value.isNull {
      guard let limit = value.doubleValue, limit >= 0 else {
        throw .invalidInput("\"costLimit\" must be a non-negative number")
      }
      costLimit = limit
    }
    if let value = input.fields["ignoreReuse"], !value.isNull {
      switch kind {
      case .workflow:
        guard value.boolValue != nil || value.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true else {
          throw .invalidInput("\"ignoreReuse\" must be a boolean or an array of stage IDs for a workflow")
        }
      case .executable, .subJob:
        guard value.boolValue != nil else { throw .invalidInput("\"ignoreReuse\" must be a boolean") }
      }
      ignoreReuse = value
    }
    allowSSH = try input.strings("allowSSH")
    rank = try input.int("rank", in: PlatformLimits.rankRange)
    let stageInstanceTypes = try input.object("stageInstanceTypes")
    stageSystemRequirements = try input.object("stageSystemRequirements") ?? stageInstanceTypes
    stageFolders = try input.properties("stageFolders")?.compactMapValues { $0 }
    rerunStages = try input.strings("rerunStages")
    if kind != .workflow {
      for key in ["stageSystemRequirements", "stageInstanceTypes", "stageFolders", "rerunStages"]
      where input.has(key) {
        throw .invalidInput("\"\(key)\" is only accepted when running a workflow")
      }
    }
    if kind == .subJob {
      function = try input.requiredString("function")
      if let function, function.isEmpty { throw .invalidInput("\"function\" must not be empty") }
    }
  }
}
