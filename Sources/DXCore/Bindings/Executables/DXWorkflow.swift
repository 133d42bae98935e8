/// A handle to a workflow (dxpy's `DXWorkflow`): a data object whose stages run as an analysis.
///
/// Editing calls carry the workflow's `editVersion`; when none is given the workflow is described first
/// to read it (dxpy reads it from the handle's cached description).
public struct DXWorkflow: DXEditableDataObject {
  /// `"workflow"`.
  public static let idClass = "workflow"
  /// The workflow ID.
  public let id: String
  /// The project, or `nil`.
  public let project: String?
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id` in `project` (default ``DXClient/defaultProject``).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` for a malformed ID.
  public init(_ id: String, project: String? = nil, client: DXClient) throws(DXBindingError) {
    (self.id, self.project) = try Self.checkedIDs(id, project, client)
    self.client = client
  }

  /// Creates a workflow (dxpy's `new_dxworkflow`): `workflow/new` with a nonce.
  /// - Parameters:
  ///   - title: Sent when given.
  ///   - summary: Sent when given.
  ///   - description: Sent when given.
  ///   - outputFolder: Sent when given.
  ///   - stages: Initial stages, in the API's form.
  ///   - inputs: Workflow-level inputs (a locked workflow).
  ///   - outputs: Workflow-level outputs.
  ///   - initializeFrom: A workflow (its project is sent too) or an analysis ID to copy from.
  ///   - options: The common creation fields.
  ///   - client: The client.
  ///   - requestOptions: Headers, timeout, retries.
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` when `initializeFrom` is neither.
  public static func new(
    title: String? = nil, summary: String? = nil, description: String? = nil, outputFolder: String? = nil,
    stages: DXJSON? = nil, inputs: DXJSON? = nil, outputs: DXJSON? = nil,
    initializeFrom: (any DXHandle)? = nil,
    options: DXNewObjectOptions = .init(), client: DXClient, requestOptions: DXRequestOptions = .init()
  ) async throws -> DXWorkflow {
    var (input, project) = options.input(client: client)
    if let initializeFrom {
      if let workflow = initializeFrom as? DXWorkflow {
        input["initializeFrom"] = [
          "id": .string(workflow.id), "project": workflow.project.map(DXJSON.string) ?? .null,
        ]
      } else if initializeFrom is DXAnalysis {
        input["initializeFrom"] = ["id": .string(initializeFrom.id)]
      } else {
        throw DXBindingError.invalidArgument(
          "Expected init_from to be an instance of DXWorkflow or DXAnalysis, or to be a string analysis ID.")
      }
    }
    if let title { input["title"] = .string(title) }
    if let summary { input["summary"] = .string(summary) }
    if let description { input["description"] = .string(description) }
    if let outputFolder { input["outputFolder"] = .string(outputFolder) }
    if let stages { input["stages"] = stages }
    if let inputs { input["inputs"] = inputs }
    if let outputs { input["outputs"] = outputs }
    let reply = try await client.call("/workflow/new", .object(input), nonce: true, options: requestOptions)
    return try DXWorkflow(try reply.requiredString("id"), project: project, client: client)
  }

  // MARK: - Stages

  /// The workflow's stages, from a fresh description.
  public func stages(options: DXRequestOptions = .init()) async throws -> [DXJSON] {
    try await describe(options: options).raw["stages"]?.arrayValue ?? []
  }

  /// The stage named by ID, name or index (dxpy's `get_stage`).
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` when there is no such stage.
  public func stage(_ stage: DXWorkflowStage, options: DXRequestOptions = .init()) async throws -> DXJSON {
    let stages = try await stages(options: options)
    let id = try stage.resolve(in: stages)
    guard let found = stages.first(where: { $0["id"]?.stringValue == id }) else {
      throw DXBindingError.invalidArgument("The stage ID \(id) could not be found")
    }
    return found
  }

  private func editVersion(_ given: Int?, options: DXRequestOptions) async throws -> (Int, [DXJSON]) {
    let description = try await describe(options: options).raw
    let stages = description["stages"]?.arrayValue ?? []
    if let given { return (given, stages) }
    guard let version = description["editVersion"]?.intValue else {
      throw DXBindingError.malformedReply("the workflow description has no editVersion")
    }
    return (version, stages)
  }

  /// Adds a stage running `executable` (an applet or app ID) and returns its ID (dxpy's `add_stage`).
  @discardableResult
  public func addStage(
    executable: String, stageID: String? = nil, name: String? = nil, folder: String? = nil,
    input: DXJSON? = nil, instanceType: DXInstanceType? = nil, editVersion: Int? = nil,
    options: DXRequestOptions = .init()
  ) async throws -> String {
    var request: [String: DXJSON] = ["executable": .string(executable)]
    if let stageID { request["id"] = .string(stageID) }
    if let name { request["name"] = .string(name) }
    if let folder { request["folder"] = .string(folder) }
    if let input { request["input"] = input }
    if let instanceType { request["systemRequirements"] = instanceType.systemRequirements() }
    request["editVersion"] = .integer(try await self.editVersion(editVersion, options: options).0)
    return try await call("addStage", .object(request), options: options).requiredString("stage")
  }

  /// Removes a stage and returns its ID (dxpy's `remove_stage`).
  @discardableResult
  public func removeStage(
    _ stage: DXWorkflowStage, editVersion: Int? = nil, options: DXRequestOptions = .init()
  )
    async throws -> String
  {
    let (version, stages) = try await self.editVersion(editVersion, options: options)
    let stageID = try stage.resolve(in: stages)
    _ = try await call(
      "removeStage", ["stage": .string(stageID), "editVersion": .integer(version)], options: options)
    return stageID
  }

