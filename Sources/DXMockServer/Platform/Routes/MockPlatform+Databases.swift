import DXWire
import Foundation

// MARK: - The database-xxxx routes and /dbcluster/new with the dbcluster-xxxx routes

extension MockPlatform {
  /// The database cluster engines the platform offers.
  static let dbclusterEngines = ["aurora-mysql": "8.0.mysql_aurora.3.04.1", "aurora-postgresql": "14.6"]

  func registerDatabaseRoutes(into router: inout PlatformRouter) {
    router.register("/database-xxxx/close") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.closeObject(call)
    }
    router.register("/database-xxxx/listFolder") { call throws(DXPlatformError) in
      try self.databaseListFolder(call)
    }
    router.register("/database-xxxx/downloadFile") { call throws(DXPlatformError) in
      try self.databaseDownloadFile(call)
    }
    router.register("/database-xxxx/relocate") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let hint = try input.string("project")
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let object = try state.object(call.target, klass: "database")
        _ = try state.copyProject(of: object, for: call.caller, hint: hint, atLeast: .administer)
        return ["id": .string(call.target)]
      }
    }
    router.register("/dbcluster/new") { call throws(DXPlatformError) in try self.dbclusterNew(call) }
    for (method, from, to) in [
      ("start", ["stopped"], "starting"), ("stop", ["available"], "stopping"),
      ("terminate", ["creating", "available", "stopping", "stopped", "starting"], "terminating"),
    ] {
      router.register("/dbcluster-xxxx/\(method)") { call throws(DXPlatformError) in
        _ = try Self.input(call)
        return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
          let object = try state.object(call.target, klass: "dbcluster")
          _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .contribute)
          let status = object.dbcluster?.status ?? "available"
          guard from.contains(status) else {
            throw .invalidState("\(call.target) is \(status), so it cannot \(method)")
          }
          let now = self.store.now()
          try state.updateObject(call.target) { (object: inout DataObjectState) throws(DXPlatformError) in
            object.dbcluster?.status = to
            object.dbcluster?.statusAsOf = now
            object.modified = now
          }
          state.scheduleTransition(call.target)
          return ["id": .string(call.target)]
        }
      }
    }
  }

  // MARK: - Databases

  /// The database a call names, readable by the caller, and the project of the copy they see.
  private func readableDatabase(_ call: APICall, hint: String?, state: PlatformState) throws(DXPlatformError)
    -> (DataObjectState, DatabaseData, String)
  {
    let object = try state.object(call.target, klass: "database")
    let project = try state.copyProject(of: object, for: call.caller, hint: hint, atLeast: .view)
    return (object, object.database ?? DatabaseData(databaseName: call.target), project)
  }

  /// `{folder, recurse}` → `{"results": [{"path", "size", "modified", "isDirectory"}]}`: the files and
  /// (without `recurse`) the directories under `folder`; paths start with the database's ID, as the
  /// platform's do (dx strips that prefix).
  private func databaseListFolder(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let folder = try PlatformState.normalizeFolder(try input.string("folder") ?? "/")
    let recurse = try input.bool("recurse") ?? false
    _ = try input.int("timeout")
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let (object, database, _) = try readableDatabase(call, hint: nil, state: state)
      var results: [DXJSON] = []
      var directories: Set<String> = []
      for (path, content) in database.files.sorted(by: { $0.key < $1.key }) {
        if let file = database.files[folder], path == folder {
          results.append(Self.databaseEntry(object, path: path, size: file.utf8.count, directory: false))
          continue
        }
        guard PlatformState.isFolder(path, inside: folder), path != folder else { continue }
        let parent = PlatformState.parentFolder(path)
        if recurse || parent == folder {
          results.append(Self.databaseEntry(object, path: path, size: content.utf8.count, directory: false))
        } else {
          let rest = path.dropFirst(folder == "/" ? 1 : folder.count + 1)
          let child = (folder == "/" ? "/" : folder + "/") + (rest.split(separator: "/").first ?? "")
          if directories.insert(child).inserted {
            results.append(Self.databaseEntry(object, path: child, size: 0, directory: true))
          }
        }
      }
      if results.isEmpty, folder != "/",
        !database.files.keys.contains(where: { PlatformState.isFolder($0, inside: folder) })
      {
        throw .resourceNotFound("The path \(folder) could not be found in \(call.target)")
      }
      return ["results": .array(results)]
    }
  }

  private static func databaseEntry(_ object: DataObjectState, path: String, size: Int, directory: Bool)
    -> DXJSON
  {
    [
      "path": .string(object.id + path), "size": .integer(size),
      "modified": .integer(directory ? 0 : object.modified),
      "isDirectory": .bool(directory),
    ]
  }

  /// `{filename, projectContext?}` → `{"url", "headers", "expires"}` for one file of the database.
  private func databaseDownloadFile(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let filename = try input.requiredString("filename")
    let path = try PlatformState.normalizeFolder(
      filename.hasPrefix("/") ? filename : "/" + filename, field: "filename")
    let hint = try input.string("projectContext")
    let expires = store.now() + Self.transferLifetime
    try store.read { (state: PlatformState) throws(DXPlatformError) in
      let (_, database, project) = try readableDatabase(call, hint: hint, state: state)
      guard database.files[path] != nil else {
        throw .resourceNotFound("The file \(path) could not be found in \(call.target)")
      }
      if state.projects[project]?.flags["downloadRestricted"] == true {
        throw .permissionDenied("Downloads are restricted in \(project)")
      }
    }
    let encoded = path.dropFirst().split(separator: "/").map {
      String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? ""
    }.joined(separator: "/")
    // Signed and expiring like file download URLs, on the storage origin.
    let signature = transferSigner.signature(["database", call.target, path, String(expires)])
    let url =
      transferBase(for: call.request) + Self.transferPrefix
      + "database/\(call.target)/\(expires)/\(signature)/\(encoded)"
    return ["url": .string(url), "headers": [:], "expires": .integer(expires)]
  }

  /// Serves `GET|HEAD /F/database/<database>/<expires>/<signature>/<path>`: one file's bytes.
  func sendDatabaseFile(
    _ request: DXMockRequest, database: String, expires: String, signature: String, path: String
  ) throws(DXPlatformError) -> DXMockResponse {
    let decoded = "/" + (path.removingPercentEncoding ?? path)
    guard let expiry = Int(expires),
      transferSigner.verify(signature, ["database", database, decoded, expires])
    else {
      throw DXPlatformError(type: "PermissionDenied", message: "The download URL is not valid", status: 403)
    }
    guard expiry > store.now() else {
      throw DXPlatformError(type: "PermissionDenied", message: "The download URL has expired", status: 403)
    }
    let content = try store.read { (state: PlatformState) throws(DXPlatformError) -> String in
      let object = try state.object(database, klass: "database")
      guard let content = object.database?.files[decoded] else {
        throw .resourceNotFound("The file \(decoded) could not be found in \(database)")
      }
      return content
    }
    let body = request.method == "HEAD" ? Data() : Data(content.utf8)
    return DXMockResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: body)
  }

  // MARK: - Database clusters

  private func dbclusterNew(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let common = try NewObjectInput(input)
    guard common.name != nil else { throw .invalidInput("Expected input to have the field \"name\"") }
    let engine = try input.requiredString("engine")
    guard let defaultVersion = Self.dbclusterEngines[engine] else {
      throw .invalidInput("\"engine\" must be aurora-mysql or aurora-postgresql, not \"\(engine)\"")
    }
    let engineVersion = try input.string("engineVersion") ?? defaultVersion
    let instanceClass = try input.requiredString("dxInstanceClass")
    guard instanceClass.hasPrefix("db_") else {
      throw .invalidInput("\"dxInstanceClass\" must be a database instance class such as db_std1_x2")
    }
    _ = try input.string("adminPassword")
    _ = try input.string("initialSnapshot")
    return try withNonce(call, route: "/dbcluster/new") {
      (state: inout PlatformState) throws(DXPlatformError) in
      let now = store.now()
      let id = try createObject(common, klass: "dbcluster", caller: call.caller, state: &state) {
        object, _ throws(DXPlatformError) in
        let host = object.id.dropFirst("dbcluster-".count).lowercased()
        object.dbcluster = DBClusterData(
          dxInstanceClass: instanceClass, engine: engine, engineVersion: engineVersion, statusAsOf: now,
          endpoint: "\(host).cluster.dnanexus.invalid", port: engine == "aurora-mysql" ? 3306 : 5432)
      }
      state.scheduleTransition(id)
      return ["id": .string(id)]
    }
  }
}

extension PlatformState {
  /// The describe fields a database or a database cluster adds.
  func databaseFields(_ object: DataObjectState, in project: String) -> [String: DXJSON] {
    var fields: [String: DXJSON] = [
      "region": .string(projects[project]?.region ?? PlatformRegions.defaultRegion)
    ]
    if let database = object.database {
      fields["databaseName"] = .string(database.databaseName)
      fields["uniqueDatabaseName"] = .string(
        DatabaseData.uniqueName(id: object.id, name: database.databaseName))
    }
    if let cluster = object.dbcluster {
      fields["status"] = .string(cluster.status)
      fields["statusAsOf"] = .integer(cluster.statusAsOf)
      fields["dxInstanceClass"] = .string(cluster.dxInstanceClass)
      fields["engine"] = .string(cluster.engine)
      fields["engineVersion"] = .string(cluster.engineVersion)
      fields["endpoint"] = .string(cluster.endpoint)
      fields["port"] = .integer(cluster.port)
    }
    return fields
  }
}
