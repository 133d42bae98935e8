import DXWire

// MARK: - App registry lookups and describe

extension PlatformState {
  /// The versions of the app `name`, oldest first.
  func appVersions(named name: String) -> [AppState] {
    (appIDsByName[name] ?? []).compactMap { apps[$0] }.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
  }

  /// The app version a path names, as `user` may see it (``globalExecutable(_:_:alias:for:)``).
  func app(_ target: String, alias: String?, for user: String) throws(DXPlatformError) -> AppState {
    try globalExecutable(.apps, target, alias: alias, for: user)
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
      "regionalOptions": .object(
        app.regionalOptions ?? [PlatformRegions.defaultRegion: ["applet": .string(app.applet)]]),
    ]
    all.merge(own) { _, new in new }
    // The platform has no `published` key until the version is published.
    if app.published > 0 { all["published"] = .integer(app.published) }
    if family.isDeveloper(user) {
      all["authorizedUsers"] = .array(family.authorizedUsers.map(DXJSON.string))
    }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    return .object(result)
  }
}
