import DXSQLite
import DXWire
import Foundation

/// The `--state` SQLite file: every project, object, nonce, file part and app, written through as
/// each request commits.
///
/// One row per entity (JSON text), file parts as blobs. WAL mode with `synchronous=NORMAL`: a
/// committed transaction survives the process being killed, and every request's changes are committed
/// before it is answered (``PlatformStore/write(_:)``).
///
/// SQLite's automatic checkpoint is off: it would copy a large part from the WAL into the database
/// inside the request that uploaded it, doubling that request's write. ``PlatformStore`` calls
/// ``checkpoint()`` after answering instead, once ``needsCheckpoint`` (checkpoints never affect what
/// a crash keeps: a committed transaction is in the WAL either way).
final class StateFile {
  private let database: DXSQLiteDatabase
  private let encoder = JSONEncoder()
  private let decoder = JSONDecoder()
  /// Roughly how many bytes were committed since the last checkpoint.
  private var uncheckpointedBytes = 0

  /// About SQLite's default automatic checkpoint (1000 pages of 4 KiB).
  static let checkpointThreshold = 4 << 20

  /// The schema version in `PRAGMA user_version`. Version 2 added the `apps` and `appFamilies`
  /// tables; a version 1 file is upgraded by creating them. Version 3 stores a project's folders as a
  /// tree (``FolderTree``: names and parent positions) instead of every path in full; the rows of an
  /// older file are read as they are and written in the new form when the project next changes. A
  /// version 3 file is refused by older servers (they could not read its projects). Version 4 adds the
  /// `executions` table (jobs and analyses); an older file gets it created empty. Version 5 adds the
  /// directory (`orgs`, `userProfiles`, `authTokens`, `revokedTokens`) and the global workflow tables,
  /// created empty in an older file.
  static let schemaVersion = 5

  /// The tables of the directory and the global workflows (version 5; made with
  /// `CREATE TABLE IF NOT EXISTS`, so an upgrade only adds them).
  private static let directoryTables = [
    "orgs(id TEXT PRIMARY KEY, json TEXT NOT NULL)",
    "userProfiles(id TEXT PRIMARY KEY, json TEXT NOT NULL)",
    "authTokens(token TEXT PRIMARY KEY, json TEXT NOT NULL)",
    "revokedTokens(signature TEXT PRIMARY KEY)",
    "globalWorkflows(id TEXT PRIMARY KEY, json TEXT NOT NULL)",
    "globalWorkflowFamilies(name TEXT PRIMARY KEY, json TEXT NOT NULL)",
  ]

  /// Opens (creating if needed) the state file at `path`.
  /// - Throws: InternalError when the file cannot be opened or is not a state file.
  init(path: String) throws(DXPlatformError) {
    do {
      database = try DXSQLiteDatabase(path: path)
      try database.execute("PRAGMA journal_mode=WAL")
      try database.execute("PRAGMA synchronous=NORMAL")
      try database.execute("PRAGMA wal_autocheckpoint=0")
      let version = try database.userVersion()
      guard version >= 0, version <= Self.schemaVersion else {
        throw DXPlatformError.internalError(
          "\(path) has state schema version \(version); expected \(Self.schemaVersion)")
      }
      try database.execute(
        """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS projects(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS objects(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS nonces(key TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS parts(file TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL,
          PRIMARY KEY(file, idx));
        CREATE TABLE IF NOT EXISTS apps(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS appFamilies(name TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS executions(id TEXT PRIMARY KEY, json TEXT NOT NULL);
        """)
      try database.execute(
        Self.directoryTables.map { "CREATE TABLE IF NOT EXISTS \($0);" }.joined(separator: "\n"))
      try database.setUserVersion(Self.schemaVersion)
    } catch let error as DXPlatformError {
      throw error
    } catch {
      throw .internalError("Cannot open the state file \(path): \(error)")
    }
  }

