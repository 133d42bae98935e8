/// How to run an applet, app, workflow or global workflow (dxpy's `run` keyword arguments).
///
/// Every field left `nil` is not sent. `project` defaults to ``DXClient/defaultProject`` and is sent
/// outside a job, or inside one only for a detached run into a project (as dxpy does).
public struct DXRunOptions: Sendable, Hashable {
  /// The project to run in.
  public var project: String?
  /// The output folder.
  public var folder: String?
  /// The execution's name.
  public var name: String?
  /// Tags.
  public var tags: [String]?
  /// Properties.
  public var properties: [String: String]?
  /// Details.
  public var details: DXJSON?
  /// The instance type(s).
  public var instanceType: DXInstanceType?
  /// `systemRequirements` as the API takes it (wins over ``instanceType``).
  public var systemRequirements: DXJSON?
  /// `systemRequirementsByExecutable`.
  public var systemRequirementsByExecutable: DXJSON?
  /// IDs of jobs or data objects to wait for.
  public var dependsOn: [String]?
  /// Keep the workspace after the job ends.
  public var delayWorkspaceDestruction: Bool?
  /// Addresses allowed to SSH in.
  public var allowSSH: [String]?
  /// `debug` (e.g. `{"debugOn": ["AppError"]}`).
  public var debug: DXJSON?
  /// `normal`, `high`, `low`.
  public var priority: String?
  /// Do not reuse earlier results (for a workflow: every stage).
  public var ignoreReuse: Bool?
  /// Detach the new execution from the current job's tree.
  public var detach: Bool?
  /// The cost limit.
  public var costLimit: Double?
  /// The rank.
  public var rank: Int?
  /// `maxTreeSpotWaitTime`, in seconds.
  public var maxTreeSpotWaitTime: Int?
  /// `maxJobSpotWaitTime`, in seconds.
  public var maxJobSpotWaitTime: Int?
  /// `detailedJobMetrics`.
  public var detailedJobMetrics: Bool?
  /// `preserveJobOutputs`: `{}` for the defaults, or the API's object.
  public var preserveJobOutputs: DXJSON?
  /// Applets and apps only: `headJobOnDemand`.
  public var headJobOnDemand: Bool?
  /// Workflows only: instance types per stage (ID, name, index or `*`).
  public var stageInstanceTypes: [String: DXInstanceType]?
  /// Workflows only: output folders per stage.
  public var stageFolders: [String: String]?
  /// Workflows only: stages to run again.
  public var rerunStages: [String]?
  /// Workflows only: stages that do not reuse results.
  public var ignoreReuseStages: [String]?
  /// Merged into the run input last, recursively (dxpy's `extra_args`).
  public var extraArgs: DXJSON?

  /// Creates options; every field left `nil` is not sent.
  public init(
    project: String? = nil, folder: String? = nil, name: String? = nil, tags: [String]? = nil,
    properties: [String: String]? = nil, details: DXJSON? = nil, instanceType: DXInstanceType? = nil,
    dependsOn: [String]? = nil, extraArgs: DXJSON? = nil
  ) {
    self.project = project
    self.folder = folder
    self.name = name
    self.tags = tags
    self.properties = properties
    self.details = details
    self.instanceType = instanceType
    self.dependsOn = dependsOn
    self.extraArgs = extraArgs
  }

  /// The fields every executable's run input has (dxpy's `_get_run_input_common_fields`).
  func commonInput(_ input: DXJSON, client: DXClient) -> [String: DXJSON] {
    var run: [String: DXJSON] = ["input": input]
    if let folder { run["folder"] = .string(folder) }
    if let name { run["name"] = .string(name) }
    if let tags { run["tags"] = .strings(tags) }
    if let properties { run["properties"] = .object(properties.mapValues(DXJSON.string)) }
    if let details { run["details"] = details }
    if let instanceType { run["systemRequirements"] = instanceType.systemRequirements() }
    if let systemRequirements { run["systemRequirements"] = systemRequirements }
    if let systemRequirementsByExecutable {
      run["systemRequirementsByExecutable"] = systemRequirementsByExecutable
    }
    if let dependsOn { run["dependsOn"] = .strings(dependsOn) }
    if let delayWorkspaceDestruction { run["delayWorkspaceDestruction"] = .bool(delayWorkspaceDestruction) }
    if let allowSSH { run["allowSSH"] = .strings(allowSSH) }
    if let debug { run["debug"] = debug }
    if let priority { run["priority"] = .string(priority) }
    if let ignoreReuse { run["ignoreReuse"] = .bool(ignoreReuse) }
    let project = project ?? client.defaultProject
    if !client.isInsideJob
      || (detach == true && project.map { DXID.isValid($0, classes: ["project"]) } == true)
    {
      run["project"] = project.map(DXJSON.string) ?? .null
    }
    if let extraArgs { run = Self.merge(.object(run), extraArgs).objectValue ?? run }
    if let detach { run["detach"] = .bool(detach) }
    if let costLimit { run["costLimit"] = .double(costLimit) }
    if let rank { run["rank"] = .integer(rank) }
    if let maxTreeSpotWaitTime { run["maxTreeSpotWaitTime"] = .integer(maxTreeSpotWaitTime) }
    if let maxJobSpotWaitTime { run["maxJobSpotWaitTime"] = .integer(maxJobSpotWaitTime) }
    if let detailedJobMetrics { run["detailedJobMetrics"] = .bool(detailedJobMetrics) }
    if let preserveJobOutputs, preserveJobOutputs != false {
      run["preserveJobOutputs"] = preserveJobOutputs == true ? [:] : preserveJobOutputs
    }
    return run
  }

  /// The run input of an applet or app (dxpy's `_get_run_input_fields_for_applet`).
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` when a workflow-only option is set.
  func appletInput(_ input: DXJSON, client: DXClient) throws(DXBindingError) -> DXJSON {
    let workflowOnly: [(String, Bool)] = [
      ("stage_instance_types", stageInstanceTypes?.isEmpty == false),
      ("stage_folders", stageFolders?.isEmpty == false), ("rerun_stages", rerunStages?.isEmpty == false),
      ("ignore_reuse_stages", ignoreReuseStages?.isEmpty == false),
    ]
    for (name, isSet) in workflowOnly where isSet {
      throw .invalidArgument("\(name) is not supported for applets (only workflows)")
    }
    var run = commonInput(input, client: client)
    if let headJobOnDemand { run["headJobOnDemand"] = .bool(headJobOnDemand) }
    return .object(run)
  }

  /// dxpy's `utils.merge`: `extra` laid over `base`, objects merged recursively.
  static func merge(_ base: DXJSON, _ extra: DXJSON) -> DXJSON {
    guard case .object(var members) = base, case .object(let overlay) = extra else { return extra }
    for (key, value) in overlay {
      if let existing = members[key], existing.objectValue != nil, value.objectValue != nil {
        members[key] = merge(existing, value)
      } else {
        members[key] = value
      }
    }
    return .object(members)
  }
}
