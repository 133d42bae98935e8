extension DXClient {
  /// A handle of the right type for an ID or a link (dxpy's `get_handler`): `DXRecord`, `DXFile`,
  /// `DXApplet`, `DXWorkflow`, `DXDatabase` (in `project` when given), `DXProject`, `DXContainer`,
  /// `DXJob`, `DXAnalysis`, `DXApp` and `DXGlobalWorkflow` (also from `app-<name>[/<alias>]`).
  /// - Throws: ``DXBindingError`` when the class is unknown or the ID malformed.
  public func handler(for idOrLink: String, project: String? = nil) throws(DXBindingError) -> any DXHandle {
    guard let idClass = DXID.idClass(of: idOrLink) else {
      throw .invalidArgument("Could not parse link \(idOrLink): Invalid class name")
    }
    switch idClass {
    case DXRecord.idClass: return try DXRecord(idOrLink, project: project, client: self)
    case DXFile.idClass: return try DXFile(idOrLink, project: project, client: self)
    case DXApplet.idClass: return try DXApplet(idOrLink, project: project, client: self)
    case DXWorkflow.idClass: return try DXWorkflow(idOrLink, project: project, client: self)
    case DXDatabase.idClass: return try DXDatabase(idOrLink, project: project, client: self)
    case DXProject.idClass: return try DXProject(idOrLink, client: self)
    case DXContainer.idClass: return try DXContainer(idOrLink, client: self)
    case DXJob.idClass: return try DXJob(idOrLink, client: self)
    case DXAnalysis.idClass: return try DXAnalysis(idOrLink, client: self)
    case DXApp.idClass: return try DXApp(idOrLink, client: self)
    case DXGlobalWorkflow.idClass: return try DXGlobalWorkflow(idOrLink, client: self)
    default:
      throw .invalidArgument("Could not parse link \(idOrLink): Invalid class name: DX\(idClass.capitalized)")
    }
  }

  /// A handle for a link; the link's project is used for data objects unless `project` is given.
  /// - Throws: ``DXBindingError`` when the link does not point at an object.
  public func handler(for link: DXLink, project: String? = nil) throws(DXBindingError) -> any DXHandle {
    guard case .object(let id, let linkProject) = link.target else {
      throw .invalidLink("\(link) does not point at an object")
    }
    return try handler(for: id, project: project ?? linkProject)
  }

  /// A handle to a data object (record, file, applet, workflow, database) for an ID.
  /// - Throws: ``DXBindingError`` when `id` is not a data-object ID.
  public func dataObject(_ id: String, project: String? = nil) throws(DXBindingError) -> any DXDataObject {
    guard let handle = try handler(for: id, project: project) as? any DXDataObject else {
      throw .invalidID(id, classes: DXID.dataObjectClasses.sorted())
    }
    return handle
  }

  /// Describes many data objects in one call (dxpy's `describe` with a list: `system/describeDataObjects`),
  /// limited to `fields` when given; the descriptions come in the order of `ids`.
  public func describeDataObjects(
    _ ids: [String], fields: Set<String>? = nil, options: DXRequestOptions = .init()
  ) async throws -> [DXDataObjectDescription] {
    let describe: DXJSON =
      fields.map { .object(Dictionary(uniqueKeysWithValues: $0.map { ($0, DXJSON.bool(true)) })) } ?? true
    let objects = DXJSON.array(ids.map { ["id": .string($0), "describe": describe] })
    let reply = try await call("/system/describeDataObjects", ["objects": objects], options: options)
    var descriptions: [DXDataObjectDescription] = []
    for result in reply["results"]?.arrayValue ?? [] {
      guard let description = result["describe"] else {
        throw DXBindingError.malformedReply("a describeDataObjects result has no describe")
      }
      descriptions.append(try DXDataObjectDescription(json: description))
    }
    return descriptions
  }
}
