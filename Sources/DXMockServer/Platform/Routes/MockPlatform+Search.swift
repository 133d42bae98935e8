import DXWire

// MARK: - /system search and bulk-describe routes

extension MockPlatform {
  func registerSearchRoutes(into router: inout PlatformRouter) {
    router.register("/system/findDataObjects") { call throws(DXPlatformError) in
      var query = try DataObjectQuery(Self.input(call))
      query.name = try self.resolveNames(query.name) { state in
        var names: Set<String> = []
        for (id, project) in state.projects where state.effectiveLevel(of: call.caller, in: project) != nil {
          if let wanted = query.project, wanted != id { continue }
          if let byName = state.index[id]?.byName { names.formUnion(byName.keys) }
        }
        return names
      }
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        try Self.findDataObjects(query, caller: call.caller, state: state)
      }
    }
    router.register("/system/findProjects") { call throws(DXPlatformError) in try self.findProjects(call) }
    router.register("/system/describeDataObjects") { call throws(DXPlatformError) in
      try self.describeDataObjects(call)
    }
    router.register("/system/resolveDataObjects") { call throws(DXPlatformError) in
      try self.resolveDataObjects(call)
    }
    router.register("/system/describeProjects") { call throws(DXPlatformError) in
      try self.describeProjects(call)
    }
    router.register("/system/findUsers") { call throws(DXPlatformError) in try self.findUsers(call) }
  }

  /// `matcher` ready for use under the state lock: a glob or regular expression is matched, outside
  /// the lock, against the candidate names `collect` gathers under it (``NameMatcher``).
  /// - Throws: InvalidInput when matching takes too long.
  func resolveNames(_ matcher: NameMatcher?, collect: (PlatformState) -> Set<String>) throws(DXPlatformError)
    -> NameMatcher?
  {
    guard var matcher, matcher.needsResolution else { return matcher }
    let names = try store.read { (state: PlatformState) throws(DXPlatformError) in collect(state) }
    try matcher.resolve(against: names)
    return matcher
  }

  /// Runs a `findDataObjects` query for `caller`.
  static func findDataObjects(_ query: DataObjectQuery, caller: String, state: PlatformState)
    throws(DXPlatformError) -> DXJSON
  {
    var projects: [ProjectState] = []
    if let id = query.project {
      let project = try state.project(id, for: caller, atLeast: .view)
      if let folder = query.folder, !project.folders.contains(folder) {
        throw .resourceNotFound("Folder \"\(folder)\" does not exist in project \"\(id)\"")
      }
      if let level = state.effectiveLevel(of: caller, in: project), level >= query.level {
        projects.append(project)
      }
    } else {
      projects = state.projects.values.filter {
        // Containers (job workspaces, global workflow resources) are found only by scope.
        guard $0.klass == "project", let level = state.effectiveLevel(of: caller, in: $0) else {
          return false
        }
        return level >= query.level
      }
    }
    if let regions = query.regions { projects.removeAll { !regions.contains($0.region) } }
    projects.sort { $0.id < $1.id }
    if let starting = query.starting {
      projects.removeAll { $0.id < starting.project }
    }
    var results: [DXJSON] = []
    var next: DXJSON = .null
    outer: for project in projects {
      guard let index = state.index[project.id] else { continue }
      // Candidates from the smallest index set, in ID order (the project's cached order when they are
      // many); filtered lazily so a page stops early.
      let candidates = query.candidates(in: project, index: index)
      let (ids, isSubsetOrder) = index.ordered(candidates)
      var first = ids.startIndex
      if let starting = query.starting, starting.project == project.id {
        first = ids.partitioningIndex { $0 >= starting.id }
      }
      for id in ids[first...] {
        if isSubsetOrder, !candidates.contains(id) { continue }
        guard let object = state.objects[id], query.matches(object, in: project.id) else { continue }
        if results.count == query.limit {
          next = ["project": .string(project.id), "id": .string(id)]
          break outer
        }
        var entry: [String: DXJSON] = ["project": .string(project.id), "id": .string(id)]
        if let options = query.describe {
          entry["describe"] = state.describe(object, in: project.id, options: options)
        }
        results.append(.object(entry))
      }
    }
    return ["results": .array(results), "next": next]
  }

  private func findProjects(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    var query = try ProjectQuery(Self.input(call))
    query.name = try resolveNames(query.name) { state in
      Set(
        state.projects.values.lazy.filter { state.effectiveLevel(of: call.caller, in: $0) != nil }.map(\.name)
      )
    }
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      try query.run(on: state, for: call.caller)
    }
  }

  private func describeDataObjects(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let value = input.fields["objects"], let elements = value.arrayValue else {
      throw .invalidInput("Expected input to have the field \"objects\" (an array)")
    }
    let classOptions = try input.object("classDescribeOptions") ?? [:]
    var requests: [(id: String, project: String?, options: DXJSON?)] = []
    for element in elements {
      if let id = element.stringValue {
        requests.append((id, nil, nil))
        continue
      }
      let entry = try PlatformInput(element)
      requests.append((try entry.requiredString("id"), try entry.string("project"), entry.fields["describe"]))
    }
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var results: [DXJSON] = []
      for request in requests {
        do throws(DXPlatformError) {
          let object = try state.object(request.id)
          let project = try state.copyProject(
            of: object, for: call.caller, hint: request.project, atLeast: .view)
          var optionsJSON = request.options ?? classOptions[object.klass] ?? classOptions["*"]
          if optionsJSON?.boolValue == true { optionsJSON = classOptions[object.klass] ?? classOptions["*"] }
          let options = try PlatformState.DescribeOptions(optionsJSON)
          results.append(["describe": state.describe(object, in: project, options: options)])
        } catch {
          results.append(["describe": .null, "error": error.body["error"] ?? .null])
        }
      }
      return ["results": .array(results)]
    }
  }

  private func resolveDataObjects(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let value = input.fields["objects"], let elements = value.arrayValue else {
      throw .invalidInput("Expected input to have the field \"objects\" (an array)")
    }
    guard elements.count <= 1000 else { throw .invalidInput("At most 1000 objects can be resolved at once") }
    let defaultProject = try input.string("project")
    let defaultFolder = try input.string("folder")
    var requests: [(name: String, project: String?, folder: String?)] = []
    for element in elements {
      let entry = try PlatformInput(element)
      let folder = try entry.string("folder") ?? defaultFolder
      requests.append(
        (
          try entry.requiredString("name"), try entry.string("project") ?? defaultProject,
          try folder.map { (path) throws(DXPlatformError) in try PlatformState.normalizeFolder(path) }
        ))
    }
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var results: [DXJSON] = []
      for request in requests {
        var projects: [String] = []
        if let project = request.project {
          _ = try state.project(project, for: call.caller, atLeast: .view)
          projects = [project]
        } else {
          projects = state.projects.values.filter { state.effectiveLevel(of: call.caller, in: $0) != nil }
            .map(\.id)
            .sorted()
        }
        var matches: [DXJSON] = []
        for project in projects {
          let ids = state.index[project]?.byName[request.name] ?? []
          for id in ids.sorted() {
            guard let copy = state.objects[id]?.copies[project] else { continue }
            if let folder = request.folder, copy.folder != folder { continue }
            matches.append(["project": .string(project), "id": .string(id)])
          }
        }
        results.append(.array(matches))
      }
      return ["results": .array(results)]
    }
  }

  private func describeProjects(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let value = input.fields["projects"] ?? input.fields["ids"], let elements = value.arrayValue else {
      throw .invalidInput("Expected input to have the field \"projects\" (an array)")
    }
    let shared = input.fields["describe"]?.objectValue ?? [:]
    var requests: [(String, [String: DXJSON])] = []
    for element in elements {
      if let id = element.stringValue {
        requests.append((id, shared))
      } else {
        let entry = try PlatformInput(element)
        requests.append((try entry.requiredString("id"), try entry.object("describe") ?? shared))
      }
    }
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var results: [DXJSON] = []
      for (id, options) in requests {
        do throws(DXPlatformError) {
          let project = try state.project(id, for: call.caller, atLeast: .view)
          results.append(["describe": try state.describe(project, for: call.caller, input: options)])
        } catch {
          results.append(["describe": .null, "error": error.body["error"] ?? .null])
        }
      }
      return ["results": .array(results)]
    }
  }

  private func findUsers(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let name = try resolveNames(
      input.fields["name"].flatMap { (value) throws(DXPlatformError) -> NameMatcher? in
        value.isNull ? nil : try NameMatcher(value)
      }
    ) { state in Set(state.users.map { String($0.dropFirst("user-".count)) }) }
    var handle = try input.string("handle")
    if handle == nil { handle = try input.string("username") }
    let describe = input.wantsDescribe
    let options = try PlatformState.DescribeOptions(input.fields["describe"])
    let limit = try input.pageLimit() ?? 1000
    let starting = try input.string("starting")
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var results: [DXJSON] = []
      var next: DXJSON = .null
      for user in state.users.sorted() {
        let userHandle = String(user.dropFirst("user-".count))
        if let handle, handle != userHandle { continue }
        if let name, !name.matches(userHandle) { continue }
        if let starting, user < starting { continue }
        if results.count == limit {
          next = .string(user)
          break
        }
        var entry: [String: DXJSON] = ["id": .string(user)]
        if describe {
          entry["describe"] = Self.describeUser(user, for: call.caller, state: state, options: options)
        }
        results.append(.object(entry))
      }
      return ["results": .array(results), "next": next]
    }
  }
}

extension Array where Element: Comparable {
  /// The index of the first element for which `belongs` holds, for a sorted array where it holds for
  /// a suffix (binary search).
  fileprivate func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if belongs(self[middle]) { high = middle } else { low = middle + 1 }
    }
    return low
  }
}
