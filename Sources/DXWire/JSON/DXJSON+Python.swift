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
    var output = ""
    Self.writePython(self, indent: indent, level: 0, to: &output)
    return output
  }

  private static func writePython(_ value: DXJSON, indent: Int?, level: Int, to output: inout String) {
    switch value {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .integer(let number): output += String(number)
    case .double(let number):
      if number.isNaN {
        output += "NaN"
      } else if number.isInfinite {
        output += number < 0 ? "-Infinity" : "Infinity"
      } else {
        output += "\(number)"
      }
    case .string(let text): writePythonString(text, to: &output)
    case .array(let elements):
      if elements.isEmpty {
        output += "[]"
        return
      }
      output += "["
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output += indent == nil ? ", " : "," }
        pythonNewline(indent: indent, level: level + 1, to: &output)
        writePython(element, indent: indent, level: level + 1, to: &output)
      }
      pythonNewline(indent: indent, level: level, to: &output)
      output += "]"
    case .object(let members):
      if members.isEmpty {
        output += "{}"
        return
      }
      output += "{"
      for (offset, key) in members.keys.sorted().enumerated() {
        if offset > 0 { output += indent == nil ? ", " : "," }
        pythonNewline(indent: indent, level: level + 1, to: &output)
        writePythonString(key, to: &output)
        output += ": "
        if let member = members[key] { writePython(member, indent: indent, level: level + 1, to: &output) }
      }
      pythonNewline(indent: indent, level: level, to: &output)
      output += "}"
    }
  }

  private static func pythonNewline(indent: Int?, level: Int, to output: inout String) {
    guard let indent else { return }
    output += "\n" + String(repeating: " ", count: indent * level)
  }

  private static func writePythonString(_ text: String, to output: inout String) {
    // Printable ASCII without quotes or backslashes (most keys and values) is written as it is.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
      output += "\""
      output += text
      output += "\""
      return
    }
    output += "\""
    for unit in text.utf16 {
      switch unit {
      case 0x22: output += "\\\""
      case 0x5C: output += "\\\\"
      case 0x0A: output += "\\n"
      case 0x0D: output += "\\r"
      case 0x09: output += "\\t"
      case 0x08: output += "\\b"
      case 0x0C: output += "\\f"
      case 0x20..<0x7F: output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
      default: output += Self.pythonEscape(unit)
      }
    }
    output += "\""
  }

  private static let pythonHexDigits = Array("0123456789abcdef".unicodeScalars)

  /// `\uXXXX` with four lower-case hex digits, as Python's `json.dumps` escapes.
  private static func pythonEscape(_ unit: UInt16) -> String {
    var text = "\\u"
    for shift in stride(from: 12, through: 0, by: -4) {
      text.unicodeScalars.append(pythonHexDigits[Int((unit >> UInt16(shift)) & 0xF)])
    }
    return text
  }
}
