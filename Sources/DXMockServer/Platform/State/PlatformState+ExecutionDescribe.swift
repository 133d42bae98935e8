import DXWire

// MARK: - What a job and an analysis describe as

extension PlatformState {
  /// The fields a job or analysis describe input selects: `fields`, `defaultFields` and `io`.
  struct ExecutionDescribeOptions: Sendable {
    var fields: Set<String>?
    var defaultFields = false
    /// Whether to include `input`, `runInput`, `originalInput` and `output` (default true).
    var io = true

    /// The fields only given when asked for by name.
    static let extraFields: Set<String> = [
      "runSystemRequirements", "runSystemRequirementsByExecutable", "mergedSystemRequirementsByExecutable",
      "internetUsageIPs",
    ]

    /// The default fields.
    init() {}

    /// Options from a describe input (`true`, an object, or absent for the defaults).
    /// - Throws: InvalidInput for wrong types.
    init(_ json: DXJSON?, field: String = "describe") throws(DXPlatformError) {
      // `fields` and `defaultFields` as data objects take them; `io` is the executions' own.
      let common = try DescribeOptions(json, field: field)
      fields = common.fields
      defaultFields = common.defaultFields
      if let members = json?.objectValue { io = try PlatformInput(.object(members)).bool("io") ?? true }
    }

    /// Whether to include `name`.
    func wants(_ name: String) -> Bool {
      let isDefault = !Self.extraFields.contains(name)
      if let fields {
        if fields.contains(name) || name == "id" { return true }
        return defaultFields && isDefault && (io || !Self.ioFields.contains(name))
      }
      return isDefault && (io || !Self.ioFields.contains(name))
    }

    private static let ioFields: Set<String> = ["input", "runInput", "originalInput", "output"]
  }

  /// The currency the mock bills in.
  static let currency: DXJSON = ["dxCode": 0, "code": "USD", "symbol": "$", "symbolPosition": "left"]

  /// Describes a job or an analysis with the fields `options` selects.
  func describe(_ execution: ExecutionState, options: ExecutionDescribeOptions) -> DXJSON {
    var all: [String: DXJSON] = [
      "id": .string(execution.id),
      "class": .string(execution.klass),
      "name": .string(execution.name),
      "executable": .string(execution.executable),
      "executableName": .string(execution.executableName),
      "project": .string(execution.project),
      "folder": .string(execution.folder),
      "state": .string(execution.state),
      "stateTransitions": .array(
        execution.transitions.map { ["newState": .string($0.newState), "setAt": .integer($0.setAt)] }),
      "created": .integer(execution.created),
      "modified": .integer(execution.modified),
      "launchedBy": .string(execution.launchedBy),
      "rootExecution": .string(execution.rootExecution),
      "parentJob": execution.parentJob.map(DXJSON.string) ?? .null,
      "parentAnalysis": execution.parentAnalysis.map(DXJSON.string) ?? .null,
      "analysis": execution.analysis.map(DXJSON.string) ?? .null,
      "stage": execution.stage.map(DXJSON.string) ?? .null,
      "input": execution.input,
      "runInput": execution.runInput,
      "originalInput": execution.originalInput,
      "output": execution.state == "done" ? execution.output ?? [:] : .null,
      "dependsOn": .array(execution.dependsOn.map(DXJSON.string)),
      "tags": .array(execution.tags.map(DXJSON.string)),
      "properties": .object(execution.properties.mapValues(DXJSON.string)),
      "details": execution.details,
      "priority": .string(execution.priority),
      "billTo": .string(execution.billTo),
      "region": .string(execution.region),
      "totalPrice": .integer(0),
      "currency": Self.currency,
      "isFree": .bool(false),
      "delayWorkspaceDestruction": .bool(execution.delayWorkspaceDestruction),
      "costLimit": execution.costLimit.map(DXJSON.double) ?? .null,
      "detachedFrom": .null,
      "runSystemRequirements": execution.runSystemRequirements ?? .null,
      "runSystemRequirementsByExecutable": execution.runSystemRequirementsByExecutable ?? .null,
      "mergedSystemRequirementsByExecutable": execution.mergedSystemRequirementsByExecutable ?? .null,
      "internetUsageIPs": .array([]),
    ]
    if let started = execution.startedRunning { all["startedRunning"] = .integer(started) }
    if let stopped = execution.stoppedRunning { all["stoppedRunning"] = .integer(stopped) }
    if execution.state == "failed" || execution.state == "partially_failed" || execution.state == "terminated"
    {
      all["failureReason"] = .string(execution.failureReason ?? "AppError")
      all["failureMessage"] = .string(execution.failureMessage ?? "")
      all["failureFrom"] = ["id": .string(execution.failureFrom ?? execution.id)]
    }
    if execution.klass == "job" {
      all["function"] = .string(execution.function)
      all["originJob"] = execution.originJob.map(DXJSON.string) ?? .null
      all["workspace"] = execution.workspace.map(DXJSON.string) ?? .null
      all["systemRequirements"] = execution.systemRequirements
      all["instanceType"] = execution.instanceType.map(DXJSON.string) ?? .null
      all["executionPolicy"] = execution.executionPolicy ?? .object([:])
      all["ignoreReuse"] = .bool(execution.ignoreReuse)
      all["detach"] = .bool(execution.detach)
      all["allowSSH"] = .array((execution.allowSSH ?? []).map(DXJSON.string))
      if let app = execution.app { all["app"] = .string(app) }
      if let applet = execution.applet { all["applet"] = .string(applet) }
      if let rank = execution.rank { all["rank"] = .integer(rank) }
    } else {
      var workflow = execution.workflowSnapshot?.objectValue ?? [:]
      workflow["id"] = .string(execution.workflow ?? execution.executable)
      all["workflow"] = .object(workflow)
      all["stages"] = .array(
        execution.stages.map { stage in
          let job = executions[stage.execution].map { describe($0, options: ExecutionDescribeOptions()) }
          return ["id": .string(stage.id), "execution": job ?? ["id": .string(stage.execution)]]
        })
    }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key) { result[key] = value }
    return .object(result)
  }
}