  /// Moves a stage to `newIndex` (dxpy's `move_stage`).
  public func moveStage(
    _ stage: DXWorkflowStage, to newIndex: Int, editVersion: Int? = nil, options: DXRequestOptions = .init()
  ) async throws {
    let (version, stages) = try await self.editVersion(editVersion, options: options)
    let stageID = try stage.resolve(in: stages)
    let input: DXJSON = [
      "stage": .string(stageID), "newIndex": .integer(newIndex), "editVersion": .integer(version),
    ]
    _ = try await call("moveStage", input, options: options)
  }

  /// Updates workflow fields (dxpy's `update`): `changes` in the API's names (`title`, `summary`,
  /// `description`, `outputFolder`, `stages`, `inputs`, `outputs`; `null` unsets). Nothing is sent for
  /// no changes.
  public func update(
    _ changes: [String: DXJSON], editVersion: Int? = nil, options: DXRequestOptions = .init()
  )
    async throws
  {
    guard !changes.isEmpty else { return }
    var input = changes
    input["editVersion"] = .integer(try await self.editVersion(editVersion, options: options).0)
    _ = try await call("update", .object(input), options: options)
  }

  /// Updates one stage (dxpy's `update_stage`): its executable (`updateStageExecutable`, with
  /// `force`), then its name, folder, input and instance type (`update`).
  public func updateStage(
    _ stage: DXWorkflowStage, executable: String? = nil, force: Bool = false, name: String?? = nil,
    folder: String?? = nil, input: DXJSON? = nil, instanceType: DXInstanceType? = nil,
    editVersion: Int? = nil,
    options: DXRequestOptions = .init()
  ) async throws {
    var (version, stages) = try await self.editVersion(editVersion, options: options)
    let stageID = try stage.resolve(in: stages)
    if let executable {
      let request: DXJSON = [
        "stage": .string(stageID), "executable": .string(executable), "force": .bool(force),
        "editVersion": .integer(version),
      ]
      _ = try await call("updateStageExecutable", request, options: options)
      if editVersion == nil { (version, stages) = try await self.editVersion(nil, options: options) }
    }
    var changes: [String: DXJSON] = [:]
    if let name { changes["name"] = name.map(DXJSON.string) ?? .null }
    if let folder { changes["folder"] = folder.map(DXJSON.string) ?? .null }
    if let input { changes["input"] = input }
    if let instanceType { changes["systemRequirements"] = instanceType.systemRequirements() }
    guard !changes.isEmpty else { return }
    let request: DXJSON = ["stages": [stageID: .object(changes)], "editVersion": .integer(version)]
    _ = try await call("update", request, options: options)
  }

  // MARK: - Running

  /// The run input: stage-qualified input names (`"0.reads"`, `"align.reads"`) resolved to stage IDs,
  /// and the stage options (dxpy's `_get_run_input`).
  func runInput(_ input: DXJSON, _ run: DXRunOptions, options: DXRequestOptions) async throws -> DXJSON {
    let members = input.objectValue ?? [:]
    let needsStages =
      members.keys.contains { $0.contains(".") } || run.stageInstanceTypes != nil || run.stageFolders != nil
      || run.rerunStages != nil || run.ignoreReuseStages != nil
    let stages = needsStages ? try await self.stages(options: options) : []
    func stageID(_ name: String) throws(DXBindingError) -> String {
      name == "*" ? name : try DXWorkflowStage.named(name).resolve(in: stages)
    }
    var effective: [String: DXJSON] = [:]
    for (key, value) in members {
      var name = key
      if let dot = key.firstIndex(of: ".") {
        name = try stageID(String(key[..<dot])) + key[dot...]
      }
      guard effective[name] == nil else {
        throw DXBindingError.invalidArgument("DXWorkflow: the input for \(name) was provided more than once")
      }
      effective[name] = value
    }
    var request = run.commonInput(input.objectValue == nil ? input : .object(effective), client: client)
    if let types = run.stageInstanceTypes {
      var requirements: [String: DXJSON] = [:]
      for (stage, type) in types { requirements[try stageID(stage)] = type.systemRequirements() }
      request["stageSystemRequirements"] = .object(requirements)
    }
    if let folders = run.stageFolders {
      var result: [String: DXJSON] = [:]
      for (stage, folder) in folders { result[try stageID(stage)] = .string(folder) }
      request["stageFolders"] = .object(result)
    }
    if let rerun = run.rerunStages {
      request["rerunStages"] = .array(try rerun.map { .string(try stageID($0)) })
    }
    if run.ignoreReuse == true { request["ignoreReuse"] = ["*"] }
    if let stagesToIgnore = run.ignoreReuseStages {
      request["ignoreReuse"] = .array(try stagesToIgnore.map { .string(try stageID($0)) })
    }
    return .object(request)
  }

  /// Runs the workflow (dxpy's `run`): `workflow-xxxx/run` with a nonce.
  /// - Parameters:
  ///   - input: The input; `"<stage>.<name>"` keys name a stage by ID, name or index.
  ///   - run: Where and how to run.
  ///   - options: Headers, timeout, retries.
  /// - Returns: The new analysis.
  public func run(_ input: DXJSON, _ run: DXRunOptions = .init(), options: DXRequestOptions = .init())
    async throws
    -> DXAnalysis
  {
    let request = try await runInput(input, run, options: options)
    let reply = try await client.call("/\(id)/run", request, nonce: true, options: options)
    return try DXAnalysis(try reply.requiredString("id"), client: client)
  }
}
