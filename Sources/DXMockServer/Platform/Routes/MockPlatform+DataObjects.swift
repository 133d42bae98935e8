import DXWire

// MARK: - Methods shared by every data-object class, and object creation

extension MockPlatform {
  /// The data-object classes the mock stores.
  static let dataObjectClasses = ["record", "file", "workflow", "applet", "database", "dbcluster"]

  /// The shared methods an applet has: applets are created closed and have no `setDetails`,
  /// `addTypes`, `removeTypes` or `setVisibility` route (dxpy's `DXApplet` maps those to nonexistent
  /// wrappers).
  static let appletMethods: Set<String> = [
    "describe", "getDetails", "rename", "addTags", "removeTags", "setProperties", "listProjects",
  ]

  func registerDataObjectRoutes(into router: inout PlatformRouter) {
    for klass in Self.dataObjectClasses {
      func add(_ method: String, acceptsAnyJSON: Bool = false, _ handler: @escaping PlatformRouter.Handler) {
        guard klass != "applet" || Self.appletMethods.contains(method) else { return }
        // The platform has no listProjects for database clusters.
        guard klass != "dbcluster" || method != "listProjects" else { return }
        router.register("/\(klass)-xxxx/\(method)", acceptsAnyJSON: acceptsAnyJSON, handler)
      }
      add("describe") { call throws(DXPlatformError) in
        let input = try Self.input(call)
        let hint = try input.string("project")
        let options = try PlatformState.DescribeOptions(call.input)
        return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
          let object = try state.object(call.target)
          let project = try state.copyProject(of: object, for: call.caller, hint: hint, atLeast: .view)
          return state.describe(object, in: project, options: options)
        }
      }
      add("getDetails") { call throws(DXPlatformError) in
        try self.store.read { (state: PlatformState) throws(DXPlatformError) in
          let object = try state.object(call.target)
          _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)
          return object.details
        }
      }
      add("setDetails", acceptsAnyJSON: true) { call throws(DXPlatformError) in
        try PlatformLimits.checkDetails(call.input, field: "input")
        return try self.modifyOpenObject(call, what: "set its details") { object, _ throws(DXPlatformError) in
          object.details = call.input
        }
      }
      add("addTypes") { call throws(DXPlatformError) in
        let types = try Self.typeNames(try Self.requiredList(call, "types"))
        try PlatformLimits.checkTags(types, field: "types")
        return try self.modifyOpenObject(call, what: "add types") { object, _ throws(DXPlatformError) in
          object.types.add(types)
          try PlatformLimits.checkTotal(object.types.count, of: "types", maximum: PlatformLimits.maxTypes)
        }
      }
      add("removeTypes") { call throws(DXPlatformError) in
        let types = try Self.typeNames(try Self.requiredList(call, "types"))
        return try self.modifyOpenObject(call, what: "remove types") { object, _ throws(DXPlatformError) in
          object.types.remove(types)
        }
      }
      add("setVisibility") { call throws(DXPlatformError) in
        let input = try Self.input(call)
        guard let hidden = try input.bool("hidden") else {
          throw .invalidInput("Expected input to have the field \"hidden\"")
        }
        return try self.modifyOpenObject(call, what: "change its visibility") {
          object, _ throws(DXPlatformError) in
          object.hidden = hidden
        }
      }
      add("rename") { call throws(DXPlatformError) in
        let name = try Self.input(call).requiredString("name")
        guard !name.isEmpty else { throw .invalidInput("The name must not be empty") }
        try PlatformLimits.checkName(name, field: "name")
        return try self.modifyCopy(call) { copy throws(DXPlatformError) in copy.name = name }
      }
      add("addTags") { call throws(DXPlatformError) in
        let tags = try Self.requiredTags(Self.input(call))
        return try self.modifyCopy(call) { copy throws(DXPlatformError) in
          copy.tags.add(tags)
          try PlatformLimits.checkTotal(copy.tags.count, of: "tags", maximum: PlatformLimits.maxTags)
        }
      }
      add("removeTags") { call throws(DXPlatformError) in
        let tags = try Self.requiredTags(Self.input(call))
        return try self.modifyCopy(call) { copy throws(DXPlatformError) in
          copy.tags.remove(tags)
        }
      }
      add("setProperties") { call throws(DXPlatformError) in
        guard let properties = try Self.input(call).properties("properties", allowNull: true) else {
          throw .invalidInput("Expected input to have the field \"properties\"")
        }
        return try self.modifyCopy(call) { copy throws(DXPlatformError) in
          Self.apply(properties, to: &copy.properties)
          try PlatformLimits.checkTotal(
            copy.properties.count, of: "properties", maximum: PlatformLimits.maxProperties)
        }
      }
      add("listProjects") { call throws(DXPlatformError) in
        _ = try Self.input(call)
        return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
          let object = try state.object(call.target)
          _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)
          var result: [String: DXJSON] = [:]
          for project in object.copies.keys {
            if let level = state.level(of: call.caller, in: project) { result[project] = .string(level.name) }
          }
          return .object(result)
        }
      }
    }
  }

  /// `types` checked as the platform checks type names: ASCII letters, digits, `_` and `/`.
  /// - Throws: InvalidInput "Expected input field types to be an array of valid strings for a type name".
  static func typeNames(_ types: [String]) throws(DXPlatformError) -> [String] {
    for type in types
    where type.isEmpty
      || !type.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "/") })
    {
      throw .invalidInput("Expected input field types to be an array of valid strings for a type name")
    }
    return types
  }

  /// The `key` list input (types), required.
  static func requiredList(_ call: APICall, _ key: String) throws(DXPlatformError) -> [String] {
    guard let list = try input(call).strings(key) else {
      throw .invalidInput("Expected input to have the field \"\(key)\"")
    }
    return list
  }

  /// Changes an object that must still be open (details, types, visibility); the caller needs UPLOAD
  /// in a project holding it.
  func modifyOpenObject(
    _ call: APICall, what: String,
    _ change: (inout DataObjectState, _ now: Int) throws(DXPlatformError) -> Void
  ) throws(DXPlatformError) -> DXJSON {
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target)
      _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .upload)
      guard object.state == "open" else {
        throw .invalidState("\(object.id) is not in the open state, so you cannot \(what)")
      }
      let now = store.now()
      try state.updateObject(call.target) { (object: inout DataObjectState) throws(DXPlatformError) in
        try change(&object, now)
        object.modified = now
      }
      return ["id": .string(call.target)]
    }
  }

  /// Changes the per-project copy (name, tags, properties) named by the input's `project` (or the first
  /// reachable one): UPLOAD for open objects, CONTRIBUTE for closed ones.
  func modifyCopy(_ call: APICall, _ change: (inout ObjectCopy) throws(DXPlatformError) -> Void)
    throws(DXPlatformError) -> DXJSON
  {
    let hint = try Self.input(call).string("project")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target)
      let needed: AccessLevel = object.state == "open" ? .upload : .contribute
      let project: String
      if let hint {
        _ = try state.requireCopy(of: object, in: hint, for: call.caller, atLeast: needed)
        project = hint
      } else {
        project = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: needed)
      }
      let now = store.now()
      try state.updateObject(call.target) { (object: inout DataObjectState) throws(DXPlatformError) in
        guard var copy = object.copies[project] else { return }
        try change(&copy)
        object.copies[project] = copy
        object.modified = now
      }
      return ["id": .string(call.target)]
    }
  }

  /// The inputs common to `record/new`, `file/new` and `workflow/new`, validated.
  struct NewObjectInput: Sendable {
    var project: String
    var name: String?
    var folder: String
    var parents: Bool
    var tags: [String]?
    var types: [String]?
    var hidden: Bool?
    var properties: [String: String]?
    var details: DXJSON?
    var close: Bool
    var initializeFrom: (id: String, project: String?)?

    init(_ input: PlatformInput) throws(DXPlatformError) {
      project = try input.requiredString("project")
      name = try input.string("name")
      if let name { try PlatformLimits.checkName(name, field: "name") }
      folder = try PlatformState.normalizeFolder(try input.string("folder") ?? "/")
      parents = try input.bool("parents") ?? false
      tags = try input.strings("tags")
      if let tags { try PlatformLimits.checkTags(tags, field: "tags") }
      types = try input.strings("types").map { (list) throws(DXPlatformError) in
        try MockPlatform.typeNames(list)
      }
      if let types { try PlatformLimits.checkTags(types, field: "types") }
      hidden = try input.bool("hidden")
      properties = try input.properties("properties")?.compactMapValues { $0 }
      details = input.fields["details"]
      if let details { try PlatformLimits.checkDetails(details) }
      close = try input.bool("close") ?? false
      if let source = try input.object("initializeFrom") {
        let from = try PlatformInput(.object(source))
        initializeFrom = (try from.requiredString("id"), try from.string("project"))
      }
    }
  }

  /// Creates a data object of `klass` in the state and returns its ID.
  ///
  /// Checks UPLOAD in the project, the folder (created with `parents`), `initializeFrom` (same class,
  /// readable), then applies `customize` before inserting.
  func createObject(
    _ input: NewObjectInput, klass: String, caller: String, state: inout PlatformState,
    customize: (inout DataObjectState, DataObjectState?) throws(DXPlatformError) -> Void = { _, _ in }
  ) throws(DXPlatformError) -> String {
    let project = try state.project(input.project, for: caller, atLeast: .upload)
    if !project.folders.contains(input.folder), !input.parents {
      throw .resourceNotFound("The folder \(input.folder) could not be found in \(input.project)")
    }
    var source: DataObjectState?
    var sourceCopy: ObjectCopy?
    if let (id, hint) = input.initializeFrom {
      let object = try state.object(id, klass: klass)
      let from = try state.copyProject(of: object, for: caller, hint: hint, atLeast: .view)
      source = object
      sourceCopy = object.copies[from]
    }
    let now = store.now()
    let id = state.newID(klass)
    var object = DataObjectState(id: id, klass: klass, created: now, modified: now, createdBy: caller)
    object.types = input.types.map(OrderedStringSet.init) ?? source?.types ?? []
    object.hidden = input.hidden ?? source?.hidden ?? false
    object.details = input.details ?? source?.details ?? .object([:])
    var copy = ObjectCopy(name: input.name ?? sourceCopy?.name ?? id, folder: input.folder, added: now)
    copy.tags = input.tags.map(OrderedStringSet.init) ?? sourceCopy?.tags ?? []
    copy.properties = input.properties ?? sourceCopy?.properties ?? [:]
    object.copies[input.project] = copy
    try customize(&object, source)
    if input.close { object.state = "closed" }
    if !project.folders.contains(input.folder) {
      try state.updateProject(input.project) { (project: inout ProjectState) throws(DXPlatformError) in
        project.folders.insert(input.folder)
      }
    }
    state.insertObject(object)
    return id
  }
}
