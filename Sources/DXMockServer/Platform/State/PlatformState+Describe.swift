import DXWire

// MARK: - Describe output

extension PlatformState {
  /// The fields selected by a describe input: `fields`, `defaultFields`, `properties`, `details`.
  struct DescribeOptions: Sendable {
    var fields: Set<String>?
    var defaultFields = false
    var properties = false
    var details = false

    /// Options from a describe input (`true` or an object); `false`/absent give the defaults.
    /// - Throws: InvalidInput for wrong types.
    init(_ json: DXJSON?, field: String = "describe") throws(DXPlatformError) {
      guard let json, !json.isNull else { return }
      if json.boolValue != nil { return }
      guard let members = json.objectValue else {
        throw .invalidInput("Expected \"\(field)\" to be a boolean or an object, but got \(json.typeName)")
      }
      let input = try PlatformInput(.object(members))
      if let fields = try input.object("fields") {
        var selected: Set<String> = []
        for (name, value) in fields {
          guard let flag = value.boolValue else {
            throw .invalidInput("Expected every value of \"fields\" to be a boolean (field \"\(name)\")")
          }
          if flag { selected.insert(name) }
        }
        self.fields = selected
      }
      defaultFields = try input.bool("defaultFields") ?? false
      properties = try input.bool("properties") ?? false
      details = try input.bool("details") ?? false
    }

    /// Whether to include `name`, which is a default field when `isDefault`.
    func wants(_ name: String, isDefault: Bool) -> Bool {
      if let fields {
        if fields.contains(name) { return true }
        if name == "id" { return true }
        return defaultFields && isDefault
      }
      if isDefault { return true }
      if name == "properties" { return properties }
      if name == "details" { return details }
      return false
    }
  }

  /// Describes `object` as seen through its copy in `project`.
  func describe(_ object: DataObjectState, in project: String, options: DescribeOptions) -> DXJSON {
    let copy = object.copies[project] ?? ObjectCopy(name: object.id, folder: "/", added: object.created)
    var all: [String: DXJSON] = [
      "id": .string(object.id),
      "project": .string(project),
      "class": .string(object.klass),
      "types": .array(object.types.map(DXJSON.string)),
      "created": .integer(object.created),
      "modified": .integer(object.modified),
      "state": .string(object.state),
      "hidden": .bool(object.hidden),
      "links": .array(object.links.map(DXJSON.string)),
      "name": .string(copy.name),
      "folder": .string(copy.folder),
      "tags": .array(copy.tags.map(DXJSON.string)),
      "sponsored": .bool(false),
      "createdBy": .object(["user": .string(object.createdBy)]),
    ]
    var extras: [String: DXJSON] = [
      "properties": .object(copy.properties.mapValues(DXJSON.string)),
      "details": object.details,
    ]
    switch object.klass {
    case "file":
      all["media"] = object.media.map(DXJSON.string) ?? .string("")
      all["size"] = .integer(object.size ?? object.parts.values.reduce(0) { $0 + $1.size })
      all["archivalState"] = .string(copy.archivalState ?? "live")
      var parts: [String: DXJSON] = [:]
      for (index, part) in object.parts {
        parts[String(index)] = .object([
          "state": .string(part.state), "size": .integer(part.size), "md5": .string(part.md5),
        ])
      }
      extras["parts"] = .object(parts)
    case "workflow":
      let workflow = object.workflow ?? WorkflowData()
      all["title"] = workflow.title.map(DXJSON.string) ?? .string(copy.name)
      all["summary"] = .string(workflow.summary)
      all["description"] = .string(workflow.description)
      all["outputFolder"] = workflow.outputFolder.map(DXJSON.string) ?? .null
      all["inputs"] = workflow.inputs ?? .null
      all["outputs"] = workflow.outputs ?? .null
      all["stages"] = .array(workflow.stages)
      all["editVersion"] = .integer(workflow.editVersion)
      for (key, value) in workflowFields(workflow) { all[key] = value }
    case "applet":
      if let applet = object.applet {
        for (key, value) in Self.executableFields(applet, name: copy.name) { all[key] = value }
      }
    case "database", "dbcluster":
      for (key, value) in databaseFields(object, in: project) { all[key] = value }
    default:
      break
    }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    for (key, value) in extras where options.wants(key, isDefault: false) { result[key] = value }
    return .object(result)
  }

