import Foundation

// MARK: - Parsing

extension DXJSON {
  /// Parses JSON text.
  ///
  /// The parser follows RFC 8259: one value, optional surrounding white space, no trailing
  /// commas, no comments. Nesting is limited to 512 levels so hostile input cannot exhaust the stack.
  /// - Throws: ``DXJSONParseError`` with the byte offset of the first problem.
  public init(parsing bytes: some Collection<UInt8>) throws(DXJSONParseError) {
    // Contiguous bytes (`Data`, `[UInt8]`, a string's UTF-8) are parsed where they are, others copied.
    let parsed =
      bytes.withContiguousStorageIfAvailable(Self.parse) ?? Array(bytes).withUnsafeBufferPointer(Self.parse)
    self = try parsed.get()
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<DXJSON, DXJSONParseError> {
    var parser = DXJSONParser(bytes)
    return Result { () throws(DXJSONParseError) in try parser.parseDocument() }
  }

  /// Parses JSON text from a string.
  /// - Throws: ``DXJSONParseError``.
  public init(parsing text: String) throws(DXJSONParseError) {
    try self.init(parsing: text.utf8)
  }
}

/// Why a JSON text could not be parsed.
public struct DXJSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong.
  public var reason: String
  /// The byte offset where the problem was found.
  public var offset: Int

  /// Creates a parse error.
  public init(reason: String, offset: Int) {
    self.reason = reason
    self.offset = offset
  }

  /// `"<reason> at byte <offset>"`.
  public var description: String { "\(reason) at byte \(offset)" }
}

struct DXJSONParser {
  /// The text, valid only while the parser runs (inside `DXJSON(parsing:)`'s
  /// access to it).
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0
  private var depth = 0
  private static let maximumDepth = 512
  /// The members of the objects being parsed, the innermost object's last: one buffer for the whole
  /// document, so that an object's members are collected in order (and its dictionary then allocated
  /// once at its size) without an array of their own that grows member by member.
  private var members: [(String, DXJSON)] = []

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  mutating func parseDocument() throws(DXJSONParseError) -> DXJSON {
    skipWhitespace()
    let value = try parseValue()
    skipWhitespace()
    guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
    return value
  }

  private func fail(_ reason: String) -> DXJSONParseError {
    DXJSONParseError(reason: reason, offset: index)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws(DXJSONParseError) -> DXJSON {
    guard index < bytes.count else { throw fail("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try parseLiteral("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw fail("unexpected character")
    }
  }

  private mutating func parseLiteral(_ word: StaticString, _ value: DXJSON) throws(DXJSONParseError)
    -> DXJSON
  {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw fail("unexpected end of input") }
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
    for offset in 0..<count where bytes[index + offset] != expected[offset] {
      throw fail("invalid literal")
    }
    index += count
    return value
  }

  private mutating func enter() throws(DXJSONParseError) {
    depth += 1
    if depth > Self.maximumDepth { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
  }

  private mutating func parseObject() throws(DXJSONParseError) -> DXJSON {
    try enter()
    index += 1
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object([:])
    }
    // This object's members are `members[first...]` (nested objects add theirs after them and take
    // them out again before this one continues).
    let first = members.count
    if members.capacity == 0 { members.reserveCapacity(16) }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw fail("expected a string key")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      index += 1
      skipWhitespace()
      let value = try parseValue()
      members.append((key, value))
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        index += 1
        depth -= 1
        return .object(takeMembers(from: first))
      } else {
        throw fail("expected ',' or '}'")
      }
    }
  }

  /// The dictionary of `members[first...]`, allocated once at its size (a repeated key keeps its
  /// last value), and those members taken out of the buffer (which keeps its capacity).
  private mutating func takeMembers(from first: Int) -> [String: DXJSON] {
    var object = [String: DXJSON](minimumCapacity: members.count - first)
    for position in first..<members.count { object[members[position].0] = members[position].1 }
    members.removeSubrange(first...)
    return object
  }

  private mutating func parseArray() throws(DXJSONParseError) -> DXJSON {
    try enter()
    index += 1
    var elements: [DXJSON] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        index += 1
        depth -= 1
        return .array(elements)
      } else {
        throw fail("expected ',' or ']'")
      }
    }
  }

  private mutating func parseHex4() throws(DXJSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw fail("unexpected end of input in \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit in \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  private mutating func parseString() throws(DXJSONParseError) -> String {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes. ASCII text (most keys and values) is valid UTF-8 as it stands and is
    // decoded without the generic validation, which costs a metadata lookup per string.
    var isASCII = true
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let range = start..<index
        index += 1
        if isASCII {
          return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
          throw fail("invalid UTF-8 in string")
        }
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail("unescaped control character in string") }
      if byte >= 0x80 { isASCII = false }
      index += 1
    }
    var scalars = Array(bytes[start..<index])
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        guard let text = String(validating: scalars, as: UTF8.self) else {
          throw fail("invalid UTF-8 in string")
        }
        return text
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw fail("unexpected end of input in escape") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append(0x22)
        case UInt8(ascii: "\\"): scalars.append(0x5C)
        case UInt8(ascii: "/"): scalars.append(0x2F)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800...0xDBFF).contains(code) {
            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
              bytes[index + 1] == UInt8(ascii: "u")
            else { throw fail("unpaired surrogate in \\u escape") }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid low surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(code) {
            throw fail("unpaired surrogate in \\u escape")
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
          scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
          throw fail("invalid escape")
        }
      default:
        if byte < 0x20 { throw fail("unescaped control character in string") }
        scalars.append(byte)
        index += 1
      }
    }
    throw fail("unterminated string")
  }

  private mutating func parseNumber() throws(DXJSONParseError) -> DXJSON {
    let start = index
    var isIntegral = true
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count else { throw fail("unexpected end of input in number") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) {
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
        index += 1
      }
    } else {
      throw fail("invalid number")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isIntegral = false
      index += 1
      let digits = index
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
        index += 1
      }
      guard index > digits else { throw fail("expected digits after '.'") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isIntegral = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
        index += 1
      }
      let digits = index
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
        index += 1
      }
      guard index > digits else { throw fail("expected digits in exponent") }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isIntegral, let value = Int(text) { return .integer(value) }
    guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
    return .double(value)
  }
}

