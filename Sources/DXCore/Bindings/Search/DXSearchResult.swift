/// One search result: the ID, the project and access level when the route gives them, the typed
/// description when `describe` was asked for, and the whole result.
public struct DXSearchResult<Description: DXDescription>: Sendable, Hashable {
  /// The ID.
  public var id: String
  /// The project (data-object searches).
  public var project: String?
  /// The caller's access level (project searches).
  public var level: String?
  /// The description, when asked for.
  public var describe: Description?
  /// The whole result.
  public var raw: DXJSON

  /// Reads a result.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when it has no `id` or a bad description.
  public init(json: DXJSON) throws(DXBindingError) {
    id = try json.requiredString("id")
    project = json["project"]?.stringValue
    level = json["level"]?.stringValue
    describe = try json["describe"].flatMap { (value) throws(DXBindingError) -> Description? in
      value.objectValue == nil ? nil : try Description(json: value)
    }
    raw = json
  }

  /// A handle of the right type for the result (dxpy's `return_handler=True`).
  /// - Throws: ``DXBindingError`` when the ID's class has no handle.
  public func handler(client: DXClient) throws(DXBindingError) -> any DXHandle {
    try client.handler(for: id, project: project)
  }
}

/// A data-object search result.
public typealias DXDataObjectResult = DXSearchResult<DXDataObjectDescription>
/// A project search result.
public typealias DXProjectResult = DXSearchResult<DXContainerDescription>
/// A job or analysis search result.
public typealias DXExecutionResult = DXSearchResult<DXExecutionDescription>
/// An app, global workflow, org or member search result.
public typealias DXGenericResult = DXSearchResult<DXRawDescription>
