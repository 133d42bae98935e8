import DXWire

// MARK: - /workflow/new and the workflow-xxxx stage routes

extension MockPlatform {
  func registerWorkflowRoutes(into router: inout PlatformRouter) {
    router.register("/workflow/new") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let common = try NewObjectInput(input)
      let fields = try WorkflowFields(input)
      let stagesInput = try Self.optionalArray(input, "stages")
      return try self.withNonce(call, route: "/workflow/new") {
        (state: inout PlatformState) throws(DXPlatformError) in
        var stages: [DXJSON] = []
        if let stagesInput {
          for stage in stagesInput.arrayValue ?? [] {
            stages.append(try Self.makeStage(stage, existing: stages, state: &state))
          }
        }
        let id = try self.createObject(common, klass: "workflow", caller: call.caller, state: &state) {
          object, source throws(DXPlatformError) in
          var workflow = source?.workflow ?? WorkflowData()
          fields.apply(to: &workflow)
          if stagesInput != nil { workflow.stages = stages }
          workflow.editVersion = 0
          workflow.initializedFrom = source?.id
          object.workflow = workflow
        }
        return ["id": .string(id), "editVersion": 0]
      }
    }
    router.register("/workflow-xxxx/close") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.closeObject(call)
    }
    router.register("/workflow-xxxx/addStage") { call throws(DXPlatformError) in
      let stageInput = call.input
      return try self.editWorkflow(call) { workflow, state throws(DXPlatformError) in
        let stage = try Self.makeStage(stageInput, existing: workflow.stages, state: &state)
        workflow.stages.append(stage)
        return ["stage": stage["id"] ?? .null]
      }
    }
    router.register("/workflow-xxxx/removeStage") { call throws(DXPlatformError) in
      let stage = try Self.input(call).requiredString("stage")
      return try self.editWorkflow(call) { workflow, _ throws(DXPlatformError) in
        let index = try Self.stageIndex(stage, in: workflow)
        workflow.stages.remove(at: index)
        return [:]
      }
    }
    router.register("/workflow-xxxx/moveStage") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let stage = try input.requiredString("stage")
      guard let newIndex = try input.int("newIndex") else {
        throw .invalidInput("Expected input to have the field \"newIndex\"")
      }
      return try self.editWorkflow(call) { workflow, _ throws(DXPlatformError) in
        let index = try Self.stageIndex(stage, in: workflow)
        guard newIndex >= 0, newIndex < workflow.stages.count else {
          throw .invalidInput("\"newIndex\" must be between 0 and \(workflow.stages.count - 1)")
        }
        let moved = workflow.stages.remove(at: index)
        workflow.stages.insert(moved, at: newIndex)
        return [:]
      }
    }
    router.register("/workflow-xxxx/update") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let fields = try WorkflowFields(input)
      let stageUpdates = try input.object("stages") ?? [:]
      return try self.editWorkflow(call) { workflow, _ throws(DXPlatformError) in
        for (stage, update) in stageUpdates {
          let index = try Self.stageIndex(stage, in: workflow)
          workflow.stages[index] = try Self.updatedStage(workflow.stages[index], with: update)
        }
        fields.apply(to: &workflow)
        return [:]
      }
    }
    router.register("/workflow-xxxx/updateStageExecutable") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let stage = try input.requiredString("stage")
      let executable = try Self.executable(try input.requiredString("executable"))
      let force = try input.bool("force") ?? false
      return try self.editWorkflow(call) { workflow, state throws(DXPlatformError) in
        let index = try Self.stageIndex(stage, in: workflow)
        let incompatibilities = try state.incompatibilities(
          of: executable, with: index, in: workflow, for: call.caller)
        if !incompatibilities.isEmpty, !force {
          throw .of(
            "InvalidState",
            "The executable \(executable) is not compatible with stage \(stage): "
              + incompatibilities.joined(separator: "; ") + " (use force to replace it anyway)",
            details: ["incompatibilities": .array(incompatibilities.map(DXJSON.string))])
        }
        guard var members = workflow.stages[index].objectValue else { return [:] }
        members["executable"] = .string(executable)
        workflow.stages[index] = .object(members)
        return ["compatible": .bool(incompatibilities.isEmpty)]
      }
    }
    registerWorkflowCheckRoutes(into: &router)
  }

  /// An optional array-or-null field kept as given.
  static func optionalArray(_ input: PlatformInput, _ key: String) throws(DXPlatformError) -> DXJSON? {
    guard let value = input.fields[key], !value.isNull else { return nil }
    guard value.arrayValue != nil else {
      throw .invalidInput("Expected \"\(key)\" to be an array, but got \(value.typeName)")
    }
    return value
  }

  /// A stage's executable, which must be an applet, app or global-workflow ID or name.
  static func executable(_ text: String) throws(DXPlatformError) -> String {
    guard text.hasPrefix("applet-") || text.hasPrefix("app-") || text.hasPrefix("globalworkflow-") else {
      throw .invalidInput("\"executable\" must be an applet or app ID, not \"\(text)\"")
    }
    return text
  }

  /// A new stage from an `addStage` input or an element of `stages`.
  static func makeStage(_ json: DXJSON, existing: [DXJSON], state: inout PlatformState)
    throws(DXPlatformError)
    -> DXJSON
  {
    let input = try PlatformInput(json)
    let executable = try executable(try input.requiredString("executable"))
    let id = try input.string("id") ?? state.newID("stage")
    guard !id.isEmpty else { throw .invalidInput("A stage ID must not be empty") }
    if existing.contains(where: { $0["id"]?.stringValue == id }) {
      throw .invalidInput("The workflow already has a stage with ID \(id)")
    }
    var stage: [String: DXJSON] = [
      "id": .string(id), "executable": .string(executable), "name": json["name"] ?? .null,
      "folder": json["folder"] ?? .null, "input": json["input"] ?? .object([:]),
      "executionPolicy": json["executionPolicy"] ?? .object([:]),
      "systemRequirements": json["systemRequirements"] ?? .object([:]),
    ]
    _ = try input.string("name")
    try checkInstanceTypes(json["systemRequirements"])
    if let folder = try input.string("folder"), !folder.hasPrefix("/") {
      stage["folder"] = .string(folder)  // relative to the output folder, as the platform allows
    }
    _ = try input.object("input")
    return .object(stage)
  }

  /// `stage` with the fields of an `update.stages` entry applied.
  static func updatedStage(_ stage: DXJSON, with update: DXJSON) throws(DXPlatformError) -> DXJSON {
    let input = try PlatformInput(update)
    guard var members = stage.objectValue else { return stage }
    if input.fields["name"] != nil { members["name"] = input.fields["name"] ?? .null }
    if input.fields["folder"] != nil { members["folder"] = input.fields["folder"] ?? .null }
    if let values = try input.object("input") { members["input"] = .object(values) }
    if let policy = try input.object("executionPolicy") { members["executionPolicy"] = .object(policy) }
    if let requirements = try input.object("systemRequirements") {
      try checkInstanceTypes(.object(requirements))
      members["systemRequirements"] = .object(requirements)
    }
    return .object(members)
  }

  /// The position of `stage` (an ID or an index) in `workflow`.
  static func stageIndex(_ stage: String, in workflow: WorkflowData) throws(DXPlatformError) -> Int {
    if let index = workflow.stages.firstIndex(where: { $0["id"]?.stringValue == stage }) { return index }
    throw .resourceNotFound("The stage \(stage) could not be found in the workflow")
  }

  /// Applies a stage edit to an open workflow after checking `editVersion`; bumps the version.
  func editWorkflow(
    _ call: APICall,
    _ edit: (inout WorkflowData, inout PlatformState) throws(DXPlatformError) -> [String: DXJSON]
  ) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let editVersion = try input.int("editVersion") else {
      throw .invalidInput("Expected input to have the field \"editVersion\"")
    }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target, klass: "workflow")
      _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .upload)
      guard object.state == "open" else {
        throw .invalidState("\(call.target) is not in the open state, so it cannot be edited")
      }
      var workflow = object.workflow ?? WorkflowData()
      guard workflow.editVersion == editVersion else {
        throw .invalidState(
          "The editVersion \(editVersion) does not match the workflow's current version \(workflow.editVersion)"
        )
      }
      var result = try edit(&workflow, &state)
      workflow.editVersion += 1
      let now = store.now()
      let updated = workflow
      try state.updateObject(call.target) { (object: inout DataObjectState) throws(DXPlatformError) in
        object.workflow = updated
        object.modified = now
      }
      result["id"] = .string(call.target)
      result["editVersion"] = .integer(updated.editVersion)
      return .object(result)
    }
  }
}