  /// Reads everything into `state`.
  /// - Throws: InternalError when a row cannot be read.
  func load(into state: inout PlatformState) throws(DXPlatformError) {
    do {
      if let text = try database.prepare("SELECT value FROM meta WHERE key = 'ids'").map({ $0.string(at: 0) })
        .first, let text
      {
        state.ids = try decoder.decode(IDGenerator.self, from: Data(text.utf8))
      }
      for text in try database.prepare("SELECT json FROM projects").map({ $0.string(at: 0) ?? "" }) {
        state.insertProject(try decoder.decode(ProjectState.self, from: Data(text.utf8)))
      }
      for text in try database.prepare("SELECT json FROM objects").map({ $0.string(at: 0) ?? "" }) {
        state.insertObject(try decoder.decode(DataObjectState.self, from: Data(text.utf8)))
      }
      for (key, text) in try database.prepare("SELECT key, json FROM nonces").map({
        ($0.string(at: 0) ?? "", $0.string(at: 1) ?? "")
      }) {
        state.storeNonce(key, try decoder.decode(NonceEntry.self, from: Data(text.utf8)))
      }
      for text in try database.prepare("SELECT json FROM apps").map({ $0.string(at: 0) ?? "" }) {
        state.storeApp(try decoder.decode(AppState.self, from: Data(text.utf8)))
      }
      for text in try database.prepare("SELECT json FROM appFamilies").map({ $0.string(at: 0) ?? "" }) {
        state.storeAppFamily(try decoder.decode(AppFamily.self, from: Data(text.utf8)))
      }
      for text in try database.prepare("SELECT json FROM executions").map({ $0.string(at: 0) ?? "" }) {
        state.executions.insert(try decoder.decode(ExecutionState.self, from: Data(text.utf8)))
      }
      state.rebuildExecutionWaiters()
      try loadDirectory(into: &state)
      try database.prepare("SELECT file, idx, data FROM parts").query { row in
        state.loadPart(row.string(at: 0) ?? "", index: row.int(at: 1), bytes: row.data(at: 2) ?? Data())
      }
      state.clearChanges()
    } catch {
      throw .internalError("Cannot read the state file: \(error)")
    }
  }

  /// Writes `changes` (read back from `state`) in one transaction.
  /// - Throws: InternalError when the write fails (the request then fails too).
  func commit(_ changes: PlatformState.Changes, from state: PlatformState) throws(DXPlatformError) {
    var written = 0
    do {
      try database.transaction {
        if changes.ids {
          try upsert("INSERT OR REPLACE INTO meta(key, value) VALUES ('ids', ?)", key: nil, state.ids)
        }
        for id in changes.projects {
          if let project = state.projects[id] {
            try upsert("INSERT OR REPLACE INTO projects(id, json) VALUES (?, ?)", key: id, project)
          } else {
            try database.execute("DELETE FROM projects WHERE id = ?", [.text(id)])
          }
        }
        for id in changes.objects {
          if let object = state.objects[id] {
            try upsert("INSERT OR REPLACE INTO objects(id, json) VALUES (?, ?)", key: id, object)
          } else {
            try database.execute("DELETE FROM objects WHERE id = ?", [.text(id)])
            try database.execute("DELETE FROM parts WHERE file = ?", [.text(id)])
          }
        }
        for key in changes.nonces {
          if let entry = state.nonces[key] {
            try upsert("INSERT OR REPLACE INTO nonces(key, json) VALUES (?, ?)", key: key, entry)
          }
        }
        for id in changes.apps {
          if let app = state.apps[id] {
            try upsert("INSERT OR REPLACE INTO apps(id, json) VALUES (?, ?)", key: id, app)
          }
        }
        for name in changes.appFamilies {
          if let family = state.appFamilies[name] {
            try upsert("INSERT OR REPLACE INTO appFamilies(name, json) VALUES (?, ?)", key: name, family)
          }
        }
        for id in changes.executions {
          if let execution = state.executions[id] {
            try upsert("INSERT OR REPLACE INTO executions(id, json) VALUES (?, ?)", key: id, execution)
          }
        }
        try commitDirectory(changes, from: state)
        for file in changes.droppedFiles {
          try database.execute("DELETE FROM parts WHERE file = ?", [.text(file)])
        }
        for (file, index) in changes.parts {
          guard let bytes = state.fileData[file]?[index] else { continue }
          let insert = try database.prepare("INSERT OR REPLACE INTO parts(file, idx, data) VALUES (?, ?, ?)")
          try insert.bind([.text(file), .int(index), .blob(bytes)])
          try insert.run()
          written += bytes.count
        }
      }
      // Rows other than parts: a page each is close enough.
      written +=
        4096
        * (changes.projects.count + changes.objects.count + changes.nonces.count + changes.executions.count
          + 1)
      uncheckpointedBytes += written
    } catch {
      throw .internalError("Cannot write the state file: \(error)")
    }
  }

