import DXWire

// MARK: - /project/new and the project-xxxx / container-xxxx routes

extension MockPlatform {
  func registerProjectRoutes(into router: inout PlatformRouter) {
    router.register("/project/new") { call throws(DXPlatformError) in try self.projectNew(call) }
    for klass in ["project", "container"] {
      router.register("/\(klass)-xxxx/describe") { call throws(DXPlatformError) in
        let input = try Self.input(call)
        return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
          let project = try state.project(call.target, for: call.caller, atLeast: .view)
          return try state.describe(project, for: call.caller, input: input.fields)
        }
      }
      router.register("/\(klass)-xxxx/destroy") { call throws(DXPlatformError) in
        _ = try Self.input(call)
        return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
          _ = try state.project(call.target, for: call.caller, atLeast: .administer)
          state.deleteProject(call.target)
          return [:]
        }
      }
      router.register("/\(klass)-xxxx/newFolder") { call throws(DXPlatformError) in try self.newFolder(call) }
      router.register("/\(klass)-xxxx/listFolder") { call throws(DXPlatformError) in
        try self.listFolder(call)
      }
      router.register("/\(klass)-xxxx/removeFolder") { call throws(DXPlatformError) in
        try self.removeFolder(call)
      }
      router.register("/\(klass)-xxxx/renameFolder") { call throws(DXPlatformError) in
        try self.renameFolder(call)
      }
      router.register("/\(klass)-xxxx/move") { call throws(DXPlatformError) in try self.move(call) }
      router.register("/\(klass)-xxxx/clone") { call throws(DXPlatformError) in try self.clone(call) }
      router.register("/\(klass)-xxxx/removeObjects") { call throws(DXPlatformError) in
        try self.removeObjects(call)
      }
    }
    router.register("/project-xxxx/update") { call throws(DXPlatformError) in try self.projectUpdate(call) }
    router.register("/project-xxxx/addTags") { call throws(DXPlatformError) in
      try self.projectTags(call, add: true)
    }
    router.register("/project-xxxx/removeTags") { call throws(DXPlatformError) in
      try self.projectTags(call, add: false)
    }
    router.register("/project-xxxx/setProperties") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      guard let properties = try input.properties("properties", allowNull: true) else {
        throw .invalidInput("Expected input to have the field \"properties\"")
      }
      return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
        _ = try state.project(call.target, for: call.caller, atLeast: .contribute)
        let now = self.store.now()
        try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
          Self.apply(properties, to: &project.properties)
          try PlatformLimits.checkTotal(
            project.properties.count, of: "properties", maximum: PlatformLimits.maxProperties)
          project.modified = now
        }
        return ["id": .string(call.target)]
      }
    }
    router.register("/project-xxxx/invite") { call throws(DXPlatformError) in try self.invite(call) }
    registerProjectBillingRoutes(into: &router)
    registerArchivalRoutes(into: &router)
    router.register("/project-xxxx/decreasePermissions") { call throws(DXPlatformError) in
      try self.decreasePermissions(call)
    }
    router.register("/project-xxxx/leave") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
        let project = try state.project(call.target, for: call.caller, atLeast: .view)
        let admins = project.members.filter { $0.value == .administer }
        if admins.count == 1, admins[call.caller] != nil {
          throw .invalidState("The last member with ADMINISTER access cannot leave \(call.target)")
        }
        try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
          project.members[call.caller] = nil
        }
        return ["id": .string(call.target)]
      }
    }
  }

  // MARK: - Tags and properties helpers

  /// Adds `tags` to `list`, keeping order and skipping duplicates.
  static func add(_ tags: [String], to list: inout [String]) {
    for tag in tags where !list.contains(tag) { list.append(tag) }
  }

  /// Sets (or, for nil values, removes) properties.
  static func apply(_ properties: [String: String?], to map: inout [String: String]) {
    for (key, value) in properties { map[key] = value }
  }

  /// Validated `tags` input.
  static func requiredTags(_ input: PlatformInput) throws(DXPlatformError) -> [String] {
    guard let tags = try input.strings("tags") else {
      throw .invalidInput("Expected input to have the field \"tags\"")
    }
    try PlatformLimits.checkTags(tags, field: "tags")
    return tags
  }

  /// Object IDs from an `objects` array (IDs or `$dnanexus_link`s).
  static func objectIDs(_ input: PlatformInput, _ key: String = "objects") throws(DXPlatformError) -> [String]
  {
    guard let value = input.fields[key], !value.isNull else { return [] }
    guard let elements = value.arrayValue else {
      throw .invalidInput("Expected \"\(key)\" to be an array of object IDs, but got \(value.typeName)")
    }
    guard elements.count <= PlatformLimits.maxListLength else {
      throw .invalidInput(
        "\"\(key)\" must have at most \(PlatformLimits.maxListLength) elements, not \(elements.count)")
    }
    var ids: [String] = []
    for element in elements {
      if let id = element.stringValue {
        ids.append(id)
      } else if let link = element["$dnanexus_link"], let id = link.stringValue ?? link["id"]?.stringValue {
        ids.append(id)
      } else {
        throw .invalidInput("Expected every element of \"\(key)\" to be an object ID")
      }
    }
    return ids
  }

  // MARK: - Routes

  private func projectNew(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let name = try input.requiredString("name")
    guard !name.isEmpty else { throw .invalidInput("The project name must not be empty") }
    try PlatformLimits.checkName(name, field: "name")
    let summary = try input.string("summary") ?? ""
    let description = try input.string("description") ?? ""
    let tags = try input.strings("tags") ?? []
    try PlatformLimits.checkTags(tags, field: "tags")
    let properties = try input.properties("properties") ?? [:]
    let billTo = try input.string("billTo") ?? call.caller
    let region = try input.string("region") ?? PlatformRegions.defaultRegion
    guard PlatformRegions.isKnown(region) else {
      throw .invalidInput(
        "Invalid region \"\(region)\"; the regions are \(PlatformRegions.all.joined(separator: ", "))")
    }
    var flags: [String: Bool] = [:]
    for flag in ProjectState.flagNames {
      if let value = try input.bool(flag) { flags[flag] = value }
    }
    if flags["downloadRestricted"] == true { flags["previewViewerRestricted"] = true }
    var settings: [String: DXJSON] = [:]
    for key in ["databaseResultsRestricted", "defaultSymlink", "drive"] {
      if let value = input.fields[key] { settings[key] = value }
    }
    return try withNonce(call, route: "/project/new") {
      (state: inout PlatformState) throws(DXPlatformError) in
      try state.requireBillable(billTo, by: call.caller, what: "a project")
      try Self.checkRegionAndPHI(
        region: region, containsPHI: flags["containsPHI"] == true, billTo: billTo, state: state)
      let now = store.now()
      let id = state.newID("project")
      var project = ProjectState(
        id: id, klass: "project", name: name, created: now, modified: now, createdBy: call.caller,
        billTo: billTo)
      project.summary = summary
      project.description = description
      project.tags = OrderedStringSet(tags)
      project.properties = properties.compactMapValues { $0 }
      project.region = region
      project.flags = flags
      project.settings = settings
      project.members[call.caller] = .administer
      state.insertProject(project)
      return ["id": .string(id)]
    }
  }

  private func projectUpdate(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let name = try input.string("name")
    if name?.isEmpty == true { throw .invalidInput("The project name must not be empty") }
    if let name { try PlatformLimits.checkName(name, field: "name") }
    let summary = try input.string("summary")
    let description = try input.string("description")
    var flags: [String: Bool] = [:]
    for flag in ProjectState.flagNames {
      if let value = try input.bool(flag) { flags[flag] = value }
    }
    var settings: [String: DXJSON] = [:]
    for key in ["databaseResultsRestricted", "allowedExecutables", "defaultSymlink"] {
      if let value = input.fields[key] { settings[key] = value }
    }
    if let executables = settings["allowedExecutables"], !executables.isNull, executables.arrayValue == nil {
      throw .invalidInput("Expected \"allowedExecutables\" to be an array or null")
    }
    let billTo = try input.string("billTo")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let needed: AccessLevel = flags.isEmpty && settings.isEmpty && billTo == nil ? .contribute : .administer
      let current = try state.project(call.target, for: call.caller, atLeast: needed)
      if let billTo { try state.requireBillable(billTo, by: call.caller, what: "a project") }
      if flags["containsPHI"] == true, current.flags["containsPHI"] != true {
        try Self.checkRegionAndPHI(
          region: current.region, containsPHI: true, billTo: billTo ?? current.billTo, state: state)
      }
      var merged = current.flags.merging(flags) { $1 }
      if flags["downloadRestricted"] == true {
        merged["previewViewerRestricted"] = true
      } else if flags["downloadRestricted"] == false, merged["previewViewerRestricted"] == true,
        flags["previewViewerRestricted"] != false
      {
        throw .invalidInput(
          "previewViewerRestricted must be set to false when downloadRestricted is set to false")
      }
      if current.flags["containsPHI"] == true, flags["containsPHI"] == false {
        throw .invalidInput("containsPHI cannot be unset once it is set")
      }
      let now = store.now()
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        if let name { project.name = name }
        if let summary { project.summary = summary }
        if let description { project.description = description }
        if let billTo { project.billTo = billTo }
        project.flags = merged
        project.settings.merge(settings) { $1 }
        project.modified = now
      }
      return ["id": .string(call.target)]
    }
  }

  private func projectTags(_ call: APICall, add: Bool) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let tags = try Self.requiredTags(input)
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      _ = try state.project(call.target, for: call.caller, atLeast: .contribute)
      let now = store.now()
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        if add {
          project.tags.add(tags)
          try PlatformLimits.checkTotal(project.tags.count, of: "tags", maximum: PlatformLimits.maxTags)
        } else {
          project.tags.remove(tags)
        }
        project.modified = now
      }
      return ["id": .string(call.target)]
    }
  }

  private func invite(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let invitee = try input.requiredString("invitee")
    let levelName = try input.requiredString("level")
    guard let level = AccessLevel(name: levelName) else {
      throw .invalidInput(
        "\"level\" must be one of VIEW, UPLOAD, CONTRIBUTE, ADMINISTER, not \"\(levelName)\"")
    }
    _ = try input.bool("suppressEmailNotification")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .administer)
      let member = try Self.invitedPrincipal(invitee, state: state)
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        project.members[member] = max(project.members[member] ?? level, level)
      }
      state.notify(
        member, type: "projectInvite",
        message: "\(call.caller) shared \(project.name) with you (\(level.name))",
        subject: call.target, now: store.now())
      return ["id": .string(member), "state": "member"]
    }
  }

  private func decreasePermissions(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    var changes: [String: AccessLevel?] = [:]
    for (member, value) in input.fields {
      guard member.hasPrefix("user-") || member.hasPrefix("org-") else { continue }
      if value.isNull {
        changes[member] = .some(nil)
      } else if let name = value.stringValue, let level = AccessLevel(name: name) {
        changes[member] = .some(level)
      } else {
        throw .invalidInput("Expected the level for \(member) to be a permission level or null")
      }
    }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      _ = try state.project(call.target, for: call.caller, atLeast: .administer)
      for member in changes.keys.sorted() where !state.isKnownPrincipal(member) {
        throw .resourceNotFound(
          "The \(member.hasPrefix("org-") ? "org" : "user") \(member) could not be found")
      }
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        for (member, level) in changes {
          guard let current = project.members[member] else { continue }
          if let level {
            project.members[member] = min(current, level)
          } else {
            project.members[member] = nil
          }
        }
        if !project.members.values.contains(.administer) {
          throw .invalidState("A project must keep at least one member with ADMINISTER access")
        }
      }
      return ["id": .string(call.target)]
    }
  }

  // MARK: - Folders

  private func newFolder(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let folder = try PlatformState.normalizeFolder(try input.requiredString("folder"))
    let parents = try input.bool("parents") ?? false
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .upload)
      if project.folders.contains(folder) {
        if parents || folder == "/" { return ["id": .string(call.target)] }
        throw .invalidInput("The folder \(folder) already exists in \(call.target)")
      }
      let parent = PlatformState.parentFolder(folder)
      if !parents, !project.folders.contains(parent) {
        throw .resourceNotFound("The folder \(parent) could not be found in \(call.target)")
      }
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        project.folders.insert(folder)
      }
      return ["id": .string(call.target)]
    }
  }

  private func listFolder(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let folder = try PlatformState.normalizeFolder(try input.string("folder") ?? "/")
    let only = try input.string("only") ?? "all"
    guard ["all", "objects", "folders"].contains(only) else {
      throw .invalidInput("\"only\" must be \"all\", \"objects\" or \"folders\", not \"\(only)\"")
    }
    let includeHidden = try input.bool("includeHidden") ?? false
    let describe = input.fields["describe"]
    let options = try PlatformState.DescribeOptions(describe)
    let wantsDescribe = describe.map { !($0.boolValue == false || $0.isNull) } ?? false
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .view)
      guard project.folders.contains(folder) else {
        throw .resourceNotFound("The folder \(folder) could not be found in \(call.target)")
      }
      var result: [String: DXJSON] = [:]
      if only != "folders" {
        let ids = state.index[call.target]?.byFolder[folder] ?? []
        var entries: [(Int, String, DXJSON)] = []
        for id in ids {
          guard let object = state.objects[id], let copy = object.copies[call.target] else { continue }
          if object.hidden, !includeHidden { continue }
          var entry: [String: DXJSON] = ["id": .string(id)]
          if wantsDescribe { entry["describe"] = state.describe(object, in: call.target, options: options) }
          entries.append((copy.added, id, .object(entry)))
        }
        entries.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        result["objects"] = .array(entries.map(\.2))
      }
      if only != "objects" {
        result["folders"] = .array(project.folders.children(of: folder).map(DXJSON.string))
      }
      return .object(result)
    }
  }

  private func removeFolder(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let folder = try PlatformState.normalizeFolder(try input.requiredString("folder"))
    let recurse = try input.bool("recurse") ?? false
    _ = try input.bool("force")
    _ = try input.bool("partial")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .contribute)
      guard project.folders.contains(folder) else {
        throw .resourceNotFound("The folder \(folder) could not be found in \(call.target)")
      }
      let subtree = project.folders.subtree(of: folder)
      let index = state.index[call.target] ?? ProjectIndex()
      var contained: [String] = []
      for path in subtree { contained.append(contentsOf: index.byFolder[path] ?? []) }
      if !recurse, subtree.count > 1 || !contained.isEmpty {
        throw .invalidState("The folder \(folder) is not empty; use recurse to remove it with its contents")
      }
      for id in contained { state.removeCopy(id, from: call.target) }
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        if folder == "/" {
          // Removing "/" empties the project; the root itself stays.
          for child in project.folders.children(of: "/") { project.folders.remove(child) }
        } else {
          project.folders.remove(folder)
        }
        project.modified = store.now()
      }
      return ["id": .string(call.target), "completed": true]
    }
  }

  /// Moves the folder `from` (with its subtree and objects) to the path `to` in `project`.
  private func relocateFolder(
    _ from: String, to: String, in projectID: String, state: inout PlatformState
  ) throws(DXPlatformError) {
    guard let project = state.projects[projectID] else { return }
    let subtree = project.folders.subtree(of: from)
    func rewrite(_ path: String) -> String { to + path.dropFirst(from.count) }
    for path in subtree { try PlatformState.checkFolderBounds(rewrite(path), field: "destination") }
    let index = state.index[projectID] ?? ProjectIndex()
    for path in subtree {
      for id in index.byFolder[path] ?? [] {
        let newPath = rewrite(path)
        try state.updateObject(id) { (object: inout DataObjectState) throws(DXPlatformError) in
          object.copies[projectID]?.folder = newPath
        }
      }
    }
    try state.updateProject(projectID) { (project: inout ProjectState) throws(DXPlatformError) in
      project.folders.move(from, to: to)
    }
  }

  private func renameFolder(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let folder = try PlatformState.normalizeFolder(try input.requiredString("folder"))
    // `dx mv` sends the whole new path (`newpath`); the bindings send the new last part (`name`).
    let newPath = try input.string("newpath").map { (path) throws(DXPlatformError) in
      try PlatformState.normalizeFolder(path, field: "newpath")
    }
    let name = newPath == nil ? try input.requiredString("name") : nil
    if let name, name.isEmpty || name.contains("/") || name == "." || name == ".." {
      throw .invalidInput("The new folder name must be non-empty and must not contain \"/\": \"\(name)\"")
    }
    if let name { try PlatformLimits.checkName(name, field: "name") }
    if let newPath { try PlatformState.checkFolderBounds(newPath, field: "newpath") }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .contribute)
      guard folder != "/" else { throw .invalidInput("The root folder cannot be renamed") }
      guard project.folders.contains(folder) else {
        throw .resourceNotFound("The folder \(folder) could not be found in \(call.target)")
      }
      let parent = PlatformState.parentFolder(folder)
      let target = newPath ?? (parent == "/" ? "/" : parent + "/") + (name ?? "")
      if target == folder { return ["id": .string(call.target)] }
      guard target != "/", !PlatformState.isFolder(target, inside: folder) else {
        throw .invalidInput("Cannot move the folder \(folder) to \(target)")
      }
      guard project.folders.contains(PlatformState.parentFolder(target)) else {
        throw .resourceNotFound(
          "The folder \(PlatformState.parentFolder(target)) could not be found in \(call.target)")
      }
      guard !project.folders.contains(target) else {
        throw .invalidInput("A folder named \(target) already exists in \(call.target)")
      }
      try relocateFolder(folder, to: target, in: call.target, state: &state)
      return ["id": .string(call.target)]
    }
  }

  private func move(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let objects = try Self.objectIDs(input)
    let folders = try (input.strings("folders") ?? []).map { (path) throws(DXPlatformError) in
      try PlatformState.normalizeFolder(path, field: "folders")
    }
    let destination = try PlatformState.normalizeFolder(
      try input.requiredString("destination"), field: "destination")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .contribute)
      guard project.folders.contains(destination) else {
        throw .resourceNotFound("The destination folder \(destination) could not be found in \(call.target)")
      }
      for id in objects {
        guard state.objects[id]?.copies[call.target] != nil else {
          throw .resourceNotFound("The entity \(id) could not be found in \(call.target)")
        }
      }
      var targets: [(String, String)] = []
      for folder in folders {
        guard folder != "/" else { throw .invalidInput("The root folder cannot be moved") }
        guard project.folders.contains(folder) else {
          throw .resourceNotFound("The folder \(folder) could not be found in \(call.target)")
        }
        guard !PlatformState.isFolder(destination, inside: folder) else {
          throw .invalidInput("Cannot move the folder \(folder) into itself (\(destination))")
        }
        let base = folder.split(separator: "/").last.map(String.init) ?? ""
        let target = destination == "/" ? "/" + base : destination + "/" + base
        if target != folder, project.folders.contains(target) {
          throw .invalidInput("A folder named \(target) already exists in \(call.target)")
        }
        targets.append((folder, target))
      }
      let now = store.now()
      for id in objects {
        try state.updateObject(id) { (object: inout DataObjectState) throws(DXPlatformError) in
          object.copies[call.target]?.folder = destination
          object.modified = now
        }
      }
      for (folder, target) in targets where folder != target {
        try relocateFolder(folder, to: target, in: call.target, state: &state)
      }
      return ["id": .string(call.target)]
    }
  }

  private func clone(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let objects = try Self.objectIDs(input)
    let folders = try (input.strings("folders") ?? []).map { (path) throws(DXPlatformError) in
      try PlatformState.normalizeFolder(path, field: "folders")
    }
    let destProject = try input.requiredString("project")
    let destination = try PlatformState.normalizeFolder(
      try input.string("destination") ?? "/", field: "destination")
    let parents = try input.bool("parents") ?? false
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let source = try state.project(call.target, for: call.caller, atLeast: .view)
      let dest = try state.project(destProject, for: call.caller, atLeast: .upload)
      guard destProject != call.target else {
        throw .invalidInput("The source and destination projects must differ")
      }
      if !dest.folders.contains(destination), !parents {
        throw .resourceNotFound("The destination folder \(destination) could not be found in \(destProject)")
      }
      // (object ID, folder in the destination)
      var plan: [(String, String)] = []
      var newFolders = FolderTree()
      newFolders.insert(destination)
      for id in objects {
        guard state.objects[id]?.copies[call.target] != nil else {
          throw .resourceNotFound("The entity \(id) could not be found in \(call.target)")
        }
        plan.append((id, destination))
      }
      let index = state.index[call.target] ?? ProjectIndex()
      for folder in folders {
        guard source.folders.contains(folder) else {
          throw .resourceNotFound("The folder \(folder) could not be found in \(call.target)")
        }
        let parent = PlatformState.parentFolder(folder)
        let relativeRoot = parent == "/" ? folder : String(folder.dropFirst(parent.count))
        let copied = destination == "/" ? relativeRoot : destination + relativeRoot
        if folder != "/", dest.folders.contains(copied) {
          throw .invalidState("If cloned, a folder would conflict with the route of an existing folder.")
        }
        newFolders.graft(FolderTree(subtreeOf: folder, in: source.folders), at: copied)
        for path in source.folders.subtree(of: folder) {
          let relative = parent == "/" ? path : String(path.dropFirst(parent.count))
          let target = destination == "/" ? relative : destination + relative
          try PlatformState.checkFolderBounds(target, field: "destination")
          for id in index.byFolder[path] ?? [] { plan.append((id, target)) }
        }
      }
      for (id, _) in plan {
        if let object = state.objects[id], object.state != "closed" {
          throw .invalidState("\(id) is not closed; only closed objects can be cloned")
        }
      }
      // An applet brings the files its runSpec bundles (the assets it needs to run).
      for (id, folder) in plan {
        for file in state.objects[id]?.applet?.bundledFiles ?? [] {
          guard let object = state.objects[file],
            (try? state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .view)) != nil
          else { continue }
          if !plan.contains(where: { $0.0 == file }) { plan.append((file, folder)) }
        }
      }
      var exists: [DXJSON] = []
      let now = store.now()
      for (id, folder) in plan {
        guard let object = state.objects[id],
          let copy = object.copies[call.target] ?? object.copies.values.min(by: { $0.added < $1.added })
        else { continue }
        if object.copies[destProject] != nil {
          exists.append(.string(id))
          continue
        }
        try state.updateObject(id) { (object: inout DataObjectState) throws(DXPlatformError) in
          var clone = copy
          clone.folder = folder
          clone.added = now
          object.copies[destProject] = clone
        }
      }
      try state.updateProject(destProject) { (project: inout ProjectState) throws(DXPlatformError) in
        project.folders.graft(newFolders, at: "/")
        project.modified = now
      }
      return ["id": .string(call.target), "project": .string(destProject), "exists": .array(exists)]
    }
  }

  private func removeObjects(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let objects = try Self.objectIDs(input)
    let force = try input.bool("force") ?? false
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      _ = try state.project(call.target, for: call.caller, atLeast: .contribute)
      for id in objects where state.objects[id]?.copies[call.target] == nil && !force {
        throw .resourceNotFound("The entity \(id) could not be found in \(call.target)")
      }
      for id in objects { state.removeCopy(id, from: call.target) }
      return ["id": .string(call.target)]
    }
  }
}