/// The workflow metadata `workflow/new` and `workflow-xxxx/update` both take; absent fields are
/// left as they are.
struct WorkflowFields {
  var title: String?
  var summary: String?
  var description: String?
  var outputFolder: String?
  var inputs: DXJSON?
  var outputs: DXJSON?
  var ignoreReuse: DXJSON?
  var treeTurnaroundTimeThreshold: Int?
  /// `title: null`: the title goes back to the name.
  var resetTitle = false
  /// `outputFolder: null`: no output folder.
  var clearOutputFolder = false

  init(_ input: PlatformInput) throws(DXPlatformError) {
    title = try input.string("title")
    resetTitle = input.fields["title"]?.isNull == true
    summary = try input.string("summary")
    description = try input.string("description")
    outputFolder = try input.string("outputFolder").map { (path) throws(DXPlatformError) in
      try PlatformState.normalizeFolder(path, field: "outputFolder")
    }
    clearOutputFolder = input.fields["outputFolder"]?.isNull == true
    inputs = try MockPlatform.optionalArray(input, "inputs")
    outputs = try MockPlatform.optionalArray(input, "outputs")
    if let value = input.fields["ignoreReuse"], !value.isNull {
      guard value.boolValue != nil || (value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false) else {
        throw .invalidInput("Expected \"ignoreReuse\" to be a boolean or an array of stage IDs")
      }
      ignoreReuse = value
    }
    treeTurnaroundTimeThreshold = try input.int("treeTurnaroundTimeThreshold")
    if let threshold = treeTurnaroundTimeThreshold, threshold < 0 {
      throw .invalidInput("\"treeTurnaroundTimeThreshold\" must not be negative")
    }
  }

  func apply(to workflow: inout WorkflowData) {
    if let title { workflow.title = title }
    if resetTitle { workflow.title = nil }
    if let summary { workflow.summary = summary }
    if let description { workflow.description = description }
    if let outputFolder { workflow.outputFolder = outputFolder }
    if clearOutputFolder { workflow.outputFolder = nil }
    if let inputs { workflow.inputs = inputs }
    if let outputs { workflow.outputs = outputs }
    if let ignoreReuse { workflow.ignoreReuse = ignoreReuse }
    if let treeTurnaroundTimeThreshold { workflow.treeTurnaroundTimeThreshold = treeTurnaroundTimeThreshold }
  }
}
