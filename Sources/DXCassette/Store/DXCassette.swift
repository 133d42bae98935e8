import DXCore
import DXSQLite
import Foundation
import Logging

/// A cassette: recorded HTTP interactions in one SQLite file (`.dxcassette`).
///
/// The store is built for size and safety:
/// - **Indexed.** Each interaction's match key (method, path, canonical JSON body hash — see
///   ``DXCassetteMatching``) lives in an indexed table, so a lookup is O(log n) and opening a
///   cassette of any size reads nothing but its header. Bodies are loaded only on a hit.
/// - **Keys are derived, never baked in.** The file remembers the matching settings its keys were
///   computed with (their ``DXCassetteMatching/fingerprint``); opening it with other settings
///   recomputes every key from the raw stored fields (in a temporary table when opened read-only,
///   so a committed fixture is never modified).
/// - **Crash-safe.** WAL journal; every interaction is committed on its own, so a recorder killed
///   at any moment leaves a valid cassette holding every interaction it completed.
/// - **Versioned.** The schema version is `PRAGMA user_version`; older files are migrated when
///   opened for writing, newer ones are refused with ``DXCassetteError/Kind-swift.struct/unsupportedSchemaVersion``.
/// - **No secrets.** Every write is redacted and scanned by ``secrets``; a write that still holds a
///   secret is refused with the path of the field (``DXCassetteError/Kind-swift.struct/secretDetected``).
///
/// The class is safe to use from many tasks at once.
///
/// ```swift
/// let cassette = try DXCassette(path: "whoami.dxcassette", secrets: DXSecretScanner(tokens: [token]))
/// let transport = DXMiddlewareTransport(
///   base: liveTransport, middleware: [DXRecordingMiddleware(cassette: cassette, mode: .once)])
/// ```
public final class DXCassette {
  /// How to open the file.
  public enum Access: Sendable, Hashable {
    /// Read only; the file must exist. Nothing is ever written to it.
    case readOnly
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write, creating an empty cassette when the file does not exist.
    case create
  }

  /// The schema version this code writes (`PRAGMA user_version`).
  public static let schemaVersion = 3
  /// The `PRAGMA application_id` that marks a cassette file (`"DXKC"`).
  public static let applicationID: Int32 = 0x4458_4B43

  /// The file path.
  public let path: String
  /// The matching settings the key index was built with.
  public let matching: DXCassetteMatching
  /// The redaction and scanning applied to every write.
  public let secrets: DXSecretScanner
  /// Whether the cassette was opened read-only.
  public let isReadOnly: Bool
  /// Whether the cassette held at least one interaction when it was opened.
  public let hadInteractionsWhenOpened: Bool

  let database: DXSQLiteDatabase
  let logger: Logger
  /// What the one-pass body key needs, or `nil` when these settings always take the general code.
  let keyPlan: DXCanonicalJSONHasher.Plan?
  /// The file's schema version when it was opened (older than ``schemaVersion`` only for a file
  /// read read-only without migrating).
  let fileSchemaVersion: Int

  /// Opens (or creates) a cassette.
  /// - Parameters:
  ///   - path: The `.dxcassette` file.
  ///   - access: How to open it. Defaults to ``Access/create``.
  ///   - matching: The matching settings; the key index is rebuilt if the file's differ.
  ///     Defaults to ``DXCassetteMatching/default``.
  ///   - secrets: The redaction and scanning applied to every write. Defaults to a scanner with
  ///     no configured token (the `Authorization` header is still redacted).
  ///   - logger: Where to log migrations and index rebuilds. Defaults to a logger labelled
  ///     `dxkit.cassette`.
  /// - Throws: ``DXCassetteError`` (`notFound`, `notACassette`, `corrupt`,
  ///   `unsupportedSchemaVersion`, `migrationNeeded`, `storage`).
  public init(
    path: String, access: Access = .create, matching: DXCassetteMatching = .default,
    secrets: DXSecretScanner = DXSecretScanner(), logger: Logger = Logger(label: "dxkit.cassette")
  ) throws(DXCassetteError) {
    self.path = path
    self.matching = matching
    self.secrets = secrets
    self.logger = logger
    self.isReadOnly = access == .readOnly
    let keyPlan = DXCanonicalJSONHasher.Plan(matching: matching, placeholder: secrets.placeholder)
    self.keyPlan = keyPlan
    let exists = FileManager.default.fileExists(atPath: path)
    if !exists && access != .create {
      throw DXCassetteError(kind: .notFound, message: "\(path): no such cassette", cassettePath: path)
    }
    do {
      database = try DXSQLiteDatabase(
        path: path, flags: access == .readOnly ? .readOnly : [.readWrite, .create])
    } catch {
      throw .storage(error, path: path)
    }
    do {
      fileSchemaVersion = try Self.prepareSchema(database, path: path, readOnly: isReadOnly, logger: logger)
      try Self.ensureKeys(
        database, matching: matching, secrets: secrets, plan: keyPlan, readOnly: isReadOnly, logger: logger)
      hadInteractionsWhenOpened = try database.scalar("SELECT 1 FROM interaction LIMIT 1") != nil
    } catch let error as DXCassetteError {
      database.close()
      throw error
    } catch let error as DXSQLiteError {
      database.close()
      throw .storage(error, path: path)
    } catch {
      database.close()
      throw DXCassetteError(kind: .storage, message: "\(path): \(error)", cassettePath: path)
    }
  }

