import DXWire
import Foundation

// MARK: - /system/findApps, /app/new and the app-xxxx routes (apps by ID or `app-name[/alias]`)

extension MockPlatform {
  func registerAppRoutes(into router: inout PlatformRouter) {
    router.register("/system/findApps") { call throws(DXPlatformError) in
      var query = try AppQuery(Self.input(call), route: "findApps")
      query.name = try self.resolveNames(query.name) { state in Set(state.appFamilies.keys) }
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        query.run(on: state, for: call.caller)
      }
    }
    router.register("/system/findGlobalWorkflows") { call throws(DXPlatformError) in
      // The same inputs as findApps. The mock has no `globalworkflow/new`, so its global-workflow
      // registry is always empty and every valid query matches nothing (dx describe NAME asks).
      _ = try AppQuery(Self.input(call), route: "findGlobalWorkflows")
      return ["results": [], "next": .null]
    }
    router.register("/app/new") { call throws(DXPlatformError) in try self.appNew(call) }
    router.register("/app-xxxx/describe") { call throws(DXPlatformError) in
      let options = try PlatformState.DescribeOptions(call.input)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let app = try state.app(call.target, alias: call.alias, for: call.caller)
        return state.describe(app, for: call.caller, options: options)
      }
    }
    router.register("/app-xxxx/get") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let app = try state.app(call.target, alias: call.alias, for: call.caller)
        guard var members = state.describe(app, for: call.caller, options: try .init(nil)).objectValue else {
          return .null
        }
        members["runSpec"] = app.spec.runSpec
        return .object(members)
      }
    }
    router.register("/app-xxxx/publish") { call throws(DXPlatformError) in
      let makeDefault = try Self.input(call).bool("makeDefault") ?? false
      return try self.editApp(call, what: "publish") { app, _, state, now throws(DXPlatformError) in
        guard app.published == 0 else {
          throw .invalidState("\(app.name) version \(app.version) (\(app.id)) is already published")
        }
        app.published = now
        let hasDefault = state.appVersions(named: app.name).contains {
          $0.id != app.id && !$0.deleted && $0.tags.contains("default")
        }
        if makeDefault || !hasDefault { Self.moveTags(["default"], to: &app, state: &state) }
      }
    }
    router.register("/app-xxxx/addTags") { call throws(DXPlatformError) in
      let tags = try Self.appTags(Self.input(call))
      return try self.editApp(call, what: "tag") { app, _, state, _ throws(DXPlatformError) in
        Self.moveTags(tags, to: &app, state: &state)
      }
    }
    router.register("/app-xxxx/removeTags") { call throws(DXPlatformError) in
      let tags = try Self.appTags(Self.input(call))
      return try self.editApp(call, what: "untag") { app, _, _, _ throws(DXPlatformError) in
        app.tags.removeAll { tags.contains($0) }
      }
    }
    router.register("/app-xxxx/addCategories") { call throws(DXPlatformError) in
      let categories = try Self.requiredList(call, "categories")
      return try self.editApp(call, what: "categorize") { app, _, _, _ throws(DXPlatformError) in
        Self.add(categories, to: &app.categories)
      }
    }
    router.register("/app-xxxx/removeCategories") { call throws(DXPlatformError) in
      let categories = try Self.requiredList(call, "categories")
      return try self.editApp(call, what: "categorize") { app, _, _, _ throws(DXPlatformError) in
        app.categories.removeAll { categories.contains($0) }
      }
    }
    router.register("/app-xxxx/listCategories") { call throws(DXPlatformError) in
      try self.readApp(call) { app, _ in ["categories": .array(app.categories.map(DXJSON.string))] }
    }
    router.register("/app-xxxx/addDevelopers") { call throws(DXPlatformError) in
      let users = try Self.requiredList(call, "developers")
      return try self.editApp(call, what: "add developers to") {
        _, family, state, _ throws(DXPlatformError) in
        for user in users where !state.users.contains(user) {
          throw .resourceNotFound("The user \(user) could not be found")
        }
        Self.add(users, to: &family.developers)
      }
    }
    router.register("/app-xxxx/removeDevelopers") { call throws(DXPlatformError) in
      let users = try Self.requiredList(call, "developers")
      return try self.editApp(call, what: "remove developers from") {
        _, family, _, _ throws(DXPlatformError) in
        family.developers.removeAll { users.contains($0) }
        guard !family.developers.isEmpty else {
          throw .invalidState("An app must keep at least one developer")
        }
      }
    }
    router.register("/app-xxxx/listDevelopers") { call throws(DXPlatformError) in
      try self.readApp(call) { _, family in ["developers": .array(family.developers.map(DXJSON.string))] }
    }
    router.register("/app-xxxx/addAuthorizedUsers") { call throws(DXPlatformError) in
      let users = try Self.authorizedUsers(call)
      return try self.editApp(call, what: "authorize users of") { _, family, _, _ throws(DXPlatformError) in
        Self.add(users, to: &family.authorizedUsers)
      }
    }
    router.register("/app-xxxx/removeAuthorizedUsers") { call throws(DXPlatformError) in
      let users = try Self.authorizedUsers(call)
      return try self.editApp(call, what: "deauthorize users of") { _, family, _, _ throws(DXPlatformError) in
        family.authorizedUsers.removeAll { users.contains($0) }
      }
    }
    router.register("/app-xxxx/listAuthorizedUsers") { call throws(DXPlatformError) in
      try self.readApp(call, developerOnly: true) { _, family in
        ["authorizedUsers": .array(family.authorizedUsers.map(DXJSON.string))]
      }
    }
    for (method, install) in [("install", true), ("uninstall", false)] {
      router.register("/app-xxxx/\(method)") { call throws(DXPlatformError) in
        try self.editApp(call, what: method, developerOnly: false) {
          _, family, _, _ throws(DXPlatformError) in
          family.installedBy.removeAll { $0 == call.caller }
          if install { family.installedBy.append(call.caller) }
        }
      }
    }
    router.register("/app-xxxx/update") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let update = try AppFields(input)
      let applet = try Self.appletID(input)
      return try self.editApp(call, what: "update") { app, _, state, _ throws(DXPlatformError) in
        guard app.published == 0 else {
          throw .invalidState("\(app.name) version \(app.version) is published, so it cannot be updated")
        }
        if let applet {
          app.spec = try Self.appletSpec(applet, for: call.caller, state: state)
          app.applet = applet
        }
        update.apply(to: &app)
      }
    }
    router.register("/app-xxxx/delete") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.editApp(call, what: "delete") { app, _, _, _ throws(DXPlatformError) in
        app.deleted = true
        app.tags = []
      }
    }
  }

  // MARK: - app/new

  private func appNew(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let applet = try Self.appletID(input) else {
      throw .invalidInput("Expected input to have the field \"applet\" or \"regionalOptions\"")
    }
    let name = try input.requiredString("name")
    guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
    else {
      throw .invalidInput(
        "An app name may contain only letters, numbers, \".\", \"_\" and \"-\": \"\(name)\"")
    }
    let version = try input.requiredString("version")
    guard Self.isVersion(version) else {
      throw .invalidInput("\"version\" must be a semantic version such as 1.0.0, not \"\(version)\"")
    }
    let fields = try AppFields(input)
    let billTo = try input.string("billTo") ?? call.caller
    guard billTo == call.caller else {
      throw .permissionDenied("You cannot bill \(billTo) for an app; only \(call.caller) is allowed")
    }
    let openSource = try input.bool("openSource") ?? false
    let developers = try input.strings("developers") ?? []
    let authorized = input.has("authorizedUsers") ? try Self.authorizedUsers(call) : nil
    return try withNonce(call, route: "/app/new") { (state: inout PlatformState) throws(DXPlatformError) in
      let spec = try Self.appletSpec(applet, for: call.caller, state: state)
      var family = state.appFamilies[name] ?? AppFamily(name: name, developers: [call.caller])
      guard family.isDeveloper(call.caller) else {
        throw .permissionDenied("Only developers of the app \(name) can create new versions of it")
      }
      let versions = state.appVersions(named: name)
      if versions.contains(where: { $0.version == version }) {
        // dxpy's app builder recognises this exact message and updates the version instead.
        throw .invalidInput("Specified name and version conflict with an existing alias")
      }
      for user in developers where !state.users.contains(user) {
        throw .resourceNotFound("The user \(user) could not be found")
      }
      Self.add(developers, to: &family.developers)
      if let authorized { Self.add(authorized, to: &family.authorizedUsers) }
      let now = store.now()
      var app = AppState(
        id: state.newID("app"), name: name, version: version, created: now, modified: now,
        createdBy: call.caller, billTo: billTo, applet: applet, spec: spec)
      app.openSource = openSource
      fields.apply(to: &app)
      if !versions.contains(where: { !$0.deleted && $0.tags.contains("default") }) { app.tags = ["default"] }
      state.storeApp(app)
      state.storeAppFamily(family)
      return ["id": .string(app.id)]
    }
  }

  // MARK: - Helpers

  /// The executable fields of the applet `id`, which `user` must be able to see.
  /// - Throws: ResourceNotFound, InvalidType (not an applet), PermissionDenied.
  static func appletSpec(_ id: String, for user: String, state: PlatformState) throws(DXPlatformError)
    -> AppletData
  {
    let object = try state.object(id, klass: "applet")
    _ = try state.copyProject(of: object, for: user, hint: nil, atLeast: .view)
    guard let spec = object.applet else { throw .internalError("The applet \(id) has no specification") }
    return spec
  }

  /// The applet an `app/new` or `update` input builds from: `applet`, or the `applet` of the
  /// `regionalOptions` entry (the mock has one region, so a single entry is expected).
  /// - Throws: InvalidInput for a malformed `regionalOptions` or both forms at once.
  static func appletID(_ input: PlatformInput) throws(DXPlatformError) -> String? {
    let direct = try input.string("applet")
    guard let regional = try input.object("regionalOptions") else { return direct }
    guard direct == nil else {
      throw .invalidInput("Give either \"applet\" or \"regionalOptions\", not both")
    }
    guard regional.count == 1, let (region, options) = regional.first else {
      throw .invalidInput("\"regionalOptions\" must name exactly one region (the mock has one)")
    }
    guard let applet = options["applet"]?.stringValue else {
      throw .invalidInput("Expected \"regionalOptions.\(region)\" to have the field \"applet\"")
    }
    return applet
  }

  /// Whether `text` is a semantic version (`1.0.0`, `1.2.3-beta.1+build`).
  static func isVersion(_ text: String) -> Bool {
    text.range(
      of: #"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"#, options: .regularExpression)
      != nil
  }

  /// The `tags` of an app tag route: required, non-empty, and not versions.
  static func appTags(_ input: PlatformInput) throws(DXPlatformError) -> [String] {
    let tags = try requiredTags(input)
    for tag in tags where tag.isEmpty || isVersion(tag) {
      throw .invalidInput("An app tag must be non-empty and must not be a version: \"\(tag)\"")
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

  /// Gives `app` the `tags`, taking them from the name's other versions (a tag names one version).
  static func moveTags(_ tags: [String], to app: inout AppState, state: inout PlatformState) {
    for var other in state.appVersions(named: app.name) where other.id != app.id {
      guard other.tags.contains(where: { tags.contains($0) }) else { continue }
      other.tags.removeAll { tags.contains($0) }
      state.storeApp(other)
    }
    add(tags, to: &app.tags)
  }

  /// Reads the app a call names; `developerOnly` requires the caller to be a developer.
  func readApp(
    _ call: APICall, developerOnly: Bool = false, _ body: (AppState, AppFamily) -> DXJSON
  ) throws(DXPlatformError) -> DXJSON {
    _ = try Self.input(call)
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let app = try state.app(call.target, alias: call.alias, for: call.caller)
      let family = state.appFamilies[app.name] ?? AppFamily(name: app.name, developers: [])
      if developerOnly, !family.isDeveloper(call.caller) {
        throw .permissionDenied("Only developers of the app \(app.name) can do this")
      }
      return body(app, family)
    }
  }

  /// Changes the app version a call names (and what its name's versions share) and answers `{"id"}`;
  /// the caller must be a developer unless `developerOnly` is false.
  func editApp(
    _ call: APICall, what: String, developerOnly: Bool = true,
    _ edit: (inout AppState, inout AppFamily, inout PlatformState, _ now: Int) throws(DXPlatformError) -> Void
  ) throws(DXPlatformError) -> DXJSON {
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      var app = try state.app(call.target, alias: call.alias, for: call.caller)
      var family = state.appFamilies[app.name] ?? AppFamily(name: app.name, developers: [])
      if developerOnly, !family.isDeveloper(call.caller) {
        throw .permissionDenied("Only developers of the app \(app.name) can \(what) it")
      }
      guard !app.deleted else { throw .invalidState("The app \(app.id) has been deleted") }
      let before = app
      let now = store.now()
      try edit(&app, &family, &state, now)
      if app != before {
        app.modified = now
        state.storeApp(app)
      }
      if family != state.appFamilies[app.name] { state.storeAppFamily(family) }
      return ["id": .string(app.id)]
    }
  }
}
