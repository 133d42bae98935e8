import DXWire

// MARK: - App registry lookups and describe

extension PlatformState {
  /// The versions of the app `name`, oldest first.
  func appVersions(named name: String) -> [AppState] {
    (appIDsByName[name] ?? []).compactMap { apps[$0] }.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
  }

  /// The app version a path names, as `user` may see it: `app-<id>`, or `app-<name>` with an alias
  /// (a version or a tag; `"default"` when absent).
  /// - Throws: ResourceNotFound when nothing matches or `user` may not see the match (the platform
  ///   does not reveal unpublished apps); InvalidInput for an alias after an app ID.
  func app(_ target: String, alias: String?, for user: String) throws(DXPlatformError) -> AppState {
    if let app = apps[target] {
      guard alias == nil else {
        throw .invalidInput("An app ID (\(target)) cannot be followed by a version or tag")
      }
      guard let family = appFamilies[app.name], family.canSee(app, user: user) else {
        throw .resourceNotFound("The entity \(target) could not be found")
      }
      return app
    }
    if alias == nil, IDGenerator.isValid(target, klass: "app") {
      throw .resourceNotFound("The entity \(target) could not be found")
    }
    let name = String(target.dropFirst("app-".count))
    let wanted = alias ?? "default"
    guard let family = appFamilies[name],
      let app = appVersions(named: name).first(where: {
        !$0.deleted && ($0.version == wanted || $0.tags.contains(wanted))
      }), family.canSee(app, user: user)
    else {
      throw .resourceNotFound("No app named \"\(name)\" with the version or tag \"\(wanted)\" could be found")
    }
    return app
  }

  /// Describes an app version for `user` with the fields `options` selects (all are default fields).
  func describe(_ app: AppState, for user: String, options: DescribeOptions) -> DXJSON {
    let family = appFamilies[app.name] ?? AppFamily(name: app.name, developers: [])
    var all = Self.executableFields(app.spec, name: app.name)
    let own: [String: DXJSON] = [
      "id": .string(app.id),
      "class": "app",
      "name": .string(app.name),
      "version": .string(app.version),
      "aliases": .array(app.aliases.map(DXJSON.string)),
      "createdBy": .string(app.createdBy),
      "created": .integer(app.created),
      "modified": .integer(app.modified),
      "published": .integer(app.published),
      "deleted": .bool(app.deleted),
      "installed": .bool(family.installedBy.contains(user)),
      "installs": .integer(family.installedBy.count),
      "isDeveloperFor": .bool(family.isDeveloper(user)),
      "openSource": .bool(app.openSource),
      "billTo": .string(app.billTo),
      "subtitle": .string(app.subtitle),
      "categories": .array(app.categories.map(DXJSON.string)),
      "details": app.details,
      "applet": .string(app.applet),
    ]
    all.merge(own) { _, new in new }
    if family.isDeveloper(user) {
      all["authorizedUsers"] = .array(family.authorizedUsers.map(DXJSON.string))
    }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    return .object(result)
  }
}
