import Crypto
import DXWire
import Foundation

// MARK: - Checks that run nothing: workflow dryRun, isStageCompatible and overwrite, and validateBatch
// for applets, apps and workflows

extension MockPlatform {
  func registerWorkflowCheckRoutes(into router: inout PlatformRouter) {
    router.register("/workflow-xxxx/isStageCompatible") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let stage = try input.requiredString("stage")
      let executable = try Self.executable(try input.requiredString("executable"))
      _ = try input.int("editVersion")
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let (_, workflow) = try Self.readableWorkflow(call, state: state)
        let index = try Self.stageIndex(stage, in: workflow)
        let problems = try state.incompatibilities(
          of: executable, with: index, in: workflow, for: call.caller)
        return [
          "compatible": .bool(problems.isEmpty), "incompatibilities": .array(problems.map(DXJSON.string)),
        ]
      }
    }
    router.register("/workflow-xxxx/overwrite") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      guard let from = try input.object("from") else {
        throw .invalidInput("Expected input to have the field \"from\" ({\"workflow\": …, \"project\"?: …})")
      }
      let source = try PlatformInput(.object(from))
      let sourceID = try source.requiredString("workflow")
      let hint = try source.string("project")
      return try self.editWorkflow(call) { workflow, state throws(DXPlatformError) in
        let object = try state.object(sourceID, klass: "workflow")
        _ = try state.copyProject(of: object, for: call.caller, hint: hint, atLeast: .view)
        let editVersion = workflow.editVersion
        workflow = object.workflow ?? WorkflowData()
        workflow.editVersion = editVersion
        return [:]
      }
    }
    router.register("/workflow-xxxx/dryRun") { call throws(DXPlatformError) in try self.dryRun(call) }
    for klass in ["applet", "app", "workflow"] {
      router.register("/\(klass)-xxxx/validateBatch") { call throws(DXPlatformError) in
        try self.validateBatch(call, klass: klass)
      }
    }
  }

  /// The instance-type names the mock accepts: the platform's families (`mem1_ssd1_v2_x4`,
  /// `mem3_ssd1_gpu_x8`, `azure:mem2_ssd1_x2`, …).
  static let instanceTypePattern = #"^(azure:)?mem[1-4]_(ssd|hdd)[0-9]_(v[0-9]_)?(gpu[0-9]?_)?x[0-9]+$"#

  /// Checks every `instanceType` in a stage's `systemRequirements` (`{"*": {"instanceType": …}}` or
  /// by entry point).
  /// - Throws: InvalidInput naming an instance type the platform does not have.
  static func checkInstanceTypes(_ requirements: DXJSON?) throws(DXPlatformError) {
    for (entry, value) in requirements?.objectValue ?? [:] {
      guard let type = value["instanceType"] else { continue }
      guard let name = type.stringValue,
        name.range(of: instanceTypePattern, options: .regularExpression) != nil
      else {
        throw .invalidInput("The instance type \(type) requested for \(entry) is not a valid instance type")
      }
    }
  }

  /// The workflow a call names, readable by the caller.
  static func readableWorkflow(_ call: APICall, state: PlatformState) throws(DXPlatformError)
    -> (DataObjectState, WorkflowData)
  {
    let object = try state.object(call.target, klass: "workflow")
    _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)
    return (object, object.workflow ?? WorkflowData())
  }

  /// Resolves a run input key (`<stage ID>.<name>`, `<index>.<name>`, `<stage name>.<name>`, or a
  /// workflow input) to the stage's ID and the input name.
  /// - Throws: InvalidInput for an unknown stage or an input the stage's executable lacks.
  static func stageInput(_ key: String, in workflow: WorkflowData, state: PlatformState)
    throws(DXPlatformError)
    -> (String?, String)
  {
    guard let dot = key.firstIndex(of: ".") else {
      let declared = (workflow.inputs?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
      guard declared.contains(key) else {
        throw .invalidInput("The input \(key) is not an input of the workflow; use <stage>.<input>")
      }
      return (nil, key)
    }
    let stageKey = String(key[..<dot])
    let name = String(key[key.index(after: dot)...])
    let stage =
      workflow.stages.first { $0["id"]?.stringValue == stageKey }
      ?? Int(stageKey).flatMap { workflow.stages.indices.contains($0) ? workflow.stages[$0] : nil }
      ?? workflow.stages.first { $0["name"]?.stringValue == stageKey }
    guard let stage, let stageID = stage["id"]?.stringValue else {
      throw .invalidInput("The workflow has no stage \(stageKey) (input \(key))")
    }
    let executable = stage["executable"]?.stringValue ?? ""
    let names = state.executableSpec(executable, key: "inputSpec").compactMap { $0["name"]?.stringValue }
    guard names.contains(name) else {
      throw .invalidInput("The stage \(stageKey) (\(executable)) has no input named \(name)")
    }
    return (stageID, name)
  }

  /// What a run of the workflow would make, without running it: `{"id": "analysis-…", "class",
  /// "workflow", "name", "stages": [{"id": <stage>, "execution": {"id": "job-…", "name", "executable",
  /// "input", …}}]}`; no stage reuses an earlier analysis in the mock.
  private func dryRun(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let runInput = try input.object("input") ?? [:]
    let name = try input.string("name")
    let project = try input.string("project")
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let (object, workflow) = try Self.readableWorkflow(call, state: state)
      if let project { _ = try state.project(project, for: call.caller, atLeast: .contribute) }
      var byStage: [String: [String: DXJSON]] = [:]
      for (key, value) in runInput {
        let (stage, field) = try Self.stageInput(key, in: workflow, state: state)
        if let stage { byStage[stage, default: [:]][field] = value }
      }
      let seed =
        "\(object.id) \(workflow.editVersion) \(DXJSON.object(runInput).serializedString(sortedKeys: true))"
      let analysis = DXMockFixtures.derivedID("analysis", from: seed)
      var stages: [DXJSON] = []
      for (position, stage) in workflow.stages.enumerated() {
        guard let stageID = stage["id"]?.stringValue else { continue }
        let executable = stage["executable"]?.stringValue ?? ""
        var merged = stage["input"]?.objectValue ?? [:]
        merged.merge(byStage[stageID] ?? [:]) { $1 }
        let execution: DXJSON = [
          "id": .string(DXMockFixtures.derivedID("job", from: "\(seed) \(position)")), "class": "job",
          "name": stage["name"].flatMap(\.stringValue).map(DXJSON.string) ?? .string(executable),
          "executable": .string(executable), "stage": .string(stageID), "input": .object(merged),
          "parentAnalysis": .string(analysis), "state": "idle",
        ]
        stages.append(["id": .string(stageID), "execution": execution])
      }
      let copyName = object.copies.values.first?.name ?? object.id
      return [
        "id": .string(analysis), "class": "analysis", "name": .string(name ?? copyName),
        "workflow": .string(object.id), "stages": .array(stages), "state": "idle",
      ]
    }
  }

  /// `{batchInput: {name: [values…]}, commonInput?: {…}}` → `{"expandedBatch": [input, …]}`: one input
  /// per position, the common inputs in each. Every name must be an input of the executable and every
  /// list as long as the others.
  private func validateBatch(_ call: APICall, klass: String) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let batch = try input.object("batchInput"), !batch.isEmpty else {
      throw .invalidInput("Expected input to have the field \"batchInput\" (input names to arrays of values)")
    }
    let common = try input.object("commonInput") ?? [:]
    var length: Int?
    for (name, values) in batch {
      guard let list = values.arrayValue else {
        throw .invalidInput("Expected \"batchInput.\(name)\" to be an array of values")
      }
      if let length, length != list.count {
        throw .invalidInput(
          "Every array in \"batchInput\" must have the same length (\(name) has \(list.count))")
      }
      length = list.count
    }
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let names = Set(batch.keys).union(common.keys)
      switch klass {
      case "workflow":
        let (_, workflow) = try Self.readableWorkflow(call, state: state)
        for name in names.sorted() { _ = try Self.stageInput(name, in: workflow, state: state) }
      case "app":
        let app = try state.app(call.target, alias: call.alias, for: call.caller)
        try Self.checkInputNames(names, spec: app.spec.inputSpec, of: app.id)
      default:
        let object = try state.object(call.target, klass: "applet")
        _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)
        try Self.checkInputNames(names, spec: object.applet?.inputSpec, of: object.id)
      }
      var expanded: [DXJSON] = []
      for position in 0..<(length ?? 0) {
        var entry = common
        for (name, values) in batch { entry[name] = values[position] ?? .null }
        expanded.append(.object(entry))
      }
      return ["expandedBatch": .array(expanded)]
    }
  }

  private static func checkInputNames(_ names: Set<String>, spec: DXJSON?, of executable: String)
    throws(DXPlatformError)
  {
    let known = Set((spec?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
    for name in names.sorted() where !known.contains(name) {
      throw .invalidInput("\(executable) has no input named \(name)")
    }
  }
}
