import CSQLite
import Foundation

/// One prepared SQL statement, finalized when the object is released.
///
/// Get one from ``DXSQLiteDatabase/prepare(_:cached:)``. Parameter indexes start at 1 (as in
/// SQLite), column indexes at 0. A statement is not `Sendable`: it belongs to the code that
/// prepared it.
///
/// ```swift
/// let select = try db.prepare("SELECT id, name FROM item WHERE name LIKE :pattern")
/// try select.bind("a%", name: ":pattern")
/// try select.query { row in print(row.int64(at: 0), row.string(at: 1) ?? "") }
/// ```
package final class DXSQLiteStatement {
  /// The SQL text the statement was prepared from.
  package let sql: String
  private let raw: OpaquePointer
  private let database: OpaquePointer

  init(_ raw: OpaquePointer, sql: String, database: OpaquePointer) {
    self.raw = raw
    self.sql = sql
    self.database = database
  }

  deinit { sqlite3_finalize(raw) }

  private func check(_ code: Int32) throws(DXSQLiteError) {
    guard code == SQLITE_OK else { throw error(code) }
  }

  private func error(_ code: Int32) -> DXSQLiteError {
    let extended = sqlite3_extended_errcode(database)
    return DXSQLiteError(
      extendedCode: extended != 0 ? extended : code, message: String(cString: sqlite3_errmsg(database)),
      sql: sql)
  }

  // MARK: - Binding

  /// The number of parameters the statement takes.
  package var parameterCount: Int { Int(sqlite3_bind_parameter_count(raw)) }

  /// Binds `value` to the parameter at `index` (1-based).
  /// - Throws: ``DXSQLiteError`` (`SQLITE_RANGE` for a bad index).
  package func bind(_ value: DXSQLiteValue, at index: Int) throws(DXSQLiteError) {
    let position = Int32(clamping: index)
    let code: Int32
    switch value {
    case .null: code = sqlite3_bind_null(raw, position)
    case .integer(let number): code = sqlite3_bind_int64(raw, position, number)
    case .real(let number): code = sqlite3_bind_double(raw, position, number)
    case .text(let text):
      var contiguous = text
      code = contiguous.withUTF8 { buffer -> Int32 in
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
          return sqlite3_bind_text(raw, position, "", 0, dxkit_sqlite_transient())
        }
        return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
          sqlite3_bind_text64(
            raw, position, $0, UInt64(buffer.count), dxkit_sqlite_transient(), UInt8(SQLITE_UTF8))
        }
      }
    case .blob(let data):
      if data.isEmpty {
        code = sqlite3_bind_zeroblob(raw, position, 0)
      } else {
        code = data.withUnsafeBytes { buffer in
          sqlite3_bind_blob64(
            raw, position, buffer.baseAddress, UInt64(buffer.count), dxkit_sqlite_transient())
        }
      }
    }
    try check(code)
  }

  /// Binds `value` to the parameter named `name` (including its prefix, e.g. `":id"`).
  /// - Throws: ``DXSQLiteError`` when there is no such parameter.
  package func bind(_ value: DXSQLiteValue, name: String) throws(DXSQLiteError) {
    let index = sqlite3_bind_parameter_index(raw, name)
    guard index > 0 else {
      throw DXSQLiteError(extendedCode: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
    }
    try bind(value, at: Int(index))
  }

  /// Binds `values` to parameters 1, 2, … in order.
  /// - Throws: ``DXSQLiteError``.
  package func bind(_ values: [DXSQLiteValue]) throws(DXSQLiteError) {
    for (offset, value) in values.enumerated() { try bind(value, at: offset + 1) }
  }

  /// Binds an `Int` at `index` (1-based).
  package func bind(_ value: Int, at index: Int) throws(DXSQLiteError) {
    try bind(.integer(Int64(value)), at: index)
  }
  /// Binds an `Int64` at `index` (1-based).
  package func bind(_ value: Int64, at index: Int) throws(DXSQLiteError) {
    try bind(.integer(value), at: index)
  }
  /// Binds a `Double` at `index` (1-based).
  package func bind(_ value: Double, at index: Int) throws(DXSQLiteError) {
    try bind(.real(value), at: index)
  }
  /// Binds text at `index` (1-based), or `NULL` for `nil`.
  package func bind(_ value: String?, at index: Int) throws(DXSQLiteError) {
    try bind(value.map { .text($0) } ?? .null, at: index)
  }
  /// Binds bytes at `index` (1-based), or `NULL` for `nil`.
  package func bind(_ value: Data?, at index: Int) throws(DXSQLiteError) {
    try bind(value.map { .blob($0) } ?? .null, at: index)
  }
  /// Binds an `Int` to the parameter named `name`.
  package func bind(_ value: Int, name: String) throws(DXSQLiteError) {
    try bind(.integer(Int64(value)), name: name)
  }
  /// Binds a `Double` to the parameter named `name`.
  package func bind(_ value: Double, name: String) throws(DXSQLiteError) {
    try bind(.real(value), name: name)
  }
  /// Binds text (or `NULL` for `nil`) to the parameter named `name`.
  package func bind(_ value: String?, name: String) throws(DXSQLiteError) {
    try bind(value.map { .text($0) } ?? .null, name: name)
  }
  /// Binds bytes (or `NULL` for `nil`) to the parameter named `name`.
  package func bind(_ value: Data?, name: String) throws(DXSQLiteError) {
    try bind(value.map { .blob($0) } ?? .null, name: name)
  }

  /// Sets every parameter back to `NULL`.
  package func clearBindings() { sqlite3_clear_bindings(raw) }

  // MARK: - Stepping

  /// Advances to the next row.
  /// - Returns: `true` when a row is available, `false` when the statement is done.
  /// - Throws: ``DXSQLiteError``; the statement is reset after a failure.
  @discardableResult
  package func step() throws(DXSQLiteError) -> Bool {
    let code = sqlite3_step(raw)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default:
      let failure = error(code)
      sqlite3_reset(raw)
      throw failure
    }
  }

  /// Rewinds the statement so it can run again; bindings are kept.
  package func reset() { sqlite3_reset(raw) }

  /// Runs the statement to completion, ignoring rows, then resets it.
  /// - Throws: ``DXSQLiteError``.
  package func run() throws(DXSQLiteError) {
    defer { sqlite3_reset(raw) }
    while try step() {}
  }

  /// Calls `body` with the statement positioned on each row in turn, then resets it.
  /// - Throws: ``DXSQLiteError`` or what `body` throws.
  package func query(_ body: (DXSQLiteStatement) throws -> Void) throws {
    defer { sqlite3_reset(raw) }
    while try step() { try body(self) }
  }

  /// Maps each row through `transform`, then resets the statement.
  /// - Throws: ``DXSQLiteError`` or what `transform` throws.
  package func map<T>(_ transform: (DXSQLiteStatement) throws -> T) throws -> [T] {
    var rows: [T] = []
    try query { rows.append(try transform($0)) }
    return rows
  }

  // MARK: - Columns

  /// The number of columns in a result row.
  package var columnCount: Int { Int(sqlite3_column_count(raw)) }

  /// The name of the column at `index`.
  package func columnName(at index: Int) -> String {
    sqlite3_column_name(raw, Int32(clamping: index)).map { String(cString: $0) } ?? ""
  }

  /// Whether the column at `index` of the current row is `NULL`.
  package func isNull(at index: Int) -> Bool {
    sqlite3_column_type(raw, Int32(clamping: index)) == SQLITE_NULL
  }

  /// The column at `index` as an `Int` (0 for `NULL`).
  package func int(at index: Int) -> Int { Int(sqlite3_column_int64(raw, Int32(clamping: index))) }

  /// The column at `index` as an `Int64` (0 for `NULL`).
  package func int64(at index: Int) -> Int64 { sqlite3_column_int64(raw, Int32(clamping: index)) }

  /// The column at `index` as a `Double` (0 for `NULL`).
  package func double(at index: Int) -> Double { sqlite3_column_double(raw, Int32(clamping: index)) }

  /// The column at `index` as text, or `nil` for `NULL`.
  package func string(at index: Int) -> String? {
    let position = Int32(clamping: index)
    guard let text = sqlite3_column_text(raw, position) else { return nil }
    let count = Int(sqlite3_column_bytes(raw, position))
    return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
  }

  /// The column at `index` as bytes, or `nil` for `NULL`. An empty blob gives empty `Data`.
  package func data(at index: Int) -> Data? {
    let position = Int32(clamping: index)
    if sqlite3_column_type(raw, position) == SQLITE_NULL { return nil }
    let count = Int(sqlite3_column_bytes(raw, position))
    guard count > 0, let bytes = sqlite3_column_blob(raw, position) else { return Data() }
    return Data(bytes: bytes, count: count)
  }

  /// The column at `index` as a ``DXSQLiteValue`` of its storage class.
  package func value(at index: Int) -> DXSQLiteValue {
    switch sqlite3_column_type(raw, Int32(clamping: index)) {
    case SQLITE_INTEGER: return .integer(int64(at: index))
    case SQLITE_FLOAT: return .real(double(at: index))
    case SQLITE_TEXT: return .text(string(at: index) ?? "")
    case SQLITE_BLOB: return .blob(data(at: index) ?? Data())
    default: return .null
    }
  }
}
