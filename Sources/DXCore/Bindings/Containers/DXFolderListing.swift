/// What `listFolder` returns: the objects and subfolders of one folder.
public struct DXFolderListing: Sendable, Hashable {
  /// One object in the folder.
  public struct Entry: Sendable, Hashable {
    /// The object ID.
    public var id: String
    /// Its description, when `describe` was asked for.
    public var describe: DXDataObjectDescription?
  }

  /// The objects.
  public var objects: [Entry]
  /// The subfolders, as full paths.
  public var folders: [String]
  /// The whole reply.
  public var raw: DXJSON

  /// Reads a `listFolder` reply.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when an object entry has no `id`.
  public init(json: DXJSON) throws(DXBindingError) {
    var objects: [Entry] = []
    for entry in json["objects"]?.arrayValue ?? [] {
      let description = try entry["describe"].flatMap { (value) throws(DXBindingError) in
        value.objectValue == nil ? nil : try DXDataObjectDescription(json: value)
      }
      objects.append(Entry(id: try entry.requiredString("id"), describe: description))
    }
    self.objects = objects
    folders = json.stringArray("folders")
    raw = json
  }
}
