import DXWire

// MARK: - The routes apps and global workflows share (`app-xxxx/…`, `globalworkflow-xxxx/…`)

extension MockPlatform {
  /// Registers publish, tags, categories, developers, authorized users and delete for `kind`.
  func registerSharedExecutableRoutes<Version>(
    _ kind: GlobalExecutableKind<Version>, into router: inout PlatformRouter
  ) {
    let prefix = "/\(kind.klass)-xxxx/"
    router.register(prefix + "publish") { call throws(DXPlatformError) in
      let makeDefault = try Self.input(call).bool("makeDefault") ?? false
      return try self.editExecutable(kind, call, what: "publish") {
        version, _, state, now throws(DXPlatformError) in
        guard version.published == 0 else {
          throw .invalidState(
            "\(version.name) version \(version.version) (\(version.id)) is already published")
        }
        version.published = now
        let hasDefault = kind.versions(state, version.name).contains {
          $0.id != version.id && !$0.deleted && $0.tags.contains("default")
        }
        if makeDefault || !hasDefault { Self.moveTags(["default"], to: &version, kind: kind, state: &state) }
      }
    }
    router.register(prefix + "addTags") { call throws(DXPlatformError) in
      let tags = try Self.executableTags(Self.input(call))
      return try self.editExecutable(kind, call, what: "tag") {
        version, _, state, _ throws(DXPlatformError) in
        Self.moveTags(tags, to: &version, kind: kind, state: &state)
      }
    }
    router.register(prefix + "removeTags") { call throws(DXPlatformError) in
      let tags = try Self.executableTags(Self.input(call))
      return try self.editExecutable(kind, call, what: "untag") { version, _, _, _ throws(DXPlatformError) in
        version.tags.removeAll { tags.contains($0) }
      }
    }
    router.register(prefix + "addCategories") { call throws(DXPlatformError) in
      let categories = try Self.requiredList(call, "categories")
      return try self.editExecutable(kind, call, what: "categorize") {
        version, _, _, _ throws(DXPlatformError) in
        Self.add(categories, to: &version.categories)
      }
    }
    router.register(prefix + "removeCategories") { call throws(DXPlatformError) in
      let categories = try Self.requiredList(call, "categories")
      return try self.editExecutable(kind, call, what: "categorize") {
        version, _, _, _ throws(DXPlatformError) in
        version.categories.removeAll { categories.contains($0) }
      }
    }
    router.register(prefix + "listCategories") { call throws(DXPlatformError) in
      try self.readExecutable(kind, call) { version, _ in
        ["categories": .array(version.categories.map(DXJSON.string))]
      }
    }
    router.register(prefix + "addDevelopers") { call throws(DXPlatformError) in
      let users = try Self.requiredList(call, "developers")
      return try self.editExecutable(kind, call, what: "add developers to") {
        _, family, state, _ throws(DXPlatformError) in
        for user in users where !state.isKnownPrincipal(user) {
          throw .resourceNotFound("The user \(user) could not be found")
        }
        Self.add(users, to: &family.developers)
      }
    }
    router.register(prefix + "removeDevelopers") { call throws(DXPlatformError) in
      let users = try Self.requiredList(call, "developers")
      return try self.editExecutable(kind, call, what: "remove developers from") {
        _, family, _, _ throws(DXPlatformError) in
        family.developers.removeAll { users.contains($0) }
        guard !family.developers.isEmpty else {
          throw .invalidState("An \(kind.noun) must keep at least one developer")
        }
      }
    }
    router.register(prefix + "listDevelopers") { call throws(DXPlatformError) in
      try self.readExecutable(kind, call) { _, family in
        ["developers": .array(family.developers.map(DXJSON.string))]
      }
    }
    router.register(prefix + "addAuthorizedUsers") { call throws(DXPlatformError) in
      let users = try Self.authorizedUsers(call)
      return try self.editExecutable(kind, call, what: "authorize users of") {
        _, family, _, _ throws(DXPlatformError) in
        Self.add(users, to: &family.authorizedUsers)
      }
    }
    router.register(prefix + "removeAuthorizedUsers") { call throws(DXPlatformError) in
      let users = try Self.authorizedUsers(call)
      return try self.editExecutable(kind, call, what: "deauthorize users of") {
        _, family, _, _ throws(DXPlatformError) in
        family.authorizedUsers.removeAll { users.contains($0) }
      }
    }
    router.register(prefix + "listAuthorizedUsers") { call throws(DXPlatformError) in
      try self.readExecutable(kind, call, developerOnly: true) { _, family in
        ["authorizedUsers": .array(family.authorizedUsers.map(DXJSON.string))]
      }
    }
    router.register(prefix + "delete") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.editExecutable(kind, call, what: "delete") { version, _, _, _ throws(DXPlatformError) in
        version.deleted = true
        version.tags = []
      }
    }
  }

  // MARK: - Helpers

  /// The `tags` of a tag route: required, non-empty, and not versions.
  static func executableTags(_ input: PlatformInput) throws(DXPlatformError) -> [String] {
    let tags = try requiredTags(input)
    for tag in tags where tag.isEmpty || isVersion(tag) {
      throw .invalidInput("A tag must be non-empty and must not be a version: \"\(tag)\"")
    }
    return tags
  }

  /// The `authorizedUsers` input: `"PUBLIC"`, `user-…` or `org-…` entries.
  static func authorizedUsers(_ call: APICall) throws(DXPlatformError) -> [String] {
    let users = try requiredList(call, "authorizedUsers")
    for user in users where user != "PUBLIC" && !user.hasPrefix("user-") && !user.hasPrefix("org-") {
      throw .invalidInput("An authorized user must be \"PUBLIC\", a user ID or an org ID, not \"\(user)\"")
    }
    return users
  }

  /// The `name` and `version` of an `app/new` or `globalworkflow/new` input: a name of letters,
  /// digits, `.`, `_` and `-`; a version of those and `+` (the platform recommends semantic versions
  /// but accepts others).
  /// - Throws: InvalidInput naming the field.
  static func executableNameAndVersion(_ input: PlatformInput, noun: String) throws(DXPlatformError)
    -> (String, String)
  {
    let name = try input.requiredString("name")
    guard !name.isEmpty, name.count <= 256,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
    else {
      throw .invalidInput(
        "A\(noun.first == "a" ? "n" : "") \(noun) name may contain only letters, numbers, \".\", \"_\" and \"-\": \"\(name)\""
      )
    }
    let version = try input.requiredString("version")
    guard !version.isEmpty, version.count <= 256,
      version.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._+-".contains($0)) })
    else {
      throw .invalidInput(
        "\"version\" may contain only letters, numbers, \".\", \"_\", \"+\" and \"-\" (e.g. 1.0.0), not \"\(version)\""
      )
    }
    return (name, version)
  }

  /// Whether `text` is a semantic version (`1.0.0`, `1.2.3-beta.1+build`).
  static func isVersion(_ text: String) -> Bool {
    text.range(
      of: #"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"#, options: .regularExpression)
      != nil
  }

  /// Gives `version` the `tags`, taking them from the name's other versions (a tag names one version).
  static func moveTags<Version>(
    _ tags: [String], to version: inout Version, kind: GlobalExecutableKind<Version>,
    state: inout PlatformState
  ) {
    for var other in kind.versions(state, version.name) where other.id != version.id {
      guard other.tags.contains(where: { tags.contains($0) }) else { continue }
      other.tags.removeAll { tags.contains($0) }
      kind.store(&state, other)
    }
    add(tags, to: &version.tags)
  }

  /// Reads the version a call names; `developerOnly` requires the caller to be a developer.
  func readExecutable<Version>(
    _ kind: GlobalExecutableKind<Version>, _ call: APICall, developerOnly: Bool = false,
    _ body: (Version, AppFamily) -> DXJSON
  ) throws(DXPlatformError) -> DXJSON {
    _ = try Self.input(call)
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let version = try state.globalExecutable(kind, call.target, alias: call.alias, for: call.caller)
      let family = kind.family(state, version.name) ?? AppFamily(name: version.name, developers: [])
      if developerOnly, !family.isDeveloper(call.caller) {
        throw .permissionDenied("Only developers of the \(kind.noun) \(version.name) can do this")
      }
      return body(version, family)
    }
  }

  /// Changes the version a call names (and what its name's versions share) and answers `{"id"}`;
  /// the caller must be a developer unless `developerOnly` is false.
  func editExecutable<Version>(
    _ kind: GlobalExecutableKind<Version>, _ call: APICall, what: String, developerOnly: Bool = true,
    _ edit: (inout Version, inout AppFamily, inout PlatformState, _ now: Int) throws(DXPlatformError) -> Void
  ) throws(DXPlatformError) -> DXJSON {
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      var version = try state.globalExecutable(kind, call.target, alias: call.alias, for: call.caller)
      var family = kind.family(state, version.name) ?? AppFamily(name: version.name, developers: [])
      if developerOnly, !family.isDeveloper(call.caller) {
        throw .permissionDenied("Only developers of the \(kind.noun) \(version.name) can \(what) it")
      }
      guard !version.deleted else { throw .invalidState("The \(kind.noun) \(version.id) has been deleted") }
      let before = version
      let now = store.now()
      try edit(&version, &family, &state, now)
      if version != before {
        version.modified = now
        kind.store(&state, version)
      }
      if family != kind.family(state, version.name) { kind.storeFamily(&state, family) }
      return ["id": .string(version.id)]
    }
  }
}
