import Foundation
import Testing

@testable import DXSQLite

@Suite("SQLiteWrapper")
struct SQLiteWrapperTests {
  private func temporaryPath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxsqlite-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("test.sqlite").path
  }

  @Test func bindAndReadEveryType() throws {
    let db = try DXSQLiteDatabase.inMemory()
    try db.execute("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
    let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
    try insert.bind(Int64.max, at: 1)
    try insert.bind(2.5, at: 2)
    try insert.bind("héllo\u{0}world", at: 3)
    try insert.bind(Data([0, 1, 2, 255]), at: 4)
    try insert.bind(nil as String?, at: 5)
    try insert.run()
    #expect(db.changes == 1)
    #expect(db.lastInsertRowID == 1)
    let select = try db.prepare("SELECT i, r, s, b, n FROM t")
    #expect(try select.step())
    #expect(select.int64(at: 0) == Int64.max)
    #expect(select.double(at: 1) == 2.5)
    #expect(select.string(at: 2) == "héllo\u{0}world")
    #expect(select.data(at: 3) == Data([0, 1, 2, 255]))
    #expect(select.isNull(at: 4))
    #expect(select.string(at: 4) == nil)
    #expect(select.columnCount == 5)
    #expect(select.columnName(at: 2) == "s")
    #expect(try !select.step())
  }

  @Test func emptyTextAndBlobAreNotNull() throws {
    let db = try DXSQLiteDatabase.inMemory()
    try db.execute("CREATE TABLE t(s TEXT, b BLOB)")
    try db.execute("INSERT INTO t VALUES (?, ?)", [.text(""), .blob(Data())])
    let select = try db.prepare("SELECT s, b, typeof(s), typeof(b) FROM t")
    #expect(try select.step())
    #expect(select.string(at: 0) == "")
    #expect(select.data(at: 1) == Data())
    #expect(select.string(at: 2) == "text")
    #expect(select.string(at: 3) == "blob")
  }

  @Test func namedParametersAndQueryHelpers() throws {
    let db = try DXSQLiteDatabase.inMemory()
    try db.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    for name in ["apple", "banana", "avocado"] {
      let insert = try db.prepare("INSERT INTO item(name) VALUES (:name)")
      try insert.bind(name, name: ":name")
      try insert.run()
    }
    let select = try db.prepare("SELECT name FROM item WHERE name LIKE :pattern ORDER BY id")
    try select.bind("a%", name: ":pattern")
    let names = try select.map { $0.string(at: 0) ?? "" }
    #expect(names == ["apple", "avocado"])
    var count = 0
    try select.query { _ in count += 1 }
    #expect(count == 2, "query resets so the statement can run again with the same bindings")
    #expect(throws: DXSQLiteError.self) { try select.bind("x", name: ":missing") }
    #expect(try db.scalar("SELECT count(*) FROM item") == .integer(3))
  }

  @Test func statementsAreCachedBySQL() throws {
    let db = try DXSQLiteDatabase.inMemory()
    let first = try db.prepare("SELECT 1")
    let second = try db.prepare("SELECT 1")
    let uncached = try db.prepare("SELECT 1", cached: false)
    #expect(first === second)
    #expect(first !== uncached)
  }

  @Test func queryObjectsFindTheirStatementByIdentity() throws {
    let db = try DXSQLiteDatabase.inMemory()
    try db.execute("CREATE TABLE t(x INTEGER); INSERT INTO t(x) VALUES (1), (2)")
    let query = DXSQLiteQuery("SELECT x FROM t WHERE x = ?")
    let first = try db.prepare(query)
    try first.bind(2, at: 1)
    #expect(try first.step())
    #expect(first.int(at: 0) == 2)
    // Found again reset with its bindings cleared, and the same as the statement cached by its text.
    let second = try db.prepare(query)
    #expect(first === second)
    #expect(second === (try db.prepare(query.sql)))
    #expect(!(try second.step()))
    #expect(try db.prepare(DXSQLiteQuery(query.sql)) === first)
    db.close()
    #expect(throws: DXSQLiteError.closed(sql: query.sql)) { try db.prepare(query) }
  }

  @Test func errorsCarryCodeMessageAndSQL() throws {
    let db = try DXSQLiteDatabase.inMemory()
    try db.execute("CREATE TABLE u(k TEXT UNIQUE)")
    try db.execute("INSERT INTO u VALUES ('a')")
    do {
      try db.execute("INSERT INTO u VALUES (?)", ["a"])
      Issue.record("expected a constraint error")
    } catch {
      #expect(error.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
      #expect(error.isConstraintViolation)
      #expect(error.message.contains("UNIQUE"))
      #expect(error.sql == "INSERT INTO u VALUES (?)")
      #expect(error.description.contains("SQLITE_CONSTRAINT") || error.description.contains("constraint"))
    }
    do {
      _ = try db.prepare("SELEC nonsense")
      Issue.record("expected a syntax error")
    } catch {
      #expect(error.primaryCode == 1)
      #expect(error.sql == "SELEC nonsense")
    }
  }

  @Test func transactionCommitsAndRollsBack() throws {
    struct Boom: Error {}
    let db = try DXSQLiteDatabase(path: temporaryPath())
    try db.execute("CREATE TABLE t(x INTEGER)")
    try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
    #expect(throws: Boom.self) {
      try db.transaction {
        try db.execute("INSERT INTO t VALUES (2)")
        throw Boom()
      }
    }
    #expect(!db.isInTransaction)
    #expect(try db.scalar("SELECT group_concat(x) FROM t") == .text("1"))
    // Nested: inner failure rolls back only the inner part.
    try db.transaction {
      try db.execute("INSERT INTO t VALUES (3)")
      try? db.transaction {
        try db.execute("INSERT INTO t VALUES (4)")
        throw Boom()
      }
    }
    #expect(try db.scalar("SELECT group_concat(x) FROM t") == .text("1,3"))
  }

  @Test func userVersionAndReadOnly() throws {
    let path = temporaryPath()
    do {
      let db = try DXSQLiteDatabase(path: path)
      try db.execute("CREATE TABLE t(x)")
      try db.setUserVersion(7)
    }
    let reader = try DXSQLiteDatabase(path: path, flags: .readOnly)
    #expect(try reader.userVersion() == 7)
    #expect(reader.isReadOnly)
    #expect(throws: DXSQLiteError.self) { try reader.execute("INSERT INTO t VALUES (1)") }
  }

  @Test func openFailuresAndClosedConnection() throws {
    #expect(throws: DXSQLiteError.self) {
      _ = try DXSQLiteDatabase(path: "/nonexistent-dir-\(UUID().uuidString)/x.sqlite")
    }
    let path = temporaryPath()
    try Data("this is not a database, just some text that is long enough".utf8).write(
      to: URL(fileURLWithPath: path))
    let db = try DXSQLiteDatabase(path: path)
    do {
      try db.execute("SELECT * FROM sqlite_master")
      Issue.record("expected not-a-database")
    } catch {
      #expect(error.isNotADatabase)
    }
    db.close()
    db.close()
    #expect(!db.isOpen)
    #expect(throws: DXSQLiteError.closed(sql: "SELECT 1")) { try db.execute("SELECT 1") }
  }

  @Test func statementOutlivesClosedDatabase() throws {
    var db: DXSQLiteDatabase? = try DXSQLiteDatabase.inMemory()
    let statement = try db?.prepare("SELECT 42", cached: false)
    db?.close()
    db = nil
    #expect(try statement?.step() == true)
    #expect(statement?.int(at: 0) == 42)
  }

  @Test func concurrentWritersThroughOneConnection() async throws {
    let db = try DXSQLiteDatabase(path: temporaryPath())
    try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(x INTEGER)")
    await withTaskGroup(of: Void.self) { group in
      for task in 0..<16 {
        group.addTask {
          for index in 0..<25 {
            try? db.transaction { try db.execute("INSERT INTO t VALUES (?)", [.int(task * 100 + index)]) }
          }
        }
      }
    }
    #expect(try db.scalar("SELECT count(DISTINCT x) FROM t") == .integer(400))
  }

  @Test func busyTimeoutAcrossConnections() throws {
    let path = temporaryPath()
    let first = try DXSQLiteDatabase(path: path)
    try first.execute("CREATE TABLE t(x)")
    let second = try DXSQLiteDatabase(path: path, busyTimeout: .milliseconds(10))
    try first.execute("BEGIN IMMEDIATE")
    do {
      try second.execute("BEGIN IMMEDIATE")
      Issue.record("expected SQLITE_BUSY")
    } catch {
      #expect(error.isBusy)
    }
    try first.execute("COMMIT")
    try second.execute("BEGIN IMMEDIATE; COMMIT")
  }
}
