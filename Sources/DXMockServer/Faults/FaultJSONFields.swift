import DXWire

/// Reads the members of one JSON object strictly, naming the field in every error.
///
/// `null` counts as absent. Every error is a ``DXFaultRule/ParseError`` whose
/// message names the field path, e.g. `fault.sendBytes must be a non-negative integer, got "10" (string)`.
struct FaultJSONFields {
  let members: [String: DXJSON]
  /// The field path of this object, e.g. `"fault"` or `"faults[2].match"`; empty at the top.
  let path: String

  init(_ value: DXJSON, path: String) throws(DXFaultRule.ParseError) {
    guard let members = value.objectValue else {
      let name = path.isEmpty ? "the rule" : path
      throw .invalid("\(name) must be a JSON object, got \(Self.describe(value))")
    }
    self.members = members
    self.path = path
  }

  /// `path.key`, or `key` at the top.
  func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// Throws for any member not in `allowed`.
  func rejectUnknown(allowed: Set<String>) throws(DXFaultRule.ParseError) {
    let unknown = members.keys.filter { !allowed.contains($0) }.sorted()
    if let first = unknown.first {
      let expected = allowed.sorted().joined(separator: ", ")
      throw .invalid("\(name(first)) is not a known field (expected one of: \(expected))")
    }
  }

  func value(_ key: String) -> DXJSON? {
    guard let value = members[key], !value.isNull else { return nil }
    return value
  }

  func string(_ key: String) throws(DXFaultRule.ParseError) -> String? {
    guard let value = value(key) else { return nil }
    guard let string = value.stringValue else {
      throw .invalid("\(name(key)) must be a string, got \(Self.describe(value))")
    }
    return string
  }

  func integer(_ key: String, minimum: Int = 0) throws(DXFaultRule.ParseError) -> Int? {
    guard let value = value(key) else { return nil }
    guard let integer = value.intValue else {
      throw .invalid("\(name(key)) must be an integer, got \(Self.describe(value))")
    }
    guard integer >= minimum else {
      let what = minimum == 0 ? "a non-negative integer" : "an integer of at least \(minimum)"
      throw .invalid("\(name(key)) must be \(what), got \(integer)")
    }
    return integer
  }

  func bool(_ key: String) throws(DXFaultRule.ParseError) -> Bool? {
    guard let value = value(key) else { return nil }
    guard let flag = value.boolValue else {
      throw .invalid("\(name(key)) must be true or false, got \(Self.describe(value))")
    }
    return flag
  }

  /// An object of header fields (`{"Name":"value"}`), in name order; empty when absent.
  func headerFields(_ key: String) throws(DXFaultRule.ParseError) -> [DXHTTPHeaders.Field] {
    guard let value = value(key) else { return [] }
    let members = try FaultJSONFields(value, path: name(key))
    var fields: [DXHTTPHeaders.Field] = []
    for header in members.members.keys.sorted() {
      guard let text = try members.string(header) else { continue }
      fields.append(DXHTTPHeaders.Field(name: header, value: text))
    }
    return fields
  }

  /// The JSON object form of header fields (the inverse of ``headerFields(_:)``).
  static func json(headers: [DXHTTPHeaders.Field]) -> DXJSON {
    .object(Dictionary(headers.map { ($0.name, DXJSON.string($0.value)) }) { $1 })
  }

  func number(_ key: String) throws(DXFaultRule.ParseError) -> Double? {
    guard let value = value(key) else { return nil }
    guard let number = value.doubleValue else {
      throw .invalid("\(name(key)) must be a number, got \(Self.describe(value))")
    }
    return number
  }

  /// A short description of a value for error messages: `"10" (string)`, `true (boolean)`.
  static func describe(_ value: DXJSON) -> String {
    var text = value.serializedString(sortedKeys: true)
    if text.count > 40 { text = String(text.prefix(40)) + "…" }
    return "\(text) (\(value.typeName))"
  }
}
