import Foundation

// MARK: - Python-compatible serialization

extension DXJSON {
  /// Python truthiness of the value (`None`, `False`, `0`, `""`, `[]`, `{}` are false), as dxpy tests
  /// an error's `details` before printing them.
  public var isPythonTruthy: Bool {
    switch self {
    case .null: return false
    case .bool(let flag): return flag
    case .integer(let number): return number != 0
    case .double(let number): return number != 0
    case .string(let text): return !text.isEmpty
    case .array(let elements): return !elements.isEmpty
    case .object(let members): return !members.isEmpty
    }
  }

  /// Python's `json.dumps(value)` (separators `", "` and `": "`, non-ASCII escaped as `\uXXXX`), or with
  /// `indent`, `json.dumps(value, indent: n)` (separators `","` and `": "`, one member per line).
  /// Object keys are sorted, because ``DXJSON`` objects have no order of their own.
  ///
  /// This is what dxpy sends as a request body and prints in messages, so a client that must match dxpy
  /// byte for byte uses it; the compact ``serializedString(sortedKeys:)`` is for everything else.
  public func pythonJSONString(indent: Int? = nil) -> String {
    String(decoding: pythonJSONBytes(indent: indent), as: UTF8.self)
  }

  /// The UTF-8 bytes of ``pythonJSONString(indent:)`` (all ASCII), written without building a `String`
  /// (what a request body needs).
  public func pythonJSONBytes(indent: Int? = nil) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(128)
    Self.writePython(self, indent: indent, level: 0, to: &output)
    return output
  }

  private static func writePython(_ value: DXJSON, indent: Int?, level: Int, to output: inout [UInt8]) {
    switch value {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
    case .integer(let number): output.append(contentsOf: String(number).utf8)
    case .double(let number):
      if number.isNaN {
        output.append(contentsOf: "NaN".utf8)
      } else if number.isInfinite {
        output.append(contentsOf: (number < 0 ? "-Infinity" : "Infinity").utf8)
      } else {
        output.append(contentsOf: "\(number)".utf8)
      }
    case .string(let text): writePythonString(text, to: &output)
    case .array(let elements):
      if elements.isEmpty {
        output.append(contentsOf: "[]".utf8)
        return
      }
      output.append(UInt8(ascii: "["))
      for (offset, element) in elements.enumerated() {
        if offset > 0 { appendSeparator(indent: indent, to: &output) }
        pythonNewline(indent: indent, level: level + 1, to: &output)
        writePython(element, indent: indent, level: level + 1, to: &output)
      }
      pythonNewline(indent: indent, level: level, to: &output)
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty {
        output.append(contentsOf: "{}".utf8)
        return
      }
      output.append(UInt8(ascii: "{"))
      // Sorted as `members.keys.sorted()` sorts (the keys are distinct, so the order is the same), by
      // sorting the members' indices: no key or value is copied (retained) for the sort, none looked
      // up again by its key.
      for (offset, index) in members.indices.sorted(by: { members[$0].key < members[$1].key }).enumerated() {
        let member = members[index]
        if offset > 0 { appendSeparator(indent: indent, to: &output) }
        pythonNewline(indent: indent, level: level + 1, to: &output)
        writePythonString(member.key, to: &output)
        output.append(contentsOf: ": ".utf8)
        writePython(member.value, indent: indent, level: level + 1, to: &output)
      }
      pythonNewline(indent: indent, level: level, to: &output)
      output.append(UInt8(ascii: "}"))
    }
  }

  /// `", "` compact, `","` indented (the newline follows).
  private static func appendSeparator(indent: Int?, to output: inout [UInt8]) {
    output.append(UInt8(ascii: ","))
    if indent == nil { output.append(UInt8(ascii: " ")) }
  }

  private static func pythonNewline(indent: Int?, level: Int, to output: inout [UInt8]) {
    guard let indent else { return }
    output.append(UInt8(ascii: "\n"))
    output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  private static func writePythonString(_ text: String, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    // Printable ASCII without quotes or backslashes (most keys and values) is written as it is; the
    // check runs on the contiguous bytes (a small string's are copied to the stack first).
    let plain =
      text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isPlainPythonByte) }
      ?? text.utf8.allSatisfy(isPlainPythonByte)
    if plain {
      output.append(contentsOf: text.utf8)
      output.append(UInt8(ascii: "\""))
      return
    }
    for unit in text.utf16 {
      switch unit {
      case 0x22: output.append(contentsOf: #"\""#.utf8)
      case 0x5C: output.append(contentsOf: #"\\"#.utf8)
      case 0x0A: output.append(contentsOf: #"\n"#.utf8)
      case 0x0D: output.append(contentsOf: #"\r"#.utf8)
      case 0x09: output.append(contentsOf: #"\t"#.utf8)
      case 0x08: output.append(contentsOf: #"\b"#.utf8)
      case 0x0C: output.append(contentsOf: #"\f"#.utf8)
      case 0x20..<0x7F: output.append(UInt8(unit))
      default: pythonEscape(unit, to: &output)
      }
    }
    output.append(UInt8(ascii: "\""))
  }

  /// A byte `json.dumps` writes as it is: printable ASCII other than `"` and `\`.
  private static func isPlainPythonByte(_ byte: UInt8) -> Bool {
    byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
  }

  private static let pythonHexDigits = Array("0123456789abcdef".utf8)

  /// `\uXXXX` with four lower-case hex digits, as Python's `json.dumps` escapes.
  private static func pythonEscape(_ unit: UInt16, to output: inout [UInt8]) {
    output.append(contentsOf: #"\u"#.utf8)
    for shift in stride(from: 12, through: 0, by: -4) {
      output.append(pythonHexDigits[Int((unit >> UInt16(shift)) & 0xF)])
    }
  }
}
