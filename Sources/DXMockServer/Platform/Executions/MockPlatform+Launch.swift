import DXWire

/// An executable a job runs: an applet or an app version.
struct ExecutableInfo: Sendable {
  var id: String
  var name: String
  var applet: String?
  var app: String?
  var appName: String?
  var appVersion: String?
  var spec: AppletData
}

/// Where a new job goes in the execution tree.
struct JobPlacement: Sendable {
  var project: String
  var folder: String
  var parentJob: String?
  /// The origin job, or `nil` when the new job is its own origin.
  var originJob: String?
  /// The root execution, or `nil` when the new job is the root.
  var rootExecution: String?
  var parentAnalysis: String?
  var analysis: String?
  var stage: String?
  /// The workspace to share (sub-jobs), or `nil` for a new one.
  var workspace: String?
  var function = "main"
  /// `systemRequirementsByExecutable` inherited from the tree above.
  var inheritedByExecutable: [String: DXJSON] = [:]
}

// MARK: - Creating jobs and analyses

extension MockPlatform {
  /// The job a call's token belongs to (code running inside that job), or `nil` for a user's token.
  static func callingJob(_ call: APICall, in state: PlatformState) -> ExecutionState? {
    guard let token = APIPipeline.bearerToken(call.request.headers["Authorization"]),
      let id = state.executions.jobByToken[token]
    else { return nil }
    return state.executions[id]
  }

