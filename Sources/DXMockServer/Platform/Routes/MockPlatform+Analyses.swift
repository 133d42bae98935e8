import DXWire

// MARK: - Running workflows (/workflow-xxxx/run) and the analysis-xxxx methods

extension MockPlatform {
  func registerAnalysisRoutes(into router: inout PlatformRouter) {
    router.register("/workflow-xxxx/run") { call throws(DXPlatformError) in try self.runWorkflow(call) }
    registerExecutionMethods(klass: "analysis", into: &router)
  }

  /// Runs a workflow: an analysis with one job per stage, created together; a stage whose input links
  /// to an earlier stage's output waits for it.
  ///
  /// The run's `input` keys are `<stage ID>.<field>`, `<stage index>.<field>` or
  /// `<stage name>.<field>`, or the workflow-level input names when the workflow has `inputs`. A
  /// stage input `{"$dnanexus_link": {"stage": S, "outputField": F}}` becomes a job-based reference to
  /// stage S's job, `{"stage": S, "inputField": F}` the value of stage S's input F, and
  /// `{"workflowInputField": F}` the workflow-level input F.
  private func runWorkflow(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let request = try RunRequest(Self.input(call), kind: .workflow)
    return try withNonce(call, route: "/\(call.target)/run") {
      (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target, klass: "workflow")
      let home = try state.copyProject(of: object, for: call.caller, hint: request.project, atLeast: .view)
      return try startAnalysis(of: object, in: home, request, call: call, state: &state)
    }
  }

  /// Starts an analysis of the workflow `object` (whose copy in `home` names it) for `call`'s caller:
  /// the analysis and one job per stage, created together, with the caller's access already checked.
  ///
  /// - Parameter global: The global workflow run through `object` (its underlying workflow in the
  ///   project's region), which the analysis then names as its executable; `nil` for a plain workflow.
  /// - Throws: InvalidInput, InvalidState, ResourceNotFound or PermissionDenied before anything is
  ///   created.
  func startAnalysis(
    of object: DataObjectState, in home: String, _ request: RunRequest, call: APICall,
    global: GlobalWorkflowState? = nil, state: inout PlatformState
  ) throws(DXPlatformError) -> DXJSON {
    let workflow = object.workflow ?? WorkflowData()
    let caller = Self.callingJob(call, in: state)
    guard let project = request.project ?? caller?.project else {
      throw .invalidInput("Expected input to have the field \"project\"")
    }
    _ = try state.project(project, for: call.caller, atLeast: .contribute)
    guard !workflow.stages.isEmpty else {
      throw .invalidState("The workflow \(object.id) has no stages to run")
    }
    let stageIDs = workflow.stages.map { $0["id"]?.stringValue ?? "" }
    let stageInputs = try Self.stageInputs(request.input, workflow: workflow, stageIDs: stageIDs)
    let folder = request.folder ?? workflow.outputFolder ?? "/"
    let now = store.now()
    let analysisID = state.newID("analysis")
    let jobIDs = stageIDs.map { _ in state.newID("job") }
    var originalInput: [String: DXJSON] = [:]
    var resolvedStageInputs: [[String: DXJSON]] = []
    var executables: [ExecutableInfo] = []
    for (position, stage) in workflow.stages.enumerated() {
      let executable = try Self.inRegion(
        try Self.stageExecutable(stage["executable"]?.stringValue ?? "", for: call.caller, state: state),
        of: project, state: state)
      var values = stage["input"]?.objectValue ?? [:]
      for (key, value) in stageInputs[position] { values[key] = value }
      values = values.compactMapValues { value in
        Self.translateStageLinks(
          value, stageIDs: stageIDs, jobIDs: jobIDs, workflowInputs: request.input,
          stageInput: { index, field in
            index < position ? resolvedStageInputs[index][field] : stage["input"]?[field]
          })
      }
      do throws(DXPlatformError) {
        values = try ExecutionInputCheck.check(values, against: executable.spec.inputSpec)
      } catch {
        var named = error
        named.message = "Stage \(stageIDs[position]): \(error.message)"
        throw named
      }
      resolvedStageInputs.append(values)
      executables.append(executable)
      for (key, value) in values { originalInput[stageIDs[position] + "." + key] = value }
    }
    let executableName = global?.name ?? object.copies[home]?.name ?? object.id
    var analysis = ExecutionState(
      id: analysisID, klass: "analysis", name: request.name ?? executableName,
      executable: global?.id ?? object.id, executableName: executableName, project: project,
      folder: folder, state: "idle", created: now, modified: now, launchedBy: call.caller,
      rootExecution: caller?.rootExecution ?? analysisID,
      billTo: state.projects[project]?.billTo ?? call.caller,
      region: state.projects[project]?.region ?? "aws:us-east-1",
      plan: ExecutionPlan(durationMs: 0))
    analysis.workflow = object.id
    analysis.workflowSnapshot = state.describe(
      object, in: home, options: try PlatformState.DescribeOptions(nil))
    analysis.parentJob = caller?.id
    analysis.transitions = [ExecutionTransition(newState: "idle", setAt: now)]
    analysis.take(request, originalInput: originalInput)
    analysis.stages = zip(stageIDs, jobIDs).map { AnalysisStage(id: $0, execution: $1) }
    analysis.children = jobIDs
    state.executions.insert(analysis)
    if let caller { state.executions.update(caller.id) { $0.children.append(analysisID) } }
    state.startExecution(analysisID, at: now)
    for (position, stage) in workflow.stages.enumerated() {
      let stageID = stageIDs[position]
      var stageRequest = request
      stageRequest.input = resolvedStageInputs[position]
      stageRequest.name = stage["name"]?.stringValue ?? executables[position].name
      stageRequest.tags = nil
      stageRequest.properties = nil
      stageRequest.details = nil
      stageRequest.dependsOn = []
      stageRequest.systemRequirements =
        request.stageSystemRequirements?[stageID]?.objectValue ?? request.stageSystemRequirements?["*"]?
        .objectValue
        ?? stage["systemRequirements"]?.objectValue
      if let policy = stage["executionPolicy"], policy.objectValue?.isEmpty == false {
        stageRequest.executionPolicy = policy
      }
      stageRequest.ignoreReuse = nil
      var stageFolder = folder
      if let custom = request.stageFolders?[stageID] ?? stage["folder"]?.stringValue {
        stageFolder =
          custom.hasPrefix("/")
          ? try PlatformState.normalizeFolder(custom)
          : try PlatformState.normalizeFolder(folder + "/" + custom)
      }
      var placement = JobPlacement(project: project, folder: stageFolder)
      placement.rootExecution = analysis.rootExecution
      placement.parentAnalysis = analysisID
      placement.analysis = analysisID
      placement.stage = stageID
      _ = try createJob(
        executables[position], stageRequest, placement: placement, caller: call.caller,
        id: jobIDs[position], state: &state)
    }
    return ["id": .string(analysisID), "stages": .array(jobIDs.map(DXJSON.string))]
  }

