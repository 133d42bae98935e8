/// A data object's description: the fields every class has, typed, and the whole reply in ``raw``.
///
/// Fields the reply did not include (because `fields` left them out) are `nil`.
public struct DXDataObjectDescription: DXDescription {
  /// One uploaded part of a file (`parts` in a file's description).
  public struct Part: Sendable, Hashable {
    /// The part's size in bytes.
    public var size: Int
    /// The part's MD5, lower-case hex, when the platform has one.
    public var md5: String?
    /// The part's state (`pending`, `complete`), when given.
    public var state: String?
  }

  /// The object ID.
  public var id: String
  /// The class (`record`, `file`, `applet`, `workflow`, `database`).
  public var objectClass: String?
  /// The project the description was made in.
  public var project: String?
  /// The folder in that project.
  public var folder: String?
  /// The name.
  public var name: String?
  /// `open`, `closing` or `closed`.
  public var state: String?
  /// Whether the object is hidden.
  public var hidden: Bool?
  /// The types.
  public var types: [String]?
  /// The tags.
  public var tags: [String]?
  /// The properties (asked for with ``DXDescribeOptions/includeProperties``).
  public var properties: [String: String]?
  /// The details (asked for with ``DXDescribeOptions/includeDetails``).
  public var details: DXJSON?
  /// Creation time, in milliseconds since 1970.
  public var created: Int?
  /// Last modification time, in milliseconds since 1970.
  public var modified: Int?
  /// A file's size in bytes.
  public var size: Int?
  /// A file's media type.
  public var media: String?
  /// A file's parts by index (`"1"`, `"2"`, …), when asked for.
  public var parts: [String: Part]?
  /// The whole reply.
  public var raw: DXJSON

  /// Reads a description.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when `json` is not an object with an `id`.
  public init(json: DXJSON) throws(DXBindingError) {
    id = try json.requiredString("id")
    objectClass = json["class"]?.stringValue
    project = json["project"]?.stringValue
    folder = json["folder"]?.stringValue
    name = json["name"]?.stringValue
    state = json["state"]?.stringValue
    hidden = json["hidden"]?.boolValue
    types = json["types"]?.arrayValue?.compactMap(\.stringValue)
    tags = json["tags"]?.arrayValue?.compactMap(\.stringValue)
    properties = json.stringDictionary("properties")
    details = json["details"]
    created = json["created"]?.intValue
    modified = json["modified"]?.intValue
    size = json["size"]?.intValue
    media = json["media"]?.stringValue
    parts = json["parts"]?.objectValue?.compactMapValues { part in
      part["size"]?.intValue.map {
        Part(size: $0, md5: part["md5"]?.stringValue, state: part["state"]?.stringValue)
      }
    }
    raw = json
  }

  /// The member `key` of the reply.
  public subscript(key: String) -> DXJSON? { raw[key] }
}