  /// The applet or app a run route names, which `user` must be able to see.
  /// - Throws: ResourceNotFound, InvalidType or PermissionDenied.
  static func executable(_ call: APICall, state: PlatformState) throws(DXPlatformError) -> ExecutableInfo {
    if call.target.hasPrefix("applet-") {
      let object = try state.object(call.target, klass: "applet")
      let project = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)
      guard let spec = object.applet else {
        throw .internalError("The applet \(call.target) has no specification")
      }
      return ExecutableInfo(
        id: object.id, name: object.copies[project]?.name ?? object.id, applet: object.id, spec: spec)
    }
    let app = try state.app(call.target, alias: call.alias, for: call.caller)
    guard !app.deleted else { throw .resourceNotFound("The app \(app.id) has been deleted") }
    return ExecutableInfo(
      id: app.id, name: app.name, app: app.id, appName: app.name, appVersion: app.version, spec: app.spec)
  }

  /// The applet or app a workflow stage names (an ID, or `app-name[/alias]`).
  static func stageExecutable(_ text: String, for user: String, state: PlatformState) throws(DXPlatformError)
    -> ExecutableInfo
  {
    var target = text
    var alias: String?
    if text.hasPrefix("app-"), let slash = text.firstIndex(of: "/") {
      target = String(text[..<slash])
      alias = String(text[text.index(after: slash)...])
    }
    let request = DXMockRequest(method: "POST", path: "/\(text)/run")
    let call = APICall(
      request: request, caller: user, target: target, alias: alias, method: "run", input: [:])
    return try executable(call, state: state)
  }

  /// Creates a job of `executable` for `caller` placed by `placement`, starts it, and returns its ID.
  /// - Parameters:
  ///   - id: A job ID reserved earlier (stage jobs), or `nil` for a new one.
  ///   - checkSpec: Whether to check the input against the `inputSpec` (not for sub-jobs).
  /// - Throws: InvalidInput, ResourceNotFound or PermissionDenied before anything is created.
  func createJob(
    _ executable: ExecutableInfo, _ request: RunRequest, placement: JobPlacement, caller: String,
    id reserved: String? = nil, checkSpec: Bool = true, state: inout PlatformState
  ) throws(DXPlatformError) -> String {
    let project = try state.project(placement.project, for: caller, atLeast: .contribute)
    let originalInput =
      checkSpec
      ? try ExecutionInputCheck.check(request.input, against: executable.spec.inputSpec) : request.input
    try Self.checkLinks(.object(originalInput), for: caller, state: state)
    for dependency in request.dependsOn {
      guard state.executions[dependency] != nil || state.objects[dependency] != nil else {
        throw .resourceNotFound("The entity \(dependency) in \"dependsOn\" could not be found")
      }
    }
    var byExecutable = placement.inheritedByExecutable
    for (key, value) in request.systemRequirementsByExecutable ?? [:] { byExecutable[key] = value }
    let requirements = Self.mergeRequirements(
      applet: executable.spec.runSpec["systemRequirements"]?.objectValue ?? [:],
      run: request.systemRequirements ?? [:],
      byExecutable: byExecutable[executable.id]?.objectValue ?? [:], function: placement.function)
    let now = store.now()
    let subject = ExecutionSubject(
      executable: executable.id, executableName: executable.name, appName: executable.appName,
      appVersion: executable.appVersion, function: placement.function, input: .object(originalInput))
    let plan =
      executionRules.plan(
        for: subject, defaultDuration: configuration.jobDuration,
        defaultDescribes: configuration.jobDescribes,
        now: now)
      ?? ExecutionPlan(durationMs: configuration.jobDuration, describes: configuration.jobDescribes)
    let id = reserved ?? state.newID("job")
    let token = state.newID("token")
    var workspace = placement.workspace
    if workspace == nil {
      let container = state.newID("container")
      var box = ProjectState(
        id: container, klass: "container", name: "\(id) workspace", created: now, modified: now,
        createdBy: caller, billTo: project.billTo)
      box.region = project.region
      box.members = [caller: .administer]
      state.insertProject(box)
      workspace = container
    }
    let defaultName =
      placement.function == "main" ? executable.name : "\(executable.name):\(placement.function)"
    var job = ExecutionState(
      id: id, klass: "job", name: request.name ?? defaultName, executable: executable.id,
      executableName: executable.name, project: project.id, folder: placement.folder, state: "idle",
      created: now, modified: now, launchedBy: caller, rootExecution: placement.rootExecution ?? id,
      billTo: project.billTo, region: project.region, plan: plan)
    job.transitions = [ExecutionTransition(newState: "idle", setAt: now)]
    job.app = executable.app
    job.applet = executable.applet
    job.workspace = workspace
    job.parentJob = placement.parentJob
    job.originJob = placement.originJob ?? id
    job.parentAnalysis = placement.parentAnalysis
    job.analysis = placement.analysis
    job.stage = placement.stage
    job.function = placement.function
    job.take(request, originalInput: originalInput)
    job.systemRequirements = [placement.function: .object(requirements)]
    job.instanceType = requirements["instanceType"]?.stringValue ?? Self.defaultInstanceType
    job.runSystemRequirements = request.systemRequirements.map(DXJSON.object)
    job.runSystemRequirementsByExecutable = request.systemRequirementsByExecutable.map(DXJSON.object)
    job.mergedSystemRequirementsByExecutable = byExecutable.isEmpty ? nil : .object(byExecutable)
    job.executionPolicy = request.executionPolicy
    job.ignoreReuse = request.ignoreReuse?.boolValue ?? executable.spec.ignoreReuse
    job.detach = request.detach ?? false
    job.allowSSH = request.allowSSH
    job.rank = request.rank
    job.tokens = [token]
    state.executions.insert(job)
    if let parent = placement.parentJob { state.executions.update(parent) { $0.children.append(id) } }
    state.startExecution(id, at: now)
    return id
  }

  /// The instance type a job gets when nothing asks for one.
  static let defaultInstanceType = "mem2_ssd1_v2_x2"

  /// A job's system requirements for `function`: the applet's `runSpec.systemRequirements`, then the
  /// run's `systemRequirements`, then its executable's `systemRequirementsByExecutable` entry, each
  /// `"*"` first and the function's own entry after; later keys win, other keys (`nvidiaDriver`,
  /// `instanceTypeSelector`, …) are kept.
  static func mergeRequirements(
    applet: [String: DXJSON], run: [String: DXJSON], byExecutable: [String: DXJSON], function: String
  ) -> [String: DXJSON] {
    var merged: [String: DXJSON] = [:]
    for layer in [applet, run, byExecutable] {
      for entry in ["*", function] {
        for (key, value) in layer[entry]?.objectValue ?? [:] {
          // A requested instance type replaces a selector from a lower layer and the other way round.
          if key == "instanceType" { merged["instanceTypeSelector"] = nil }
          if key == "instanceTypeSelector" { merged["instanceType"] = nil }
          merged[key] = value
        }
      }
    }
    return merged
  }

  /// Checks that every data-object link in `value` names an object `user` can see and every job- or
  /// analysis-based reference an existing execution.
  /// - Throws: ResourceNotFound or PermissionDenied.
  static func checkLinks(_ value: DXJSON, for user: String, state: PlatformState) throws(DXPlatformError) {
    switch value {
    case .object(let members):
      if members.count == 1, let link = members["$dnanexus_link"] {
        if let source = link["job"]?.stringValue ?? link["analysis"]?.stringValue {
          guard state.executions[source] != nil else {
            throw .resourceNotFound("The entity \(source) in a job-based object reference could not be found")
          }
          guard link["field"]?.stringValue != nil else {
            throw .invalidInput("A job-based object reference must have a string \"field\"")
          }
          return
        }
        if let id = link.stringValue ?? link["id"]?.stringValue {
          let object = try state.object(id)
          _ = try state.copyProject(of: object, for: user, hint: link["project"]?.stringValue, atLeast: .view)
          return
        }
      }
      for key in members.keys.sorted() {
        if let member = members[key] { try checkLinks(member, for: user, state: state) }
      }
    case .array(let elements):
      for element in elements { try checkLinks(element, for: user, state: state) }
    default:
      break
    }
  }
}
