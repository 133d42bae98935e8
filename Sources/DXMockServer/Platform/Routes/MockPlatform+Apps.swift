import DXWire
import Foundation

// MARK: - /system/findApps, /app/new and the app-xxxx routes (apps by ID or `app-name[/alias]`)

extension MockPlatform {
  func registerAppRoutes(into router: inout PlatformRouter) {
    router.register("/system/findApps") { call throws(DXPlatformError) in
      var query = try AppQuery(Self.input(call), route: "findApps")
      query.name = try self.resolveNames(query.name) { state in Set(state.appFamilies.keys) }
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        query.run(.apps, on: state, for: call.caller)
      }
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
    registerSharedExecutableRoutes(.apps, into: &router)
    for (method, install) in [("install", true), ("uninstall", false)] {
      router.register("/app-xxxx/\(method)") { call throws(DXPlatformError) in
        try self.editExecutable(.apps, call, what: method, developerOnly: false) {
          _, family, _, _ throws(DXPlatformError) in
          family.installedBy.removeAll { $0 == call.caller }
          if install { family.installedBy.append(call.caller) }
        }
      }
    }
    router.register("/app-xxxx/update") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let update = try AppFields(input)
      let regional = try Self.regionalApplets(input)
      return try self.editExecutable(.apps, call, what: "update") {
        app, _, state, _ throws(DXPlatformError) in
        guard app.published == 0 else {
          throw .invalidState("\(app.name) version \(app.version) is published, so it cannot be updated")
        }
        if let regional {
          let (applet, spec, options) = try Self.resolveRegionalApplets(
            regional, billTo: app.billTo, for: call.caller, state: state)
          app.spec = spec
          app.applet = applet
          app.regionalOptions = options
        }
        update.apply(to: &app)
      }
    }
  }

  // MARK: - app/new

  private func appNew(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let regional = try Self.regionalApplets(input) else {
      throw .invalidInput("Expected input to have the field \"applet\" or \"regionalOptions\"")
    }
    let (name, version) = try Self.executableNameAndVersion(input, noun: "app")
    let fields = try AppFields(input)
    let billTo = try input.string("billTo") ?? call.caller
    let openSource = try input.bool("openSource") ?? false
    let developers = try input.strings("developers") ?? []
    let authorized = input.has("authorizedUsers") ? try Self.authorizedUsers(call) : nil
    return try withNonce(call, route: "/app/new") { (state: inout PlatformState) throws(DXPlatformError) in
      try state.requireBillable(billTo, by: call.caller, what: "an app")
      let (applet, spec, options) = try Self.resolveRegionalApplets(
        regional, billTo: billTo, for: call.caller, state: state)
      var family = state.appFamilies[name] ?? AppFamily(name: name, developers: [call.caller])
      guard family.isDeveloper(call.caller) else {
        throw .permissionDenied("Only developers of the app \(name) can create new versions of it")
      }
      let versions = state.appVersions(named: name)
      if versions.contains(where: { $0.version == version }) {
        // dxpy's app builder recognises this exact message and updates the version instead.
        throw .invalidInput("Specified name and version conflict with an existing alias")
      }
      for user in developers where !state.isKnownPrincipal(user) {
        throw .resourceNotFound("The user \(user) could not be found")
      }
      Self.add(developers, to: &family.developers)
      if let authorized { Self.add(authorized, to: &family.authorizedUsers) }
      let now = store.now()
      var app = AppState(
        id: state.newID("app"), name: name, version: version, created: now, modified: now,
        createdBy: call.caller, billTo: billTo, applet: applet, spec: spec)
      app.openSource = openSource
      app.regionalOptions = options
      fields.apply(to: &app)
      if !versions.contains(where: { !$0.deleted && $0.tags.contains("default") }) { app.tags = ["default"] }
      state.storeApp(app)
      state.storeAppFamily(family)
      return ["id": .string(app.id)]
    }
  }

  // MARK: - Helpers

  /// The applets an `app/new` or `update` input builds from, by region: `applet` (its project's
  /// region, filled in by ``resolveRegionalApplets(_:billTo:for:state:)``, keyed `""` here) or the
  /// `applet` of each `regionalOptions` entry; `nil` when the input has neither.
  /// - Throws: InvalidInput for a malformed `regionalOptions` or both forms at once.
  static func regionalApplets(_ input: PlatformInput) throws(DXPlatformError) -> [String: DXJSON]? {
    let direct = try input.string("applet")
    guard let regional = try input.object("regionalOptions") else {
      return direct.map { ["": ["applet": .string($0)]] }
    }
    guard direct == nil else {
      throw .invalidInput("Give either \"applet\" or \"regionalOptions\", not both")
    }
    guard !regional.isEmpty else { throw .invalidInput("\"regionalOptions\" must name at least one region") }
    for (region, options) in regional {
      guard PlatformRegions.isKnown(region) else {
        throw .invalidInput("\"regionalOptions\" names the unknown region \"\(region)\"")
      }
      guard options["applet"]?.stringValue != nil else {
        throw .invalidInput("Expected \"regionalOptions.\(region)\" to have the field \"applet\"")
      }
    }
    return regional
  }

  /// Checks each region's applet (visible to `user`, in a project of that region, a region the
  /// `billTo` may use) and returns the first region's applet, its specification, and the app's
  /// `regionalOptions`.
  /// - Throws: ResourceNotFound, InvalidType (not an applet), PermissionDenied, InvalidInput (an
  ///   applet outside its region, or a region the billTo may not use).
  static func resolveRegionalApplets(
    _ regional: [String: DXJSON], billTo: String, for user: String, state: PlatformState
  ) throws(DXPlatformError) -> (String, AppletData, [String: DXJSON]) {
    var options: [String: DXJSON] = [:]
    var first: (String, AppletData)?
    for region in regional.keys.sorted() {
      guard var entry = regional[region]?.objectValue, let applet = entry["applet"]?.stringValue else {
        continue
      }
      let object = try state.object(applet, klass: "applet")
      let project = try state.copyProject(of: object, for: user, hint: nil, atLeast: .view)
      let appletRegion = state.projects[project]?.region ?? PlatformRegions.defaultRegion
      let wanted = region.isEmpty ? appletRegion : region
      guard object.copies.keys.contains(where: { state.projects[$0]?.region == wanted }) else {
        throw .invalidInput("The applet \(applet) is not in a project in the region \(wanted)")
      }
      guard state.permittedRegions(of: billTo).contains(wanted) else {
        throw .invalidInput("\(billTo) is not permitted to use the region \(wanted)")
      }
      guard let spec = object.applet else {
        throw .internalError("The applet \(applet) has no specification")
      }
      if first == nil { first = (applet, spec) }
      entry["applet"] = .string(applet)
      options[wanted] = .object(entry)
    }
    guard let (applet, spec) = first else { throw .invalidInput("Expected at least one applet") }
    return (applet, spec, options)
  }
}
