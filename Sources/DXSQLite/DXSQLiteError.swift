import CSQLite

/// An error reported by SQLite, with the context needed to understand it.
///
/// Carries the extended result code (e.g. `SQLITE_CONSTRAINT_UNIQUE`, 2067), the text of
/// `sqlite3_errmsg` at the time of the failure, and the SQL that was running, when there was one.
/// It is `Equatable`, so tests can compare errors directly.
package struct DXSQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The extended result code (see <https://sqlite.org/rescode.html>).
  package var extendedCode: Int32
  /// SQLite's description of the failure (`sqlite3_errmsg`), or a description of a wrapper error.
  package var message: String
  /// The SQL statement that failed, if any.
  package var sql: String?

  /// Creates an error.
  /// - Parameters:
  ///   - extendedCode: The extended result code.
  ///   - message: The description.
  ///   - sql: The statement that failed, if any.
  package init(extendedCode: Int32, message: String, sql: String? = nil) {
    self.extendedCode = extendedCode
    self.message = message
    self.sql = sql
  }

  /// The primary result code (the low 8 bits of the extended code), e.g. `SQLITE_CONSTRAINT` (19).
  package var primaryCode: Int32 { extendedCode & 0xFF }

  /// Whether the database was locked by another connection (`SQLITE_BUSY` or `SQLITE_LOCKED`).
  package var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

  /// Whether a constraint (unique, not null, check, foreign key) was violated.
  package var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

  /// Whether the file is not a database or is damaged (`SQLITE_NOTADB`, `SQLITE_CORRUPT`).
  package var isNotADatabase: Bool { primaryCode == SQLITE_NOTADB || primaryCode == SQLITE_CORRUPT }

  /// `"SQLite error <code> (<name>): <message> [in <sql>]"`.
  package var description: String {
    var text = "SQLite error \(extendedCode)"
    if let name = sqlite3_errstr(extendedCode) { text += " (\(String(cString: name)))" }
    text += ": \(message)"
    if let sql { text += " — in \"\(sql)\"" }
    return text
  }

  /// The database connection was already closed.
  package static func closed(sql: String? = nil) -> Self {
    .init(extendedCode: SQLITE_MISUSE, message: "the database connection is closed", sql: sql)
  }
}
