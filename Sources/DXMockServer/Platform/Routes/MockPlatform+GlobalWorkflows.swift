import DXWire

// MARK: - /globalworkflow/new, the globalworkflow-xxxx routes and /system/findGlobalWorkflows

extension MockPlatform {
  func registerGlobalWorkflowRoutes(into router: inout PlatformRouter) {
    router.register("/system/findGlobalWorkflows") { call throws(DXPlatformError) in
      var query = try AppQuery(Self.input(call), route: "findGlobalWorkflows")
      query.name = try self.resolveNames(query.name) { state in Set(state.globalWorkflows.families.keys) }
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        query.run(.globalWorkflows, on: state, for: call.caller)
      }
    }
    router.register("/globalworkflow/new") { call throws(DXPlatformError) in try self.globalWorkflowNew(call)
    }
    router.register("/globalworkflow-xxxx/describe") { call throws(DXPlatformError) in
      let options = try PlatformState.DescribeOptions(call.input)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let version = try state.globalExecutable(
          .globalWorkflows, call.target, alias: call.alias, for: call.caller)
        return state.describe(version, for: call.caller, options: options)
      }
    }
    registerSharedExecutableRoutes(.globalWorkflows, into: &router)
    router.register("/globalworkflow-xxxx/run") { call throws(DXPlatformError) in
      try self.runGlobalWorkflow(call)
    }
    router.register("/globalworkflow-xxxx/update") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let fields = try GlobalWorkflowFields(input)
      return try self.editExecutable(.globalWorkflows, call, what: "update") {
        version, _, _, _ throws(DXPlatformError) in
        guard version.published == 0 else {
          throw .invalidState(
            "\(version.name) version \(version.version) is published, so it cannot be updated")
        }
        fields.apply(to: &version)
      }
    }
  }

  // MARK: - globalworkflow-xxxx/run

  /// Runs a global workflow: an analysis of its underlying workflow in the project's region (the
  /// input is that workflow's run input), whose `executable` is the global workflow.
  private func runGlobalWorkflow(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let request = try RunRequest(Self.input(call), kind: .workflow)
    return try withNonce(call, route: "/\(call.target)/run") {
      (state: inout PlatformState) throws(DXPlatformError) in
      let global = try state.globalExecutable(
        .globalWorkflows, call.target, alias: call.alias, for: call.caller)
      guard !global.deleted else {
        throw .invalidState("The global workflow \(global.id) has been deleted")
      }
      guard let projectID = request.project ?? Self.callingJob(call, in: state)?.project else {
        throw .invalidInput("Expected input to have the field \"project\"")
      }
      let project = try state.project(projectID, for: call.caller, atLeast: .contribute)
      guard let regional = global.regionalOptions[project.region] else {
        throw .invalidInput(
          "The global workflow \(global.name) is not enabled in the region \(project.region) of "
            + "\(project.id)")
      }
      let workflow = try state.object(regional.workflow, klass: "workflow")
      return try startAnalysis(
        of: workflow, in: regional.container, request, call: call, global: global, state: &state)
    }
  }

  // MARK: - globalworkflow/new

  private func globalWorkflowNew(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let (name, version) = try Self.executableNameAndVersion(input, noun: "global workflow")
    guard let regional = try input.object("regionalOptions"), !regional.isEmpty else {
      throw .invalidInput("Expected input to have the field \"regionalOptions\" (a non-empty object)")
    }
    var workflows: [String: String] = [:]
    for (region, options) in regional {
      guard PlatformRegions.isKnown(region) else {
        throw .invalidInput("\"regionalOptions\" names the unknown region \"\(region)\"")
      }
      guard let workflow = options["workflow"]?.stringValue else {
        throw .invalidInput("Expected \"regionalOptions.\(region)\" to have the field \"workflow\"")
      }
      workflows[region] = workflow
    }
    let fields = try GlobalWorkflowFields(input)
    let categories = try input.strings("categories") ?? []
    let billTo = try input.string("billTo") ?? call.caller
    let developers = try input.strings("developers") ?? []
    let authorized = input.has("authorizedUsers") ? try Self.authorizedUsers(call) : nil
    _ = try input.string("dxapi")
    return try withNonce(call, route: "/globalworkflow/new") {
      (state: inout PlatformState) throws(DXPlatformError) in
      try state.requireBillable(billTo, by: call.caller, what: "a global workflow")
      for region in workflows.keys where !state.permittedRegions(of: billTo).contains(region) {
        throw .invalidInput("\(billTo) is not permitted to use the region \(region)")
      }
      var family =
        state.globalWorkflows.families[name] ?? AppFamily(name: name, developers: [call.caller])
      guard family.isDeveloper(call.caller) else {
        throw .permissionDenied(
          "Only developers of the global workflow \(name) can create new versions of it")
      }
      let versions = state.globalWorkflows.versions(named: name)
      if versions.contains(where: { $0.version == version }) {
        throw .invalidInput("Specified name and version conflict with an existing alias")
      }
      for user in developers where !state.isKnownPrincipal(user) {
        throw .resourceNotFound("The user \(user) could not be found")
      }
      // Check every region before changing anything.
      var sources: [(String, DataObjectState)] = []
      for region in workflows.keys.sorted() {
        guard let id = workflows[region] else { continue }
        let workflow = try state.object(id, klass: "workflow")
        _ = try state.copyProject(of: workflow, for: call.caller, hint: nil, atLeast: .view)
        guard workflow.state == "closed" else {
          throw .invalidState("The workflow \(id) must be closed to build a global workflow from it")
        }
        guard workflow.copies.keys.contains(where: { state.projects[$0]?.region == region }) else {
          throw .invalidInput("The workflow \(id) is not in a project in the region \(region)")
        }
        sources.append((region, workflow))
      }
      let now = store.now()
      var global = GlobalWorkflowState(
        id: state.newID("globalworkflow"), name: name, version: version, created: now, modified: now,
        createdBy: call.caller, billTo: billTo)
      for (region, workflow) in sources {
        let container = Self.keepInResourceContainer(
          workflow, region: region, label: "\(name)/\(version)", billTo: billTo, caller: call.caller,
          state: &state, now: now)
        global.regionalOptions[region] = .init(workflow: workflow.id, container: container)
      }
      fields.apply(to: &global)
      global.categories = categories
      if !versions.contains(where: { !$0.deleted && $0.tags.contains("default") }) {
        global.tags = ["default"]
      }
      Self.add(developers, to: &family.developers)
      if let authorized { Self.add(authorized, to: &family.authorizedUsers) }
      state.globalWorkflows.store(global)
      state.globalWorkflows.storeFamily(family)
      return ["id": .string(global.id)]
    }
  }

  /// Copies `workflow` and the applets its stages run into a new public container in `region`, so
  /// they outlive the project they were built in (as the platform keeps a global workflow's
  /// resources); returns the container's ID.
  static func keepInResourceContainer(
    _ workflow: DataObjectState, region: String, label: String, billTo: String, caller: String,
    state: inout PlatformState, now: Int
  ) -> String {
    let id = state.newID("container")
    var container = ProjectState(
      id: id, klass: "container", name: "globalworkflow \(label) resources", created: now, modified: now,
      createdBy: caller, billTo: billTo)
    container.region = region
    container.flags["public"] = true
    state.insertProject(container)
    var objects = [workflow.id]
    for stage in workflow.workflow?.stages ?? [] {
      if let executable = stage["executable"]?.stringValue, executable.hasPrefix("applet-") {
        objects.append(executable)
      }
    }
    for objectID in objects {
      guard let object = state.objects[objectID], object.copies[id] == nil,
        let source = object.copies.values.first
      else { continue }
      _ = try? state.updateObject(objectID) { (stored: inout DataObjectState) throws(DXPlatformError) in
        var copy = source
        copy.folder = "/"
        copy.added = now
        stored.copies[id] = copy
      }
    }
    return id
  }
}

/// The metadata `globalworkflow/new` and `globalworkflow-xxxx/update` take; absent fields are left
/// as they are.
struct GlobalWorkflowFields {
  var title: String?
  var summary: String?
  var description: String?
  var developerNotes: String?
  var details: DXJSON?

  init(_ input: PlatformInput) throws(DXPlatformError) {
    title = try input.string("title")
    summary = try input.string("summary")
    description = try input.string("description")
    developerNotes = try input.string("developerNotes")
    details = try input.object("details").map(DXJSON.object)
  }

  func apply(to version: inout GlobalWorkflowState) {
    if let title { version.title = title }
    if let summary { version.summary = summary }
    if let description { version.description = description }
    if let developerNotes { version.developerNotes = developerNotes }
    if let details { version.details = details }
  }
}
