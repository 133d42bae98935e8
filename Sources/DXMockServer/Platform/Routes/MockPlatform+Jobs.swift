import DXWire
import Foundation

// MARK: - Running applets and apps, /job/new, and the job-xxxx and analysis-xxxx methods

extension MockPlatform {
  func registerJobRoutes(into router: inout PlatformRouter) {
    for route in ["/applet-xxxx/run", "/app-xxxx/run"] {
      router.register(route) { call throws(DXPlatformError) in try self.runExecutable(call) }
    }
    router.register("/job/new") { call throws(DXPlatformError) in try self.newSubJob(call) }
    registerExecutionMethods(klass: "job", into: &router)
    // The log is a WebSocket stream (JobLogStream); a plain POST learns where it is.
    router.register("/job-xxxx/getLog") { call throws(DXPlatformError) in
      try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let job = try Self.execution(call, klass: "job", state: state)
        try Self.requireAccess(to: job, for: call.caller, atLeast: .view, state: state)
      }
      throw .invalidInput(
        "The log of \(call.target) is a WebSocket stream: GET /\(call.target)/getLog/websocket")
    }
  }

  /// The methods jobs and analyses share: `describe`, `addTags`, `removeTags`, `setProperties`,
  /// `terminate`, `update` and `getIdentityToken`.
  func registerExecutionMethods(klass: String, into router: inout PlatformRouter) {
    router.register("/\(klass)-xxxx/describe") { call throws(DXPlatformError) in
      let options = try PlatformState.ExecutionDescribeOptions(call.input, field: "input")
      return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
        let execution = try Self.execution(call, klass: klass, state: state)
        try Self.requireAccess(to: execution, for: call.caller, atLeast: .view, state: state)
        state.countDescribe(execution.id, now: self.store.now())
        guard let current = state.executions[execution.id] else { return .null }
        return state.describe(current, options: options)
      }
    }
    router.register("/\(klass)-xxxx/addTags") { call throws(DXPlatformError) in
      let tags = try Self.requiredTags(Self.input(call))
      return try self.editExecution(call, klass: klass) { execution, _ in Self.add(tags, to: &execution.tags)
      }
    }
    router.register("/\(klass)-xxxx/removeTags") { call throws(DXPlatformError) in
      let tags = try Self.requiredTags(Self.input(call))
      return try self.editExecution(call, klass: klass) { execution, _ in
        execution.tags.removeAll { tags.contains($0) }
      }
    }
    router.register("/\(klass)-xxxx/setProperties") { call throws(DXPlatformError) in
      guard let properties = try Self.input(call).properties("properties", allowNull: true) else {
        throw .invalidInput("Expected input to have the field \"properties\"")
      }
      return try self.editExecution(call, klass: klass) { execution, _ in
        Self.apply(properties, to: &execution.properties)
      }
    }
    router.register("/\(klass)-xxxx/update") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let name = try input.string("name")
      if let name, name.isEmpty { throw .invalidInput("\"name\" must not be empty") }
      let allowSSH = try input.strings("allowSSH")
      let rank = try input.int("rank", in: PlatformLimits.rankRange)
      var costLimit: Double?
      if let value = input.fields["costLimit"], !value.isNull {
        guard let limit = value.doubleValue, limit >= 0 else {
          throw .invalidInput("\"costLimit\" must be a non-negative number")
        }
        costLimit = limit
      }
      return try self.editExecution(call, klass: klass) { execution, _ in
        if let name { execution.name = name }
        if let allowSSH { execution.allowSSH = allowSSH }
        if let rank { execution.rank = rank }
        if let costLimit { execution.costLimit = costLimit }
      }
    }
    router.register("/\(klass)-xxxx/terminate") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
        let execution = try Self.execution(call, klass: klass, state: state)
        if execution.launchedBy != call.caller {
          try Self.requireAccess(to: execution, for: call.caller, atLeast: .administer, state: state)
        }
        guard !execution.isTerminal else {
          throw .invalidState("\(execution.id) is already \(execution.state), so it cannot be terminated")
        }
        state.terminate(execution.id, at: self.store.now(), by: call.caller)
        return ["id": .string(execution.id)]
      }
    }
    router.register("/\(klass)-xxxx/getIdentityToken") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let audience = try input.requiredString("audience")
      guard !audience.isEmpty else { throw .invalidInput("\"audience\" must not be empty") }
      let claims = try input.strings("subject_claims") ?? []
      return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
        let execution = try Self.execution(call, klass: klass, state: state)
        let ownToken = Self.callingJob(call, in: state)?.id == execution.id
        guard ownToken || execution.launchedBy == call.caller else {
          throw .permissionDenied(
            "Only \(execution.id) itself or the user who launched it can get its identity token")
        }
        guard !execution.isTerminal else {
          throw .invalidState(
            "\(execution.id) is \(execution.state); identity tokens are for running executions")
        }
        let now = self.store.now()
        let token = Self.identityToken(
          for: execution, audience: audience, claims: claims, nonce: state.newID("token"), now: now)
        state.executions.update(execution.id) { $0.tokens.append(token) }
        return ["Token": .string(token)]
      }
    }
  }

  // MARK: - Runs

  private func runExecutable(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let request = try RunRequest(Self.input(call), kind: .executable)
    return try withNonce(call, route: "/\(call.target)\(call.alias.map { "/" + $0 } ?? "")/run") {
      (state: inout PlatformState) throws(DXPlatformError) in
      let found = try Self.executable(call, state: state)
      let caller = Self.callingJob(call, in: state)
      let parent = request.detach == true ? nil : caller
      guard let project = request.project ?? caller?.project else {
        throw .invalidInput("Expected input to have the field \"project\"")
      }
      _ = try state.project(project, for: call.caller, atLeast: .contribute)
      let executable = try Self.inRegion(found, of: project, state: state)
      var placement = JobPlacement(project: project, folder: request.folder ?? "/")
      placement.parentJob = parent?.id
      placement.rootExecution = parent?.rootExecution
      placement.inheritedByExecutable = parent?.mergedSystemRequirementsByExecutable?.objectValue ?? [:]
      let id = try self.createJob(
        executable, request, placement: placement, caller: call.caller, state: &state)
      return ["id": .string(id)]
    }
  }

  private func newSubJob(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let request = try RunRequest(Self.input(call), kind: .subJob)
    return try withNonce(call, route: "/job/new") { (state: inout PlatformState) throws(DXPlatformError) in
      guard let parent = Self.callingJob(call, in: state) else {
        throw .permissionDenied(
          "/job/new creates a sub-job of the calling job: call it with the job's token (DX_SECURITY_CONTEXT inside the job)"
        )
      }
      guard !parent.isTerminal else { throw .invalidState("\(parent.id) is \(parent.state)") }
      let executable = try Self.executableInfo(of: parent, state: state)
      var placement = JobPlacement(project: parent.project, folder: request.folder ?? parent.folder)
      placement.parentJob = parent.id
      placement.originJob = parent.originJob
      placement.rootExecution = parent.rootExecution
      placement.parentAnalysis = parent.parentAnalysis
      placement.workspace = parent.workspace
      placement.function = request.function ?? "main"
      placement.inheritedByExecutable = parent.mergedSystemRequirementsByExecutable?.objectValue ?? [:]
      let id = try self.createJob(
        executable, request, placement: placement, caller: parent.launchedBy, checkSpec: false, state: &state)
      return ["id": .string(id)]
    }
  }

  /// The applet or app a job runs.
  /// - Throws: InternalError when it no longer exists.
  static func executableInfo(of job: ExecutionState, state: PlatformState) throws(DXPlatformError)
    -> ExecutableInfo
  {
    if let id = job.app, let app = state.apps[id] {
      return ExecutableInfo(
        id: app.id, name: app.name, app: app.id, appName: app.name, appVersion: app.version, spec: app.spec)
    }
    if let id = job.applet, let spec = state.objects[id]?.applet {
      return ExecutableInfo(id: id, name: job.executableName, applet: id, spec: spec)
    }
    throw .resourceNotFound("The executable \(job.executable) of \(job.id) could not be found")
  }

  // MARK: - Helpers

  /// The execution a call names, which must be of `klass`.
  /// - Throws: ResourceNotFound.
  static func execution(_ call: APICall, klass: String, state: PlatformState) throws(DXPlatformError)
    -> ExecutionState
  {
    guard let execution = state.executions[call.target], execution.klass == klass else {
      throw .resourceNotFound("The entity \(call.target) could not be found")
    }
    return execution
  }

  /// Checks that `user` has at least `minimum` in the execution's project.
  /// - Throws: PermissionDenied.
  static func requireAccess(
    to execution: ExecutionState, for user: String, atLeast minimum: AccessLevel, state: PlatformState
  ) throws(DXPlatformError) {
    guard let level = state.level(of: user, in: execution.project), level >= minimum else {
      throw .permissionDenied(
        "\(minimum.name) permission required in \(execution.project) to perform this action on \(execution.id)"
      )
    }
  }

  /// Changes an execution's metadata: the launching user or CONTRIBUTE in its project.
  func editExecution(
    _ call: APICall, klass: String, _ change: @escaping (inout ExecutionState, Int) -> Void
  ) throws(DXPlatformError) -> DXJSON {
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let execution = try Self.execution(call, klass: klass, state: state)
      if execution.launchedBy != call.caller {
        try Self.requireAccess(to: execution, for: call.caller, atLeast: .contribute, state: state)
      }
      let now = store.now()
      state.executions.update(execution.id) { execution in
        change(&execution, now)
        execution.modified = now
      }
      return ["id": .string(execution.id)]
    }
  }

  /// A JWT-shaped identity token for `execution` (unsigned: the mock accepts it as that job's token).
  static func identityToken(
    for execution: ExecutionState, audience: String, claims: [String], nonce: String, now: Int
  ) -> String {
    func encode(_ json: DXJSON) -> String {
      Data(json.serializedData()).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
    let header: DXJSON = ["alg": "none", "typ": "JWT"]
    var payload: [String: DXJSON] = [
      "iss": "https://job-oidc.dnanexus.com", "aud": .string(audience), "job_id": .string(execution.id),
      "launched_by": .string(execution.launchedBy), "project_id": .string(execution.project),
      "iat": .integer(now / 1000), "exp": .integer(now / 1000 + 300), "jti": .string(nonce),
    ]
    let subjectParts = claims.isEmpty ? ["launched_by", "job_id"] : claims
    payload["sub"] = .string(
      subjectParts.map { "\($0);\(payload[$0]?.stringValue ?? "")" }.joined(separator: ";"))
    return encode(header) + "." + encode(.object(payload)) + ".mock"
  }
}
