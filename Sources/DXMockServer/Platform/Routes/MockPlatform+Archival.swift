import DXWire

// MARK: - project-xxxx/archive and project-xxxx/unarchive

extension MockPlatform {
  /// What unarchiving costs per GB, in thousandths of a dollar (dx prints `cost / 1000` dollars), by
  /// the `rate` the request names.
  static let unarchivalRates: [String: Double] = ["Expedited": 30, "Standard": 10, "Bulk": 2.5]

  func registerArchivalRoutes(into router: inout PlatformRouter) {
    router.register("/project-xxxx/archive") { call throws(DXPlatformError) in try self.archive(call) }
    router.register("/project-xxxx/unarchive") { call throws(DXPlatformError) in try self.unarchive(call) }
  }

  /// The files an archive or unarchive input names: `files` (IDs), or `folder` with `recurse`.
  private enum ArchivalTarget {
    case files([String])
    case folder(String, recurse: Bool)

    init(_ input: PlatformInput) throws(DXPlatformError) {
      let files = try input.strings("files")
      let folder = try input.string("folder")
      let recurse = try input.bool("recurse") ?? false
      switch (files, folder) {
      case (let files?, nil):
        guard !files.isEmpty else { throw .invalidInput("\"files\" must name at least one file") }
        for id in files where !IDGenerator.isValid(id, klass: "file") {
          throw .invalidInput("\"files\" must hold file IDs; \"\(id)\" is not one")
        }
        self = .files(files)
      case (nil, let folder?):
        self = .folder(try PlatformState.normalizeFolder(folder), recurse: recurse)
      case (nil, nil):
        throw .invalidInput("Expected input to have the field \"files\" or \"folder\"")
      case (_?, _?):
        throw .invalidInput("Give either \"files\" or \"folder\", not both")
      }
    }

    /// The closed files in `project` the target names.
    /// - Throws: ResourceNotFound for a missing folder or a file not in the project.
    func files(in project: ProjectState, state: PlatformState) throws(DXPlatformError) -> [DataObjectState] {
      switch self {
      case .files(let ids):
        var found: [DataObjectState] = []
        for id in ids {
          guard let object = state.objects[id], object.copies[project.id] != nil else {
            throw .resourceNotFound("The file \(id) could not be found in \(project.id)")
          }
          guard object.klass == "file" else { throw .invalidInput("\(id) is not a file") }
          found.append(object)
        }
        return found
      case .folder(let folder, let recurse):
        guard project.folders.contains(folder) else {
          throw .resourceNotFound("Folder \"\(folder)\" does not exist in project \"\(project.id)\"")
        }
        let index = state.index[project.id] ?? ProjectIndex()
        let folders = recurse ? project.folders.subtree(of: folder) : [folder]
        let ids = folders.flatMap { index.byFolder[$0] ?? [] }.sorted()
        return ids.compactMap { state.objects[$0] }.filter { $0.klass == "file" && $0.state == "closed" }
      }
    }
  }

  private func archive(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let target = try ArchivalTarget(input)
    let allCopies = try input.bool("allCopies") ?? false
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .contribute)
      if allCopies, project.billTo != call.caller,
        state.directory.orgs[project.billTo]?.isAdmin(call.caller) != true
      {
        throw .permissionDenied(
          "allCopies needs ADMIN in the org \(project.billTo) that \(project.id) is billed to")
      }
      let files = try target.files(in: project, state: state)
      for file in files where file.state != "closed" {
        throw .invalidState("\(file.id) is not closed, so it cannot be archived")
      }
      var count = 0
      for file in files {
        // With allCopies every copy billed to the same entity goes; otherwise only this project's.
        let projects =
          allCopies
          ? file.copies.keys.filter { state.projects[$0]?.billTo == project.billTo } : [project.id]
        var changed = false
        try state.updateObject(file.id) { (object: inout DataObjectState) throws(DXPlatformError) in
          for id in projects where object.copies[id]?.archivalState == nil {
            object.copies[id]?.archivalState = "archival"
            changed = true
          }
        }
        if changed {
          count += 1
          state.scheduleTransition(file.id)
        }
      }
      return ["count": .integer(count)]
    }
  }

  private func unarchive(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let target = try ArchivalTarget(input)
    let rateName = try input.string("rate") ?? "Standard"
    guard let rate = Self.unarchivalRates[rateName] else {
      throw .invalidInput("\"rate\" must be Expedited, Standard or Bulk, not \"\(rateName)\"")
    }
    let dryRun = try input.bool("dryRun") ?? false
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .contribute)
      let files = try target.files(in: project, state: state).filter {
        $0.copies[project.id]?.archivalState == "archived"
      }
      let bytes = files.reduce(0) { $0 + ($1.size ?? 0) }
      let gigabytes = Double(bytes) / 1_073_741_824
      let result: DXJSON = [
        "files": .integer(files.count), "size": .double(gigabytes),
        "cost": .double((gigabytes * rate).rounded()),
      ]
      guard !dryRun else { return result }
      for file in files {
        // The file comes back for every copy.
        try state.updateObject(file.id) { (object: inout DataObjectState) throws(DXPlatformError) in
          for id in object.copies.keys where object.copies[id]?.archivalState == "archived" {
            object.copies[id]?.archivalState = "unarchiving"
          }
        }
        state.scheduleTransition(file.id)
      }
      return result
    }
  }
}
