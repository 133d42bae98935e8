import CSQLite
import Foundation

/// A connection to one SQLite database file (or an in-memory database).
///
/// A thin wrapper in the style of GRDB: the class owns the `sqlite3` handle and closes it in
/// `deinit`; statements are prepared once and cached by their SQL; every failure throws a
/// ``DXSQLiteError`` carrying the extended result code, SQLite's message and the SQL.
///
/// ```swift
/// let db = try DXSQLiteDatabase(path: "/tmp/app.sqlite")       // read-write, create
/// try db.execute("CREATE TABLE IF NOT EXISTS item(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
/// try db.transaction {
///   let insert = try db.prepare("INSERT INTO item(name) VALUES (?)")
///   try insert.bind("apple", at: 1)
///   try insert.run()
/// }
/// let names = try db.prepare("SELECT name FROM item ORDER BY id").map { $0.string(at: 0) ?? "" }
/// ```
///
/// ## Concurrency
/// One connection is meant to be used by one owner at a time (an actor, or a type that holds its
/// own lock). The class is nevertheless `Sendable` and memory-safe from any thread: it is opened
/// in SQLite's serialized mode (`SQLITE_OPEN_FULLMUTEX`) and every call it makes holds its own
/// recursive lock. Use ``withLock(_:)`` or ``transaction(_:)`` when several calls — say, binding
/// and stepping a cached statement — must not interleave with another thread's.
/// ``withReadSnapshot(_:)`` is ``withLock(_:)`` for a hot read path: on a read-only connection in WAL
/// mode it keeps its read transaction open between calls while no other connection commits.
package final class DXSQLiteDatabase {
  /// How to open the database.
  package struct OpenFlags: OptionSet, Sendable, Hashable {
    /// The raw `SQLITE_OPEN_*` bits.
    package let rawValue: Int32
    /// Creates flags from raw `SQLITE_OPEN_*` bits.
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// Open for reading only (`SQLITE_OPEN_READONLY`).
    package static let readOnly = OpenFlags(rawValue: SQLITE_OPEN_READONLY)
    /// Open for reading and writing (`SQLITE_OPEN_READWRITE`).
    package static let readWrite = OpenFlags(rawValue: SQLITE_OPEN_READWRITE)
    /// Create the file if it does not exist (`SQLITE_OPEN_CREATE`); needs ``readWrite``.
    package static let create = OpenFlags(rawValue: SQLITE_OPEN_CREATE)
    /// Interpret the path as a URI (`SQLITE_OPEN_URI`).
    package static let uri = OpenFlags(rawValue: SQLITE_OPEN_URI)
    /// The default: `[.readWrite, .create]`.
    package static let `default`: OpenFlags = [.readWrite, .create]
  }

  /// The path the database was opened with (`":memory:"` for an in-memory database).
  package let path: String

  /// Guards `handle` and `cache`; recursive so a transaction body can call back in.
  let lock = NSRecursiveLock()
  /// The connection; `nil` once closed.
  private var handle: OpaquePointer?
  /// Prepared statements by SQL.
  private var cache: [String: DXSQLiteStatement] = [:]
  /// The same statements by query object (which the entry keeps alive, so its identity is not reused).
  private var queryCache: [ObjectIdentifier: (query: DXSQLiteQuery, statement: DXSQLiteStatement)] = [:]
  /// The WAL-index header seen just before the read transaction that ``withReadSnapshot(_:)`` keeps
  /// open began; `nil` when none is open.
  private var snapshot: DXSQLiteWALIndexHeader.Value?
  /// Whether ``withReadSnapshot(_:)``'s body is running (its own calls keep the snapshot open).
  private var inSnapshotBody = false
  /// The mapped WAL-index header: `nil` until ``withReadSnapshot(_:)`` first needs it, `.some(nil)`
  /// when this connection cannot keep snapshots (not read-only, not in WAL mode).
  private var walIndexHeader: DXSQLiteWALIndexHeader??

  /// Opens (and by default creates) the database at `path`.
  /// - Parameters:
  ///   - path: A file path, or `":memory:"` for a private in-memory database.
  ///   - flags: How to open it. Defaults to ``OpenFlags/default`` (read-write, create).
  ///   - busyTimeout: How long to wait for another connection's lock before failing with
  ///     `SQLITE_BUSY`. Defaults to 5 seconds.
  /// - Throws: ``DXSQLiteError`` if the file cannot be opened.
  package init(
    path: String, flags: OpenFlags = .default, busyTimeout: Duration = .seconds(5)
  ) throws(DXSQLiteError) {
    self.path = path
    var db: OpaquePointer?
    let code = sqlite3_open_v2(path, &db, flags.rawValue | SQLITE_OPEN_FULLMUTEX, nil)
    guard code == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
      let extended = db.map { sqlite3_extended_errcode($0) } ?? code
      sqlite3_close_v2(db)
      throw DXSQLiteError(extendedCode: extended, message: "cannot open \(path): \(message)")
    }
    sqlite3_extended_result_codes(db, 1)
    handle = db
    setBusyTimeout(busyTimeout)
  }

  /// Opens a private in-memory database.
  /// - Throws: ``DXSQLiteError``.
  package static func inMemory() throws(DXSQLiteError) -> DXSQLiteDatabase {
    try DXSQLiteDatabase(path: ":memory:")
  }

  deinit {
    queryCache.removeAll()
    cache.removeAll()
    // close_v2 defers the close until any statement still held elsewhere is finalized.
    if let handle { sqlite3_close_v2(handle) }
  }

  // MARK: - Locking

  /// Runs `body` while holding this connection's lock, so its calls do not interleave with
  /// another thread's.
  package func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    lock.lock()
    defer { lock.unlock() }
    endSnapshot()
    return try body()
  }

  /// The open handle, or a ``DXSQLiteError/closed(sql:)`` error. Call with the lock held.
  func openHandle(sql: String? = nil) throws(DXSQLiteError) -> OpaquePointer {
    guard let handle else { throw .closed(sql: sql) }
    return handle
  }

  /// The error for the connection's last failure.
  func lastError(_ code: Int32, sql: String?) -> DXSQLiteError {
    guard let handle else { return .closed(sql: sql) }
    let extended = sqlite3_extended_errcode(handle)
    let message = String(cString: sqlite3_errmsg(handle))
    return DXSQLiteError(extendedCode: extended != 0 ? extended : code, message: message, sql: sql)
  }

  // MARK: - Settings

  /// Sets how long to wait for another connection's lock before failing with `SQLITE_BUSY`.
  package func setBusyTimeout(_ timeout: Duration) {
    let (seconds, attoseconds) = timeout.components
    let milliseconds = max(0, min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    withLock {
      if let handle { sqlite3_busy_timeout(handle, Int32(milliseconds)) }
    }
  }

  /// Whether the connection was opened read-only (or the file is not writable).
  package var isReadOnly: Bool {
    withLock { handle.map { sqlite3_db_readonly($0, "main") == 1 } ?? true }
  }

  /// The rowid of the most recent successful `INSERT` on this connection.
  package var lastInsertRowID: Int64 {
    withLock { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }
  }

  /// The number of rows changed by the most recent `INSERT`, `UPDATE` or `DELETE`.
  package var changes: Int {
    withLock { handle.map { Int(sqlite3_changes64($0)) } ?? 0 }
  }

  /// Whether the connection is inside a transaction (autocommit is off).
  package var isInTransaction: Bool {
    withLock { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }
  }

  /// Whether the connection is still open.
  package var isOpen: Bool { withLock { handle != nil } }

  // MARK: - Executing SQL

  /// Runs one or more SQL statements separated by semicolons, discarding any rows.
  /// - Throws: ``DXSQLiteError`` with the failing SQL.
  package func execute(_ sql: String) throws(DXSQLiteError) {
    try withLock { () throws(DXSQLiteError) in
      let db = try openHandle(sql: sql)
      var errorMessage: UnsafeMutablePointer<CChar>?
      let code = sqlite3_exec(db, sql, nil, nil, &errorMessage)
      if code != SQLITE_OK {
        let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
        sqlite3_free(errorMessage)
        throw DXSQLiteError(extendedCode: sqlite3_extended_errcode(db), message: message, sql: sql)
      }
    }
  }

  /// Runs one statement with `arguments` bound to its parameters `?1`, `?2`, …, discarding rows.
  /// - Throws: ``DXSQLiteError``.
  package func execute(_ sql: String, _ arguments: [DXSQLiteValue]) throws(DXSQLiteError) {
    try withLock { () throws(DXSQLiteError) in
      let statement = try prepare(sql)
      defer { statement.reset() }
      try statement.bind(arguments)
      try statement.run()
    }
  }

  /// Returns a prepared statement for `sql`.
  ///
  /// - Parameters:
  ///   - sql: One SQL statement.
  ///   - cached: Reuse a statement prepared earlier for the same SQL (reset, bindings cleared).
  ///     Defaults to `true`. A cached statement is shared: use it inside ``withLock(_:)`` or
  ///     ``transaction(_:)`` when several threads use the connection.
  /// - Throws: ``DXSQLiteError`` if the SQL does not compile.
  package func prepare(_ sql: String, cached: Bool = true) throws(DXSQLiteError) -> DXSQLiteStatement {
    try withLock { () throws(DXSQLiteError) -> DXSQLiteStatement in
      if cached, let statement = cache[sql] {
        statement.reset()
        statement.clearBindings()
        return statement
      }
      let db = try openHandle(sql: sql)
      var raw: OpaquePointer?
      let code = sqlite3_prepare_v3(db, sql, -1, cached ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &raw, nil)
      guard code == SQLITE_OK, let raw else {
        sqlite3_finalize(raw)
        throw code == SQLITE_OK
          ? DXSQLiteError(extendedCode: SQLITE_MISUSE, message: "no SQL statement", sql: sql)
          : lastError(code, sql: sql)
      }
      let statement = DXSQLiteStatement(raw, sql: sql, database: db)
      if cached { cache[sql] = statement }
      return statement
    }
  }

  /// Returns the cached prepared statement of `query` (reset, bindings cleared), found by the query
  /// object's identity: ``prepare(_:cached:)`` without hashing the SQL text.
  /// - Throws: ``DXSQLiteError`` if the SQL does not compile or the connection is closed.
  package func prepare(_ query: DXSQLiteQuery) throws(DXSQLiteError) -> DXSQLiteStatement {
    try withLock { () throws(DXSQLiteError) -> DXSQLiteStatement in
      if let entry = queryCache[ObjectIdentifier(query)] {
        entry.statement.reset()
        entry.statement.clearBindings()
        return entry.statement
      }
      let statement = try prepare(query.sql)
      queryCache[ObjectIdentifier(query)] = (query, statement)
      return statement
    }
  }

  /// The first column of the first row of `sql`, or `nil` when there is no row.
  /// - Throws: ``DXSQLiteError``.
  package func scalar(_ sql: String, _ arguments: [DXSQLiteValue] = []) throws(DXSQLiteError)
    -> DXSQLiteValue?
  {
    try withLock { () throws(DXSQLiteError) -> DXSQLiteValue? in
      let statement = try prepare(sql)
      defer { statement.reset() }
      try statement.bind(arguments)
      guard try statement.step() else { return nil }
      return statement.value(at: 0)
    }
  }

  /// The schema version stored in the file header (`PRAGMA user_version`).
  package func userVersion() throws(DXSQLiteError) -> Int {
    if case .integer(let value) = try scalar("PRAGMA user_version") { return Int(value) }
    return 0
  }

  /// Sets the schema version stored in the file header (`PRAGMA user_version`).
  package func setUserVersion(_ version: Int) throws(DXSQLiteError) {
    try execute("PRAGMA user_version = \(version)")
  }

  // MARK: - Transactions

  /// The kind of lock a transaction takes when it begins.
  package enum TransactionKind: String, Sendable {
    /// Takes locks lazily (`BEGIN DEFERRED`).
    case deferred = "DEFERRED"
    /// Takes the write lock at once (`BEGIN IMMEDIATE`), so it never fails half-way with `SQLITE_BUSY`.
    case immediate = "IMMEDIATE"
    /// Takes an exclusive lock (`BEGIN EXCLUSIVE`).
    case exclusive = "EXCLUSIVE"
  }

  /// Runs `body` in a transaction: commits if it returns, rolls back if it throws.
  ///
  /// The connection's lock is held throughout, so no other thread's statements land inside the
  /// transaction. Nested calls run inside the outer transaction (through a savepoint).
  /// - Parameters:
  ///   - kind: How the transaction begins. Defaults to ``TransactionKind/immediate``.
  ///   - body: The work; calls on this connection from it are fine.
  /// - Throws: What `body` throws (after rolling back), or ``DXSQLiteError`` from BEGIN/COMMIT.
  package func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    endSnapshot()
    if isInTransaction {
      try execute("SAVEPOINT dxsqlite_nested")
      do {
        let result = try body()
        try execute("RELEASE dxsqlite_nested")
        return result
      } catch {
        try? execute("ROLLBACK TO dxsqlite_nested")
        try? execute("RELEASE dxsqlite_nested")
        throw error
      }
    }
    try execute("BEGIN \(kind.rawValue)")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      if isInTransaction { try? execute("ROLLBACK") }
      throw error
    }
  }

  // MARK: - Read snapshots

  /// Runs `body` with the connection's lock held inside a read transaction that stays open after it
  /// returns, for as long as no other connection commits: the next call finds it still current and
  /// skips SQLite's start and end of a read transaction (on Linux two `fcntl` locks of the `-shm`
  /// file and a `stat` of the database, plus the WAL-index checks), which cost a replayed request
  /// more than its look-up.
  ///
  /// Each call first compares the WAL-index header (``DXSQLiteWALIndexHeader``) with the one seen
  /// just before the open transaction began: any commit by another connection changes it, and the
  /// transaction is then ended and a new one begun, so `body` reads what a statement in autocommit
  /// mode would. Every other use of the connection (``withLock(_:)``, ``prepare(_:cached:)``,
  /// ``execute(_:)``, ``transaction(_:_:)``, ``close()``, …) ends the open transaction first, so
  /// nothing else runs inside it.
  ///
  /// Only a read-only connection to a database in WAL mode keeps a transaction open (nothing can be
  /// written inside it, and a writer elsewhere is never blocked: only its checkpoints cannot copy
  /// frames past the snapshot until the next call here); for any other connection, or inside a
  /// transaction begun by the caller, `body` simply runs under the lock, as with ``withLock(_:)``.
  /// The transaction also ends when `body` throws.
  /// - Throws: What `body` throws, or ``DXSQLiteError`` when the transaction cannot begin.
  package func withReadSnapshot<T>(_ body: () throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    guard !inSnapshotBody else { return try body() }
    if let snapshot, walIndexHeader??.current != snapshot { endSnapshot() }
    if snapshot == nil, let handle, sqlite3_get_autocommit(handle) != 0, let header = snapshotHeader(handle) {
      // Seen before the transaction begins: a commit in between makes the next comparison fail
      // (one needless restart) rather than leave a snapshot older than the header it is compared with.
      let seen = header.current
      try execute("BEGIN DEFERRED")
      snapshot = seen
    }
    inSnapshotBody = true
    let result: T
    do {
      result = try body()
    } catch {
      inSnapshotBody = false
      endSnapshot()
      throw error
    }
    inSnapshotBody = false
    return result
  }

  /// Whether a read transaction of ``withReadSnapshot(_:)`` is open now (the other members end it).
  package var keepsReadSnapshot: Bool {
    lock.lock()
    defer { lock.unlock() }
    return snapshot != nil
  }

  /// The mapped WAL-index header when this connection can keep read snapshots (read-only, WAL
  /// mode), mapped on first use. Call with the lock held.
  private func snapshotHeader(_ handle: OpaquePointer) -> DXSQLiteWALIndexHeader? {
    if let walIndexHeader { return walIndexHeader }
    var header: DXSQLiteWALIndexHeader?
    if sqlite3_db_readonly(handle, "main") == 1, isWALMode(handle),
      let name = sqlite3_db_filename(handle, "main")
    {
      header = DXSQLiteWALIndexHeader(databasePath: String(cString: name))
    }
    walIndexHeader = .some(header)
    return header
  }

  /// Whether the main database is in WAL mode (which no other connection can leave while this one
  /// has it open). Call with the lock held.
  private func isWALMode(_ handle: OpaquePointer) -> Bool {
    var raw: OpaquePointer?
    guard sqlite3_prepare_v2(handle, "PRAGMA journal_mode", -1, &raw, nil) == SQLITE_OK, let raw else {
      sqlite3_finalize(raw)
      return false
    }
    defer { sqlite3_finalize(raw) }
    guard sqlite3_step(raw) == SQLITE_ROW, let text = sqlite3_column_text(raw, 0) else { return false }
    return String(cString: text).lowercased() == "wal"
  }

  /// Ends the read transaction ``withReadSnapshot(_:)`` keeps open, if any (a read transaction has
  /// nothing to commit). Call with the lock held.
  private func endSnapshot() {
    guard snapshot != nil, !inSnapshotBody else { return }
    snapshot = nil
    guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
    if sqlite3_exec(handle, "COMMIT", nil, nil, nil) != SQLITE_OK {
      sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }
  }

  // MARK: - Closing

  /// Finalizes cached statements and closes the connection. Idempotent.
  ///
  /// Statements still held elsewhere keep the underlying connection alive until they are released
  /// (`sqlite3_close_v2`); every call through this object fails with ``DXSQLiteError/closed(sql:)``
  /// afterwards.
  package func close() {
    withLock {
      walIndexHeader = nil
      queryCache.removeAll()
      cache.removeAll()
      if let handle { sqlite3_close_v2(handle) }
      handle = nil
    }
  }
}

// The lock (`lock`, recursive) guards `handle`, the caches and the read-snapshot state (`snapshot`,
// `inSnapshotBody`, `walIndexHeader`); every member that touches them takes it.
// SQLite itself runs in serialized mode, so statements used outside the lock are still memory-safe.
extension DXSQLiteDatabase: @unchecked Sendable {}
