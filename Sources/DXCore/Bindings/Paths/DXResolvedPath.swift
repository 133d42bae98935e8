/// What a path resolved to: a folder in a project, or the objects it names.
public struct DXResolvedPath: Sendable, Hashable {
  /// The project (`nil` for a job-output reference).
  public var project: String?
  /// The folder, when the path named a folder.
  public var folder: String?
  /// The objects, when the path named objects.
  public var objects: [DXDataObjectResult]
}

extension DXClient {
  /// Splits `path` and looks up a project given by name (dxpy's `resolve_path`).
  /// - Returns: The project (or job) ID, the folder and the name.
  /// - Throws: ``DXBindingError/resolution(_:)`` when the path is malformed or the project name matches
  ///   no project or several.
  public func resolvePath(_ path: String, expected: DXPath.Expected? = nil) async throws -> (
    project: String, folder: String?, name: String?
  ) {
    let platform = try? currentPlatform()
    let parsed = try DXPath(
      parsing: path, expected: expected, workspace: defaultProject,
      workingDirectory: platform?.cliWorkingDirectory ?? "/")
    switch parsed.project {
    case .id(let id), .job(let id): return (id, parsed.folder, parsed.name)
    case .name(let name):
      let found = try await findProjects(DXProjectQuery(name: .exact(name), level: "VIEW", describe: true))
        .collect()
      guard let first = found.first else {
        throw DXBindingError.resolution("Could not find a project named \"\(name)\"")
      }
      guard found.count == 1 else {
        throw DXBindingError.resolution(
          "Found multiple projects with name \"\(name)\"; please use a project ID to specify the desired project"
        )
      }
      return (first.id, parsed.folder, parsed.name)
    }
  }

  /// Resolves `path` to the folder or the objects it names (dxpy's `resolve_existing_path`): an ID is
  /// described (in the project when it is there), a name is searched for in its folder (globs allowed),
  /// and a name that matches nothing may name a folder.
  /// - Parameters:
  ///   - path: The path.
  ///   - expectedClasses: Object classes to accept for an ID; another class gives no object.
  ///   - allowMultiple: Accept several matches for a name (dxpy asks the user to pick one). Default
  ///     `false`.
  ///   - visibility: `visible`, `hidden` or `either` (default).
  ///   - options: Headers, timeout, retries.
  /// - Throws: ``DXBindingError/resolution(_:)`` when it resolves to nothing or, without
  ///   `allowMultiple`, to several objects.
  public func resolveExistingPath(
    _ path: String, expectedClasses: Set<String>? = nil, allowMultiple: Bool = false,
    visibility: String = "either",
    options: DXRequestOptions = .init()
  ) async throws -> DXResolvedPath {
    let (project, folder, name) = try await resolvePath(path)
    guard let name else { return DXResolvedPath(project: project, folder: folder, objects: []) }
    if DXID.isJobID(project) {
      return DXResolvedPath(
        project: nil, folder: nil, objects: try await resolveJobOutput(project, field: name))
    }
    if DXID.isHashID(name) {
      if let expectedClasses, let idClass = DXID.idClass(of: name), !expectedClasses.contains(idClass) {
        return DXResolvedPath(project: nil, folder: nil, objects: [])
      }
      var description: DXJSON
      do {
        description = try await call("/\(name)/describe", ["project": .string(project)], options: options)
      } catch is DXAPIError {
        do {
          description = try await call("/\(name)/describe", [:], options: options)
        } catch {
          throw DXBindingError.resolution("\(error)")
        }
      }
      description = try await appendUnderlyingWorkflowDescribe(description, options: options)
      let result = try DXDataObjectResult(json: ["id": .string(name), "describe": description])
      return DXResolvedPath(project: project, folder: folder, objects: [result])
    }
    var query = DXDataObjectQuery(name: .glob(name), project: project, folder: folder, recurse: false)
    query.describe = true
    query.visibility = visibility
    let results = try await findDataObjects(query, options: options).collect()
    if results.isEmpty {
      let (parent, _) = DXPath.cleanFolderPath((folder ?? "/") + "/" + name, .folder)
      guard !name.contains("/"), try await folderExists(project: project, parent: folder ?? "/", name: name)
      else {
        throw DXBindingError.resolution(
          "Unable to resolve \"\(name)\" to a data object or folder name in '\(folder ?? "/")'")
      }
      return DXResolvedPath(project: project, folder: parent, objects: [])
    }
    if results.count > 1, !allowMultiple {
      throw DXBindingError.resolution("The given path \"\(path)\" resolves to \(results.count) data objects")
    }
    return DXResolvedPath(project: project, folder: nil, objects: results)
  }

  private func folderExists(project: String, parent: String, name: String) async throws -> Bool {
    let listing = try await call("/\(project)/listFolder", ["folder": .string(parent), "only": "folders"])
    let target = (parent == "/" ? "" : parent) + "/" + name
    return listing.stringArray("folders").contains(target)
  }

  /// The objects a done job's output field links to (dxpy's `resolve_job_ref`); `field.N` picks one
  /// element of an array output.
  private func resolveJobOutput(_ job: String, field: String) async throws -> [DXDataObjectResult] {
    let description = try await call("/\(job)/describe")
    let state = description["state"]?.stringValue ?? "unknown"
    guard state == "done" else {
      throw DXBindingError.resolution(
        "the job \(job) is \(state), and it must be in the done state for its outputs to be accessed")
    }
    var name = field
    var index: Int?
    if let dot = field.lastIndex(of: "."), let number = Int(field[field.index(after: dot)...]) {
      name = String(field[..<dot])
      index = number
    }
    guard var value = description["output"]?[name], !value.isNull else {
      let fields = description["output"]?.objectValue?.keys.sorted().joined(separator: ", ") ?? ""
      throw DXBindingError.resolution(
        "Could not find \"\(name)\" as an output field name of \(job); available fields are: \(fields)")
    }
    if let index {
      guard let elements = value.arrayValue, elements.indices.contains(index) else {
        throw DXBindingError.resolution(
          "Found \"\(name)\" as an output field name of \(job), but the specified index \(index) is out of range"
        )
      }
      value = elements[index]
    }
    let links = value.arrayValue ?? [value]
    var results: [DXDataObjectResult] = []
    for link in links {
      guard let id = try? DXLink(json: link).objectID else {
        throw DXBindingError.resolution(
          "Found \"\(name)\" as an output field name of \(job), but it is not of a data object class")
      }
      let describe = try await call("/\(id)/describe", ["project": description["project"] ?? .null])
      results.append(try DXDataObjectResult(json: ["id": .string(id), "describe": describe]))
    }
    return results
  }
}