  /// Closes the file. Further calls fail with a storage error. Idempotent.
  public func close() { database.close() }

  // MARK: - Schema

  /// The current schema (version 3): version 2's tables with the columns version 3 added (each
  /// interaction's time to headers `headers_ns`, tags as a JSON array, own maximum age `max_age_ns`),
  /// created exactly as a migrated file has them; the cassette's maximum age is the
  /// `expires_after_ns` metadata value.
  static let schema = DXCassetteMigrations.schemaV2 + DXCassetteMigrations.version3Columns

  /// Creates, checks or migrates the schema; returns the version the file is read at.
  private static func prepareSchema(
    _ db: DXSQLiteDatabase, path: String, readOnly: Bool, logger: Logger
  ) throws -> Int {
    let applicationID = Int32(truncatingIfNeeded: try intValue(db.scalar("PRAGMA application_id")))
    let version = try intValue(db.scalar("PRAGMA user_version"))
    let tableCount = try intValue(db.scalar("SELECT count(*) FROM sqlite_master"))
    if applicationID != Self.applicationID {
      guard tableCount == 0, version == 0, !readOnly else {
        throw DXCassetteError(
          kind: .notACassette, message: "\(path): not a cassette (an SQLite file without the DXKit marker)",
          cassettePath: path)
      }
      try db.execute("PRAGMA journal_mode=WAL")
      try db.transaction {
        try db.execute(schema)
        try db.execute("PRAGMA application_id = \(Self.applicationID)")
        try db.setUserVersion(schemaVersion)
        try db.execute(
          "INSERT INTO meta(key, value) VALUES ('created_at', ?), ('matcher_fingerprint', '')",
          [.text(ISO8601DateFormatter().string(from: Date()))])
      }
    } else if version > schemaVersion {
      throw DXCassetteError(
        kind: .unsupportedSchemaVersion,
        message:
          "\(path): cassette schema version \(version) is newer than this DXKit supports (\(schemaVersion)); "
          + "upgrade DXKit",
        cassettePath: path, schemaVersion: version)
    } else if version == 2 && readOnly {
      // Version 3 only added columns: a read-only v2 file is read through a temporary view of the same
      // name that supplies them (unknown time to headers, no tags, no own maximum age), so a committed
      // v2 fixture replays without being migrated or modified.
      try db.execute(
        """
        CREATE TEMP VIEW interaction AS SELECT *, NULL AS headers_ns, '[]' AS tags, NULL AS max_age_ns
          FROM main.interaction
        """)
    } else if version < schemaVersion {
      guard !readOnly else {
        throw DXCassetteError(
          kind: .migrationNeeded,
          message:
            "\(path): cassette schema version \(version) must be migrated to \(schemaVersion); "
            + "open it for writing once to upgrade it",
          cassettePath: path, schemaVersion: version)
      }
      try DXCassetteMigrations.migrate(db, from: version, to: schemaVersion, logger: logger, path: path)
    }
    if !readOnly {
      try db.execute("PRAGMA journal_mode=WAL")
      // NORMAL in WAL mode: a commit survives a crash of the process (the case that matters for a
      // killed recorder); only power loss can undo the latest commits, never corrupt the file.
      try db.execute("PRAGMA synchronous=NORMAL")
    }
    return readOnly ? version : schemaVersion
  }

  static func intValue(_ value: DXSQLiteValue?) -> Int {
    if case .integer(let number) = value { return Int(number) }
    return 0
  }