  /// The run input split by stage (position in the workflow).
  /// - Throws: InvalidInput for a key naming no stage.
  static func stageInputs(_ input: [String: DXJSON], workflow: WorkflowData, stageIDs: [String])
    throws(DXPlatformError) -> [[String: DXJSON]]
  {
    var result = Array(repeating: [String: DXJSON](), count: stageIDs.count)
    let names = workflow.stages.map { $0["name"]?.stringValue }
    for (key, value) in input {
      guard let dot = key.lastIndex(of: ".") else {
        // A workflow-level input: stages reach it through {"workflowInputField": …} links.
        guard workflow.inputs != nil else {
          throw .invalidInput("The input \"\(key)\" names no stage (use <stage ID>.\(key))")
        }
        continue
      }
      let prefix = String(key[..<dot])
      let field = String(key[key.index(after: dot)...])
      guard
        let position = stageIDs.firstIndex(of: prefix) ?? Int(prefix).flatMap({
          stageIDs.indices.contains($0) ? $0 : nil
        }) ?? names.firstIndex(of: prefix)
      else {
        throw .invalidInput("The input \"\(key)\" names no stage of the workflow")
      }
      result[position][field] = value
    }
    return result
  }

  /// A stage input with its workflow links made concrete (`nil` drops an unset workflow input).
  static func translateStageLinks(
    _ value: DXJSON, stageIDs: [String], jobIDs: [String], workflowInputs: [String: DXJSON],
    stageInput: (Int, String) -> DXJSON?
  ) -> DXJSON? {
    switch value {
    case .object(let members):
      if members.count == 1, let link = members["$dnanexus_link"]?.objectValue {
        if let stage = link["stage"]?.stringValue, let index = stageIDs.firstIndex(of: stage) {
          if let field = link["outputField"]?.stringValue {
            var reference: [String: DXJSON] = ["job": .string(jobIDs[index]), "field": .string(field)]
            if let position = link["index"] { reference["index"] = position }
            return ["$dnanexus_link": .object(reference)]
          }
          if let field = link["inputField"]?.stringValue { return stageInput(index, field) }
        }
        if let field = link["workflowInputField"]?.stringValue { return workflowInputs[field] }
      }
      return .object(
        members.compactMapValues {
          translateStageLinks(
            $0, stageIDs: stageIDs, jobIDs: jobIDs, workflowInputs: workflowInputs, stageInput: stageInput)
        })
    case .array(let elements):
      return .array(
        elements.compactMap {
          translateStageLinks(
            $0, stageIDs: stageIDs, jobIDs: jobIDs, workflowInputs: workflowInputs, stageInput: stageInput)
        })
    default:
      return value
    }
  }
}
