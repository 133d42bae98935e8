/// A job's or analysis's description: common fields typed, the whole reply in ``raw``.
public struct DXExecutionDescription: DXDescription {
  /// The ID.
  public var id: String
  /// `job` or `analysis`.
  public var executionClass: String?
  /// The name.
  public var name: String?
  /// The state: `idle`, `runnable`, `running`, `waiting_on_output`, `done`, `failed`, `terminated`, ….
  public var state: String?
  /// The project it runs in.
  public var project: String?
  /// The executable (applet, app, workflow) it runs.
  public var executable: String?
  /// Who launched it.
  public var launchedBy: String?
  /// The parent job, for a subjob.
  public var parentJob: String?
  /// The root of its execution tree.
  public var rootExecution: String?
  /// The input.
  public var input: DXJSON?
  /// The output, once done.
  public var output: DXJSON?
  /// Why it failed (e.g. `AppError`), when it did.
  public var failureReason: String?
  /// The failure message, when it failed.
  public var failureMessage: String?
  /// The ID in `failureFrom`, when the failure came from another execution.
  public var failureFrom: String?
  /// Creation time, in milliseconds since 1970.
  public var created: Int?
  /// Last modification time, in milliseconds since 1970.
  public var modified: Int?
  /// The tags.
  public var tags: [String]?
  /// The properties.
  public var properties: [String: String]?
  /// The whole reply.
  public var raw: DXJSON

  /// Reads a description.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when `json` has no `id`.
  public init(json: DXJSON) throws(DXBindingError) {
    id = try json.requiredString("id")
    executionClass = json["class"]?.stringValue
    name = json["name"]?.stringValue
    state = json["state"]?.stringValue
    project = json["project"]?.stringValue
    executable =
      json["executable"]?.stringValue ?? json["applet"]?.stringValue ?? json["app"]?.stringValue
      ?? json["workflow"]?["id"]?.stringValue
    launchedBy = json["launchedBy"]?.stringValue
    parentJob = json["parentJob"]?.stringValue
    rootExecution = json["rootExecution"]?.stringValue
    input = json["input"]
    output = json["output"].flatMap { $0.isNull ? nil : $0 }
    failureReason = json["failureReason"]?.stringValue
    failureMessage = json["failureMessage"]?.stringValue
    failureFrom = json["failureFrom"]?["id"]?.stringValue
    created = json["created"]?.intValue
    modified = json["modified"]?.intValue
    tags = json["tags"]?.arrayValue?.compactMap(\.stringValue)
    properties = json.stringDictionary("properties")
    raw = json
  }

  /// The member `key` of the reply.
  public subscript(key: String) -> DXJSON? { raw[key] }
}