  /// Rebuilds the match keys when the stored fingerprint differs from `matching`'s.
  private static func ensureKeys(
    _ db: DXSQLiteDatabase, matching: DXCassetteMatching, secrets: DXSecretScanner,
    plan: DXCanonicalJSONHasher.Plan?, readOnly: Bool, logger: Logger
  ) throws {
    var stored: String?
    if case .text(let text) = try db.scalar("SELECT value FROM meta WHERE key = 'matcher_fingerprint'") {
      stored = text
    }
    guard stored != matching.fingerprint else { return }
    logger.debug(
      "rebuilding cassette match keys",
      metadata: ["path": "\(db.path)", "from": "\(stored ?? "none")", "to": "\(matching.fingerprint)"])
    if readOnly {
      // A temporary table of the same name shadows the file's, so lookups use the new keys and the
      // file itself is left untouched.
      try db.execute(
        """
        CREATE TEMP TABLE match_key(
          interaction_id INTEGER PRIMARY KEY, method TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL);
        CREATE INDEX temp.match_key_lookup ON match_key(method, path, body, interaction_id);
        """)
      try fillKeys(db, table: "temp.match_key", matching: matching, secrets: secrets, plan: plan)
    } else {
      try db.transaction {
        try db.execute("DELETE FROM main.match_key")
        try fillKeys(db, table: "main.match_key", matching: matching, secrets: secrets, plan: plan)
        try db.execute(
          "INSERT OR REPLACE INTO meta(key, value) VALUES ('matcher_fingerprint', ?)",
          [.text(matching.fingerprint)])
      }
    }
  }

  private static func fillKeys(
    _ db: DXSQLiteDatabase, table: String, matching: DXCassetteMatching, secrets: DXSecretScanner,
    plan: DXCanonicalJSONHasher.Plan?
  ) throws {
    let insert = try db.prepare(
      "INSERT INTO \(table)(interaction_id, method, path, body) VALUES (?, ?, ?, ?)")
    let select = try db.prepare("SELECT id, method, url, request_body FROM main.interaction ORDER BY id")
    try select.query { row in
      let key = matching.key(
        method: row.string(at: 1) ?? "", url: row.string(at: 2) ?? "", body: row.data(at: 3) ?? Data(),
        placeholder: secrets.placeholder, plan: plan)
      try insert.bind([.integer(row.int64(at: 0)), .text(key.method), .text(key.path), .text(key.body)])
      try insert.run()
    }
  }

  // MARK: - Metadata

  /// The value stored under `key` in the cassette's metadata (`created_at`, …), or `nil`.
  /// - Throws: ``DXCassetteError``.
  public func metadata(_ key: String) throws(DXCassetteError) -> String? {
    try storage {
      if case .text(let text) = try database.scalar("SELECT value FROM meta WHERE key = ?", [.text(key)]) {
        return text
      }
      return nil
    }
  }

  /// Stores `value` under `key` in the cassette's metadata.
  /// - Throws: ``DXCassetteError`` (`readOnly`, `storage`).
  public func setMetadata(_ key: String, _ value: String) throws(DXCassetteError) {
    try requireWritable()
    try storage {
      try database.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [.text(key), .text(value)])
    }
  }

  // MARK: - Helpers

  /// Runs `body`, turning SQLite errors into ``DXCassetteError``.
  func storage<T>(_ body: () throws -> T) throws(DXCassetteError) -> T {
    do {
      return try body()
    } catch let error as DXCassetteError {
      throw error
    } catch let error as DXSQLiteError {
      throw .storage(error, path: path)
    } catch {
      throw DXCassetteError(kind: .storage, message: "\(path): \(error)", cassettePath: path)
    }
  }

  func requireWritable() throws(DXCassetteError) {
    if isReadOnly {
      throw DXCassetteError(kind: .readOnly, message: "\(path): opened read-only", cassettePath: path)
    }
  }

  /// The match key of a live request: redacted as a write would be, then keyed.
  func key(for request: DXTransportRequest) -> DXCassetteMatchKey {
    // Only the URL and body enter the key, so only they need redacting (the hot path of replay).
    let values = secrets.secrets(for: request)
    let placeholder = secrets.placeholder
    return matching.key(
      method: request.method, url: DXSecretScanner.replace(values, with: placeholder, in: request.url),
      body: DXSecretScanner.replace(values, with: placeholder, in: request.body), placeholder: placeholder,
      plan: keyPlan)
  }
}

// Every stored property is immutable and Sendable; the SQLite connection serializes calls with its own
// lock (multi-statement work uses `database.transaction` or `database.withLock`).
extension DXCassette: Sendable {}
