import DXWire

// MARK: - Global workflow describe

extension PlatformState {
  /// Describes a global workflow version for `user` with the fields `options` selects (all are
  /// default fields): the registry fields and `regionalOptions` (each region's underlying workflow
  /// and the container keeping it), but not the stages (they are the underlying workflow's).
  func describe(_ version: GlobalWorkflowState, for user: String, options: DescribeOptions) -> DXJSON {
    let family = globalWorkflows.families[version.name] ?? AppFamily(name: version.name, developers: [])
    var regional: [String: DXJSON] = [:]
    for (region, entry) in version.regionalOptions {
      regional[region] = ["workflow": .string(entry.workflow), "resources": .string(entry.container)]
    }
    var all: [String: DXJSON] = [
      "id": .string(version.id),
      "class": "globalworkflow",
      "name": .string(version.name),
      "version": .string(version.version),
      "aliases": .array(version.aliases.map(DXJSON.string)),
      "createdBy": .string(version.createdBy),
      "created": .integer(version.created),
      "modified": .integer(version.modified),
      "deleted": .bool(version.deleted),
      "isDeveloperFor": .bool(family.isDeveloper(user)),
      "billTo": .string(version.billTo),
      "title": .string(version.title ?? version.name),
      "summary": .string(version.summary),
      "description": .string(version.description),
      "developerNotes": .string(version.developerNotes),
      "categories": .array(version.categories.map(DXJSON.string)),
      "details": version.details,
      "dxapi": "1.0.0",
      "regionalOptions": .object(regional),
    ]
    if version.published > 0 { all["published"] = .integer(version.published) }
    if family.isDeveloper(user) {
      all["authorizedUsers"] = .array(family.authorizedUsers.map(DXJSON.string))
    }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    return .object(result)
  }
}
