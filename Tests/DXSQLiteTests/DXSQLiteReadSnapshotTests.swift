import Foundation
import Testing

@testable import DXSQLite

/// ``DXSQLiteDatabase/withReadSnapshot(_:)``: the read transaction kept open between calls must never
/// hide another connection's commit, must end before any other use of the connection, and is kept
/// only by a read-only connection in WAL mode.
@Suite("SQLiteReadSnapshot")
struct SQLiteReadSnapshotTests {
  /// A WAL database with a table `t(x)` holding `rows` rows, and its path.
  private func walDatabase(rows: Int = 0) throws -> (writer: DXSQLiteDatabase, path: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxsqlite-snapshot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent("test.sqlite").path
    let writer = try DXSQLiteDatabase(path: path)
    try writer.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(x INTEGER)")
    for index in 0..<rows { try writer.execute("INSERT INTO t VALUES (?)", [.int(index)]) }
    return (writer, path)
  }

  /// The row count read inside a snapshot.
  private func count(_ db: DXSQLiteDatabase) throws -> Int64 {
    try db.withReadSnapshot {
      let statement = try db.prepare("SELECT count(*) FROM t")
      defer { statement.reset() }
      _ = try statement.step()
      return statement.int64(at: 0)
    }
  }

  @Test func keptBetweenCallsAndEndedByAnyOtherUse() throws {
    let (writer, path) = try walDatabase(rows: 3)
    let reader = try DXSQLiteDatabase(path: path, flags: .readOnly)
    #expect(try count(reader) == 3)
    #expect(reader.keepsReadSnapshot)
    #expect(try count(reader) == 3)
    #expect(reader.keepsReadSnapshot)
    // Any other member ends it first.
    #expect(try reader.scalar("SELECT count(*) FROM t") == .integer(3))
    #expect(!reader.keepsReadSnapshot)
    #expect(!reader.isInTransaction)
    #expect(try count(reader) == 3)
    _ = try reader.prepare("SELECT 1")
    #expect(!reader.keepsReadSnapshot)
    #expect(try count(reader) == 3)
    try reader.withLock {}
    #expect(!reader.keepsReadSnapshot)
    #expect(try count(reader) == 3)
    reader.close()
    #expect(!reader.keepsReadSnapshot)
    #expect(throws: DXSQLiteError.self) { try count(reader) }
    writer.close()
  }

  @Test func everyCommitOfAnotherConnectionIsSeen() throws {
    let (writer, path) = try walDatabase()
    let reader = try DXSQLiteDatabase(path: path, flags: .readOnly)
    for round in 0..<60 {
      #expect(try count(reader) == Int64(round))
      #expect(try count(reader) == Int64(round))
      if round % 7 == 3 {
        // A checkpoint (which cannot pass the open snapshot) and a larger transaction.
        try writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
      }
      try writer.execute("INSERT INTO t VALUES (?)", [.int(round)])
    }
    #expect(try count(reader) == 60)
    // Deletions and a checkpoint that restarts the WAL once the reader has let go.
    try writer.execute("DELETE FROM t WHERE x < 30")
    #expect(try count(reader) == 30)
    #expect(try reader.scalar("SELECT 1") == .integer(1))
    try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    #expect(try count(reader) == 30)
    try writer.execute("INSERT INTO t VALUES (100)")
    #expect(try count(reader) == 31)
  }

  @Test func keptOnlyByReadOnlyConnectionsInWALMode() throws {
    let (writer, path) = try walDatabase(rows: 2)
    #expect(try count(writer) == 2)
    #expect(!writer.keepsReadSnapshot)
    try writer.execute("INSERT INTO t VALUES (5)")

    let memory = try DXSQLiteDatabase.inMemory()
    try memory.execute("CREATE TABLE t(x)")
    #expect(try count(memory) == 0)
    #expect(!memory.keepsReadSnapshot)

    let rollbackPath = path + "-rollback.sqlite"
    do {
      let db = try DXSQLiteDatabase(path: rollbackPath)
      try db.execute("PRAGMA journal_mode=DELETE; CREATE TABLE t(x); INSERT INTO t VALUES (1)")
    }
    let rollbackReader = try DXSQLiteDatabase(path: rollbackPath, flags: .readOnly)
    #expect(try count(rollbackReader) == 1)
    #expect(!rollbackReader.keepsReadSnapshot)
  }

  @Test func callerTransactionsAndFailuresEndOrSkipIt() throws {
    let (writer, path) = try walDatabase(rows: 1)
    let reader = try DXSQLiteDatabase(path: path, flags: .readOnly)
    // Inside a transaction the caller began, the body runs in it and nothing is kept afterwards.
    try reader.execute("BEGIN")
    #expect(try count(reader) == 1)
    #expect(!reader.keepsReadSnapshot)
    try reader.execute("COMMIT")
    // A throwing body ends the snapshot.
    struct Failure: Error {}
    #expect(throws: Failure.self) { try reader.withReadSnapshot { throw Failure() } }
    #expect(!reader.keepsReadSnapshot)
    #expect(!reader.isInTransaction)
    // Nested calls run in the outer one.
    let nested = try reader.withReadSnapshot { try count(reader) }
    #expect(nested == 1)
    #expect(reader.keepsReadSnapshot)
    try writer.execute("INSERT INTO t VALUES (2)")
    #expect(try count(reader) == 2)
  }

  @Test func concurrentReadersOfOneConnectionAndAWriter() async throws {
    let (writer, path) = try walDatabase()
    let reader = try DXSQLiteDatabase(path: path, flags: .readOnly)
    let writes = 40
    try await withThrowingTaskGroup(of: [Int64].self) { group in
      group.addTask {
        for index in 0..<writes { try writer.execute("INSERT INTO t VALUES (?)", [.int(index)]) }
        return []
      }
      for task in 0..<6 {
        group.addTask {
          // Readers through the snapshot and through plain members, interleaved on one connection.
          var seen: [Int64] = []
          for index in 0..<60 {
            if (index + task) % 5 == 0, case .integer(let value) = try reader.scalar("SELECT count(*) FROM t")
            {
              seen.append(value)
            } else {
              seen.append(try count(reader))
            }
          }
          return seen
        }
      }
      for try await seen in group where !seen.isEmpty {
        // A reader never goes back in time.
        #expect(seen == seen.sorted())
        #expect(seen.allSatisfy { $0 >= 0 && $0 <= Int64(writes) })
      }
    }
    #expect(try count(reader) == Int64(writes))
  }
}