  /// Reads the directory (profiles, orgs, tokens) and the global workflows.
  private func loadDirectory(into state: inout PlatformState) throws {
    for text in try database.prepare("SELECT json FROM orgs").map({ $0.string(at: 0) ?? "" }) {
      state.directory.storeOrg(try decoder.decode(OrgState.self, from: Data(text.utf8)))
    }
    for text in try database.prepare("SELECT json FROM userProfiles").map({ $0.string(at: 0) ?? "" }) {
      state.directory.storeProfile(try decoder.decode(UserProfile.self, from: Data(text.utf8)))
    }
    for (token, text) in try database.prepare("SELECT token, json FROM authTokens").map({
      ($0.string(at: 0) ?? "", $0.string(at: 1) ?? "")
    }) {
      state.directory.storeToken(token, try decoder.decode(AuthToken.self, from: Data(text.utf8)))
    }
    for signature in try database.prepare("SELECT signature FROM revokedTokens").map({
      $0.string(at: 0) ?? ""
    }) {
      state.directory.revoke(signature: signature)
    }
    for text in try database.prepare("SELECT json FROM globalWorkflows").map({ $0.string(at: 0) ?? "" }) {
      state.globalWorkflows.store(try decoder.decode(GlobalWorkflowState.self, from: Data(text.utf8)))
    }
    for text in try database.prepare("SELECT json FROM globalWorkflowFamilies").map({ $0.string(at: 0) ?? "" }
    ) {
      state.globalWorkflows.storeFamily(try decoder.decode(AppFamily.self, from: Data(text.utf8)))
    }
  }

  /// Writes the changed directory entries and global workflows (inside ``commit(_:from:)``'s
  /// transaction).
  private func commitDirectory(_ changes: PlatformState.Changes, from state: PlatformState) throws {
    let directory = changes.directory
    for id in directory.orgs {
      try upsertOrDelete("orgs", key: id, state.directory.orgs[id])
    }
    for id in directory.profiles {
      try upsertOrDelete("userProfiles", key: id, state.directory.profiles[id])
    }
    for token in directory.tokens {
      try upsertOrDelete("authTokens", keyColumn: "token", key: token, state.directory.tokens[token])
    }
    for signature in directory.revoked {
      try database.execute("INSERT OR REPLACE INTO revokedTokens(signature) VALUES (?)", [.text(signature)])
    }
    for id in changes.globalWorkflows.versions {
      try upsertOrDelete("globalWorkflows", key: id, state.globalWorkflows.versions[id])
    }
    for name in changes.globalWorkflows.families {
      try upsertOrDelete(
        "globalWorkflowFamilies", keyColumn: "name", key: name, state.globalWorkflows.families[name])
    }
  }

  /// Writes `value` as the JSON row `key` of `table`, or deletes the row when `value` is `nil`.
  private func upsertOrDelete(
    _ table: String, keyColumn: String = "id", key: String, _ value: (some Encodable)?
  ) throws {
    if let value {
      try upsert("INSERT OR REPLACE INTO \(table)(\(keyColumn), json) VALUES (?, ?)", key: key, value)
    } else {
      try database.execute("DELETE FROM \(table) WHERE \(keyColumn) = ?", [.text(key)])
    }
  }

  private func upsert(_ sql: String, key: String?, _ value: some Encodable) throws {
    let text = String(decoding: try encoder.encode(value), as: UTF8.self)
    let statement = try database.prepare(sql)
    if let key {
      try statement.bind([.text(key), .text(text)])
    } else {
      try statement.bind([.text(text)])
    }
    try statement.run()
  }

  /// Deletes everything (for `reset`).
  /// - Throws: InternalError.
  func wipe() throws(DXPlatformError) {
    do {
      try database.transaction {
        for table in ["meta", "projects", "objects", "nonces", "parts", "apps", "appFamilies", "executions"] {
          try database.execute("DELETE FROM \(table)")
        }
        for table in Self.directoryTables {
          try database.execute("DELETE FROM \(table.prefix { $0 != "(" })")
        }
      }
    } catch {
      throw .internalError("Cannot reset the state file: \(error)")
    }
  }

  /// Whether enough was committed since the last checkpoint that one is due.
  var needsCheckpoint: Bool { uncheckpointedBytes >= Self.checkpointThreshold }

  /// Copies the WAL's committed pages into the database (a passive checkpoint, so that the WAL can
  /// start over); does nothing once closed.
  func checkpoint() {
    try? database.execute("PRAGMA wal_checkpoint(PASSIVE)")
    uncheckpointedBytes = 0
  }

  /// Checkpoints and closes the file.
  func close() {
    try? database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
  }
}
