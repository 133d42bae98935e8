import Foundation

/// A value SQLite stores: one of its five storage classes.
package enum DXSQLiteValue: Sendable, Hashable {
  /// `NULL`.
  case null
  /// A 64-bit signed integer.
  case integer(Int64)
  /// A double-precision float.
  case real(Double)
  /// UTF-8 text.
  case text(String)
  /// Bytes.
  case blob(Data)
}

extension DXSQLiteValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  ExpressibleByStringLiteral
{
  /// `NULL`.
  package init(nilLiteral: ()) { self = .null }
  /// An integer.
  package init(integerLiteral value: Int64) { self = .integer(value) }
  /// A float.
  package init(floatLiteral value: Double) { self = .real(value) }
  /// Text.
  package init(stringLiteral value: String) { self = .text(value) }
}

extension DXSQLiteValue {
  /// An integer value from an `Int`.
  package static func int(_ value: Int) -> Self { .integer(Int64(value)) }

  /// `.text(value)`, or `.null` for `nil`.
  package static func optionalText(_ value: String?) -> Self { value.map { .text($0) } ?? .null }

  /// `.integer(value)`, or `.null` for `nil`.
  package static func optionalInt(_ value: Int?) -> Self { value.map { .integer(Int64($0)) } ?? .null }
}
