/// A statement's SQL held as an object, for a hot path: ``DXSQLiteDatabase/prepare(_:)-(DXSQLiteQuery)``
/// finds its cached statement by the object's identity instead of hashing the SQL text on every call.
///
/// Keep one per statement for the life of the program (a `static let`).
package final class DXSQLiteQuery: Sendable {
  /// The SQL.
  package let sql: String

  /// Creates a query.
  package init(_ sql: String) { self.sql = sql }
}