// MARK: - Serialization

extension DXJSON {
  /// The compact UTF-8 JSON text of this value.
  ///
  /// - Parameter sortedKeys: Sort object keys by their UTF-8 bytes, which makes the output
  ///   canonical: equal values always give equal bytes. Defaults to `false`.
  public func serialized(sortedKeys: Bool = false) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(64)
    write(to: &output, sortedKeys: sortedKeys)
    return output
  }

  /// The compact JSON text as `Data`. See ``serialized(sortedKeys:)``.
  public func serializedData(sortedKeys: Bool = false) -> Data {
    Data(serialized(sortedKeys: sortedKeys))
  }

  /// The compact JSON text as a `String`. See ``serialized(sortedKeys:)``.
  public func serializedString(sortedKeys: Bool = false) -> String {
    String(decoding: serialized(sortedKeys: sortedKeys), as: UTF8.self)
  }

  private func write(to output: inout [UInt8], sortedKeys: Bool) {
    switch self {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
    case .integer(let value): output.append(contentsOf: String(value).utf8)
    case .double(let value):
      if value.isFinite {
        if value.rounded() == value, abs(value) < 1e15 {
          output.append(contentsOf: String(Int(value)).utf8)
          output.append(contentsOf: ".0".utf8)
        } else {
          output.append(contentsOf: "\(value)".utf8)
        }
      } else {
        output.append(contentsOf: "null".utf8)
      }
    case .string(let value): Self.writeString(value, to: &output)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        element.write(to: &output, sortedKeys: sortedKeys)
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      output.append(UInt8(ascii: "{"))
      var first = true
      func emit(_ key: String, _ value: DXJSON) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        Self.writeString(key, to: &output)
        output.append(UInt8(ascii: ":"))
        value.write(to: &output, sortedKeys: sortedKeys)
      }
      if sortedKeys {
        for (key, value) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
          emit(key, value)
        }
      } else {
        for (key, value) in members { emit(key, value) }
      }
      output.append(UInt8(ascii: "}"))
    }
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  private static func writeString(_ value: String, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    // Most strings need no escape: their bytes are copied at once.
    if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
      output.append(contentsOf: value.utf8)
      output.append(UInt8(ascii: "\""))
      return
    }
    for byte in value.utf8 {
      switch byte {
      case 0x22: output.append(contentsOf: [0x5C, 0x22])
      case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0x00..<0x20:
        output.append(contentsOf: "\\u00".utf8)
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0F)])
      default: output.append(byte)
      }
    }
    output.append(UInt8(ascii: "\""))
  }
}
