/// A project's or container's description: common fields typed, the whole reply in ``raw``.
public struct DXContainerDescription: DXDescription {
  /// The ID.
  public var id: String
  /// `project` or `container`.
  public var containerClass: String?
  /// The name.
  public var name: String?
  /// The region.
  public var region: String?
  /// The caller's access level (`VIEW`, `UPLOAD`, `CONTRIBUTE`, `ADMINISTER`).
  public var level: String?
  /// The folders, when asked for.
  public var folders: [String]?
  /// The tags.
  public var tags: [String]?
  /// The properties, when asked for.
  public var properties: [String: String]?
  /// The upload limits, when asked for (`fields: {"fileUploadParameters": true}`).
  public var fileUploadParameters: DXFileUploadParameters?
  /// The whole reply.
  public var raw: DXJSON

  /// Reads a description.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when `json` has no `id`.
  public init(json: DXJSON) throws(DXBindingError) {
    id = try json.requiredString("id")
    containerClass = json["class"]?.stringValue
    name = json["name"]?.stringValue
    region = json["region"]?.stringValue
    level = json["level"]?.stringValue
    folders = json["folders"]?.arrayValue?.compactMap(\.stringValue)
    tags = json["tags"]?.arrayValue?.compactMap(\.stringValue)
    properties = json.stringDictionary("properties")
    fileUploadParameters = try json["fileUploadParameters"].map { (value) throws(DXBindingError) in
      try DXFileUploadParameters(json: value)
    }
    raw = json
  }

  /// The member `key` of the reply.
  public subscript(key: String) -> DXJSON? { raw[key] }
}