  /// The fields an applet (and an app built from one) describes: title (when given), summary, description,
  /// developer notes, `dxapi`, access, the input/output specifications and `runSpec` without its code.
  ///
  /// `inputSpec` and `outputSpec` are left out when the executable has none (not `null`: `dx run`
  /// iterates them when the key is there).
  static func executableFields(_ spec: AppletData, name: String) -> [String: DXJSON] {
    var fields: [String: DXJSON] = [
      "summary": .string(spec.summary),
      "description": .string(spec.description),
      "developerNotes": .string(spec.developerNotes),
      "dxapi": .string(spec.dxapi),
      "access": spec.access,
      "runSpec": spec.runSpecWithoutCode,
      "ignoreReuse": .bool(spec.ignoreReuse),
      "treeTurnaroundTimeThreshold": spec.treeTurnaroundTimeThreshold.map(DXJSON.integer) ?? .null,
    ]
    // The platform leaves `title` out when none was given.
    if let title = spec.title { fields["title"] = .string(title) }
    if let inputSpec = spec.inputSpec { fields["inputSpec"] = inputSpec }
    if let outputSpec = spec.outputSpec { fields["outputSpec"] = outputSpec }
    return fields
  }

  /// The upload limits the mock advertises (the AWS values).
  static let fileUploadParameters: DXJSON = [
    "maximumPartSize": 5_368_709_120, "minimumPartSize": 5_242_880, "maximumFileSize": 5_497_558_138_880,
    "maximumNumParts": 10000, "emptyLastPartAllowed": true,
  ]

  /// Describes `project` for `user`. `input` is the describe input (`fields`, `folders`, …).
  func describe(_ project: ProjectState, for user: String, input: [String: DXJSON]) throws(DXPlatformError)
    -> DXJSON
  {
    var options = try DescribeOptions(.object(input))
    if input["folders"]?.boolValue == true {
      options.fields = (options.fields ?? []).union(["folders"])
      if input["fields"] == nil { options.defaultFields = true }
    }
    let dataUsage = self.dataUsage[project.id] ?? 0
    var all: [String: DXJSON] = [
      "id": .string(project.id),
      "class": .string(project.klass),
      "name": .string(project.name),
      "summary": .string(project.summary),
      "description": .string(project.description),
      "tags": .array(project.tags.map(DXJSON.string)),
      "created": .integer(project.created),
      "modified": .integer(project.modified),
      "createdBy": .object(["user": .string(project.createdBy)]),
      "billTo": .string(project.billTo),
      "level": .string(effectiveLevel(of: user, in: project)?.name ?? "NONE"),
      "dataUsage": .double(Double(dataUsage) / 1_073_741_824),
      "storageCost": .double(0),
      "sponsoredDataUsage": .double(0),
      "remoteDataUsage": .double(0),
      "region": .string(project.region),
      "version": .integer(1),
      "currency": .object(["dxCode": 0, "code": "USD", "symbol": "$", "symbolPosition": "left"]),
      "archivedDataUsage": .double(0),
      "public": .bool(project.flags["public"] ?? false),
      "totalSponsoredEgressBytes": .integer(0),
      "consumedSponsoredEgressBytes": .integer(0),
      "atSpendingLimit": .bool(false),
      "isTransferrable": .bool(true),
      "defaultSymlink": .null,
      "databaseResultsRestricted": project.settings["databaseResultsRestricted"] ?? .null,
      "allowedExecutables": project.settings["allowedExecutables"] ?? .null,
    ]
    for flag in ProjectState.flagNames { all[flag] = .bool(project.flags[flag] ?? false) }
    if let until = project.settings["sponsoredUntil"] { all["sponsoredUntil"] = until }
    var permissions: [String: DXJSON] = [:]
    for (member, level) in project.members { permissions[member] = .string(level.name) }
    let extras: [String: DXJSON] = [
      "folders": .array(project.folders.paths.map(DXJSON.string)),
      "properties": .object(project.properties.mapValues(DXJSON.string)),
      "permissions": .object(permissions),
      "fileUploadParameters": Self.fileUploadParameters,
    ]
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    for (key, value) in extras where options.wants(key, isDefault: false) { result[key] = value }
    return .object(result)
  }
}
