import DXWire

// MARK: - Access checks shared by the routes

extension PlatformState {
  /// The level `user` has in `project`, or `nil` when they have none
  /// (``effectiveLevel(of:in:)``).
  func level(of user: String, in project: String) -> AccessLevel? {
    guard let project = projects[project] else { return nil }
    return effectiveLevel(of: user, in: project)
  }

  /// The project `id` when `user` has at least `minimum` in it.
  /// - Throws: ResourceNotFound for a malformed or unknown ID; PermissionDenied when the level is lower.
  func project(_ id: String, for user: String, atLeast minimum: AccessLevel) throws(DXPlatformError)
    -> ProjectState
  {
    guard let project = projects[id] else {
      if IDGenerator.isValid(id, klass: "project") || IDGenerator.isValid(id, klass: "container") {
        throw .resourceNotFound("The entity \(id) could not be found")
      }
      throw .resourceNotFound("The ID \"\(id)\" is not a valid project or container ID")
    }
    guard let level = effectiveLevel(of: user, in: project) else {
      throw .permissionDenied("\(minimum.name) permission required in \(id) to perform this action")
    }
    guard level >= minimum else {
      throw .permissionDenied(
        "\(minimum.name) permission required in \(id) to perform this action; you have \(level.name)")
    }
    return project
  }

  /// The data object `id`, which must be of `klass` when given.
  /// - Throws: ResourceNotFound for an unknown object; InvalidType for the wrong class.
  func object(_ id: String, klass: String? = nil) throws(DXPlatformError) -> DataObjectState {
    guard let object = objects[id] else {
      throw .resourceNotFound("The entity \(id) could not be found")
    }
    if let klass, object.klass != klass {
      throw .invalidType("\(id) is a \(object.klass), not a \(klass)")
    }
    return object
  }

  /// The project whose copy of `object` `user` should see: `hint` when it holds the object and the user
  /// has `minimum` there, otherwise the first such project (by ID).
  /// - Throws: ResourceNotFound when `hint` names a missing project; PermissionDenied when no copy is
  ///   reachable at `minimum`.
  func copyProject(
    of object: DataObjectState, for user: String, hint: String?, atLeast minimum: AccessLevel
  ) throws(DXPlatformError) -> String {
    if let hint, object.copies[hint] != nil, let level = level(of: user, in: hint), level >= minimum {
      return hint
    }
    // A hint that does not hold the object: the platform answers for the original copy.
    let order =
      hint == nil
      ? object.copies.keys.sorted()
      : object.copies.sorted { ($0.value.added, $0.key) < ($1.value.added, $1.key) }.map(\.key)
    for project in order {
      if let level = level(of: user, in: project), level >= minimum { return project }
    }
    if object.copies.keys.contains(where: { level(of: user, in: $0) != nil }) {
      throw .permissionDenied("\(minimum.name) permission required to perform this action on \(object.id)")
    }
    throw .permissionDenied("You do not have access to a project containing \(object.id)")
  }

  /// The copy of `object` in `project`, which must be there and give `user` at least `minimum`.
  /// - Throws: ResourceNotFound / PermissionDenied.
  func requireCopy(
    of object: DataObjectState, in project: String, for user: String, atLeast minimum: AccessLevel
  ) throws(DXPlatformError) -> ObjectCopy {
    _ = try self.project(project, for: user, atLeast: minimum)
    guard let copy = object.copies[project] else {
      throw .resourceNotFound("The entity \(object.id) could not be found in \(project)")
    }
    return copy
  }
}

// MARK: - Folders

extension PlatformState {
  /// `path` normalised: leading slash required, repeated and trailing slashes removed.
  /// - Throws: InvalidInput for a path not starting with `/` or with `.`/`..` segments.
  static func normalizeFolder(_ path: String, field: String = "folder") throws(DXPlatformError) -> String {
    guard path.hasPrefix("/") else {
      throw .invalidInput("The folder path in \"\(field)\" must start with \"/\": \"\(path)\"")
    }
    // Bounded before splitting: a path of many thousand segments is refused without the work.
    try checkFolderBounds(path, field: field)
    let segments = path.split(separator: "/", omittingEmptySubsequences: true)
    for segment in segments where segment == "." || segment == ".." {
      throw .invalidInput("The folder path in \"\(field)\" must not contain \".\" or \"..\": \"\(path)\"")
    }
    return segments.isEmpty ? "/" : "/" + segments.joined(separator: "/")
  }

  /// Checks a folder path against ``PlatformLimits/maxFolderPathLength`` and
  /// ``PlatformLimits/maxFolderDepth``.
  /// - Throws: InvalidInput naming `field` and the bound.
  static func checkFolderBounds(_ path: String, field: String) throws(DXPlatformError) {
    let length = path.utf8.count
    guard length <= PlatformLimits.maxFolderPathLength else {
      throw .invalidInput(
        "The folder path in \"\(field)\" must be at most \(PlatformLimits.maxFolderPathLength) bytes long, "
          + "not \(length)")
    }
    var depth = 0
    var previous: UInt8 = UInt8(ascii: "/")
    for byte in path.utf8 {
      if previous == UInt8(ascii: "/"), byte != UInt8(ascii: "/") { depth += 1 }
      previous = byte
    }
    guard depth <= PlatformLimits.maxFolderDepth else {
      throw .invalidInput(
        "The folder path in \"\(field)\" must be at most \(PlatformLimits.maxFolderDepth) folders deep, "
          + "not \(depth)")
    }
  }

  /// The parent of a normalised folder (`"/"` for top-level folders and for `"/"`).
  static func parentFolder(_ folder: String) -> String {
    guard let slash = folder.lastIndex(of: "/"), folder != "/" else { return "/" }
    let parent = String(folder[..<slash])
    return parent.isEmpty ? "/" : parent
  }

  /// Whether `folder` is `ancestor` or inside it.
  static func isFolder(_ folder: String, inside ancestor: String) -> Bool {
    ancestor == "/" || folder == ancestor || folder.hasPrefix(ancestor + "/")
  }
}
