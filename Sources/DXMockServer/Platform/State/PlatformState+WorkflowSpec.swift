import DXWire

// MARK: - What a workflow's stages make of it: its input and output specifications, compatibility

extension PlatformState {
  /// The describe fields a workflow adds beyond its stored ones: `inputSpec`/`outputSpec` (the
  /// workflow-level `inputs`/`outputs` when given, else built from the stages), `ignoreReuse`,
  /// `treeTurnaroundTimeThreshold` and `initializedFrom`.
  func workflowFields(_ workflow: WorkflowData) -> [String: DXJSON] {
    var fields: [String: DXJSON] = [
      "inputSpec": workflow.inputs ?? .array(stageSpecs(workflow, key: "inputSpec")),
      "outputSpec": workflow.outputs ?? .array(stageSpecs(workflow, key: "outputSpec")),
      "treeTurnaroundTimeThreshold": workflow.treeTurnaroundTimeThreshold.map(DXJSON.integer) ?? .null,
    ]
    if let ignoreReuse = workflow.ignoreReuse { fields["ignoreReuse"] = ignoreReuse }
    if let source = workflow.initializedFrom { fields["initializedFrom"] = ["id": .string(source)] }
    return fields
  }

  /// Every stage's executable's `key` specification, each parameter named `<stage ID>.<name>` and an
  /// input bound in the stage carrying that value as its `default`.
  func stageSpecs(_ workflow: WorkflowData, key: String) -> [DXJSON] {
    var specs: [DXJSON] = []
    for stage in workflow.stages {
      guard let stageID = stage["id"]?.stringValue, let executable = stage["executable"]?.stringValue else {
        continue
      }
      for parameter in executableSpec(executable, key: key) {
        guard var members = parameter.objectValue, let name = members["name"]?.stringValue else { continue }
        members["name"] = .string("\(stageID).\(name)")
        if key == "inputSpec", let bound = stage["input"]?[name] { members["default"] = bound }
        specs.append(.object(members))
      }
    }
    return specs
  }

  /// The `inputSpec` or `outputSpec` parameters of an applet, app or workflow (empty when unknown).
  func executableSpec(_ executable: String, key: String) -> [DXJSON] {
    if executable.hasPrefix("applet-") {
      let spec =
        key == "inputSpec" ? objects[executable]?.applet?.inputSpec : objects[executable]?.applet?.outputSpec
      return spec?.arrayValue ?? []
    }
    if executable.hasPrefix("workflow-"), let workflow = objects[executable]?.workflow {
      return workflowFields(workflow)[key]?.arrayValue ?? []
    }
    if executable.hasPrefix("app-") {
      let app =
        apps[executable]
        ?? appVersions(named: String(executable.dropFirst(4))).last {
          !$0.deleted && $0.tags.contains("default")
        }
      let spec = key == "inputSpec" ? app?.spec.inputSpec : app?.spec.outputSpec
      return spec?.arrayValue ?? []
    }
    return []
  }

  /// Why `executable` cannot replace the executable of the stage at `index`: bound inputs it lacks,
  /// required inputs it adds, outputs other stages use that it lacks, and parameters whose class
  /// changes. Empty when compatible.
  /// - Throws: ResourceNotFound / PermissionDenied / InvalidType when `user` cannot see an applet
  ///   `executable`.
  func incompatibilities(of executable: String, with index: Int, in workflow: WorkflowData, for user: String)
    throws(DXPlatformError) -> [String]
  {
    if executable.hasPrefix("applet-") {
      let object = try object(executable, klass: "applet")
      _ = try copyProject(of: object, for: user, hint: nil, atLeast: .view)
    }
    let stage = workflow.stages[index]
    let stageID = stage["id"]?.stringValue ?? ""
    let oldExecutable = stage["executable"]?.stringValue ?? ""
    func byName(_ specs: [DXJSON]) -> [String: DXJSON] {
      var map: [String: DXJSON] = [:]
      for spec in specs { if let name = spec["name"]?.stringValue { map[name] = spec } }
      return map
    }
    let oldInputs = byName(executableSpec(oldExecutable, key: "inputSpec"))
    let newInputs = byName(executableSpec(executable, key: "inputSpec"))
    let oldOutputs = byName(executableSpec(oldExecutable, key: "outputSpec"))
    let newOutputs = byName(executableSpec(executable, key: "outputSpec"))
    var problems: [String] = []
    for name in (stage["input"]?.objectValue ?? [:]).keys.sorted() where newInputs[name] == nil {
      problems.append("the input \(name) is bound in the stage but the new executable has no such input")
    }
    for (name, spec) in newInputs.sorted(by: { $0.key < $1.key }) {
      let required = spec["optional"]?.boolValue != true && spec["default"] == nil
      if required, oldInputs[name] == nil, stage["input"]?[name] == nil {
        problems.append("the new executable needs the input \(name), which the stage does not provide")
      }
      if let old = oldInputs[name], old["class"] != spec["class"] {
        problems.append("the input \(name) changes class")
      }
    }
    var used: Set<String> = []
    for other in workflow.stages where other["id"]?.stringValue != stageID {
      Self.collectOutputReferences(other["input"] ?? .null, stage: stageID, into: &used)
    }
    for name in used.sorted() where newOutputs[name] == nil {
      problems.append("the output \(name) is used by another stage but the new executable has no such output")
    }
    for (name, spec) in newOutputs.sorted(by: { $0.key < $1.key }) {
      if let old = oldOutputs[name], old["class"] != spec["class"] {
        problems.append("the output \(name) changes class")
      }
    }
    return problems
  }

  /// The output fields of `stage` that `value` links to (`{"$dnanexus_link": {"stage", "outputField"}}`).
  static func collectOutputReferences(_ value: DXJSON, stage: String, into found: inout Set<String>) {
    switch value {
    case .object(let members):
      if let link = members["$dnanexus_link"], link["stage"]?.stringValue == stage,
        let field = link["outputField"]?.stringValue
      {
        found.insert(field)
        return
      }
      for member in members.values { collectOutputReferences(member, stage: stage, into: &found) }
    case .array(let elements):
      for element in elements { collectOutputReferences(element, stage: stage, into: &found) }
    default:
      break
    }
  }
}
