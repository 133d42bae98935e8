import Foundation

/// A JSON value, as the DNAnexus API sends and receives it.
///
/// Numbers keep their lexical kind: a literal without a fraction or exponent that fits in `Int`
/// is ``integer(_:)``, anything else is ``double(_:)``. Objects are unordered dictionaries;
/// ``serialized(sortedKeys:)`` gives a canonical form when key order must not matter.
public enum DXJSON: Sendable, Hashable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// An integral number that fits in `Int`.
  case integer(Int)
  /// Any other number.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([DXJSON])
  /// An object.
  case object([String: DXJSON])
}

// MARK: - Accessors

extension DXJSON {
  /// The string, if this is a string.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The integer, if this is an integer, or a double with an integral value that fits in `Int`.
  public var intValue: Int? {
    switch self {
    case .integer(let value): return value
    case .double(let value):
      guard value.rounded() == value, let exact = Int(exactly: value) else { return nil }
      return exact
    default: return nil
    }
  }

  /// The number as a `Double`, if this is a number.
  public var doubleValue: Double? {
    switch self {
    case .integer(let value): return Double(value)
    case .double(let value): return value
    default: return nil
    }
  }

  /// The Boolean, if this is a Boolean.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The elements, if this is an array.
  public var arrayValue: [DXJSON]? {
    if case .array(let value) = self { return value }
    return nil
  }

  /// The members, if this is an object.
  public var objectValue: [String: DXJSON]? {
    if case .object(let value) = self { return value }
    return nil
  }

  /// Whether this is `null`.
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The member named `key`, or `nil` when this is not an object or has no such member.
  public subscript(key: String) -> DXJSON? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  /// The element at `index`, or `nil` when this is not an array or the index is out of range.
  public subscript(index: Int) -> DXJSON? {
    if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
    return nil
  }

  /// The name of this value's JSON type, as used in error messages (`"object"`, `"string"`, …).
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .integer, .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

// MARK: - Literals

extension DXJSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .integer(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: DXJSON...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, DXJSON)...) {
    var members: [String: DXJSON] = [:]
    for (key, value) in elements { members[key] = value }
    self = .object(members)
  }
}

// MARK: - Codable

extension DXJSON: Codable {
  /// Decodes any JSON value.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([DXJSON].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: DXJSON].self))
    }
  }

  /// Encodes the value as itself.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}

extension DXJSON: CustomStringConvertible {
  /// The compact JSON text with sorted keys.
  public var description: String { serializedString(sortedKeys: true) }
}
