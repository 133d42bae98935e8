import Foundation

/// Formatting helpers that reproduce Python's output, so messages and bodies match dxpy's byte for byte.
enum DXPythonFormat {
  /// Python's `repr(float)`/`str(float)`: the shortest text that round-trips, with `.0` for
  /// integral values (`1795764547.07`, `3.0`).
  static func float(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    return "\(value)"
  }

  /// Python's `%f`: six decimal places.
  static func fixed6(_ value: Double) -> String { String(format: "%.6f", value) }

  /// Python truthiness of a JSON value (`None`, `False`, `0`, `""`, `[]`, `{}` are false).
  static func isTruthy(_ value: DXJSON) -> Bool {
    switch value {
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
  static func jsonDumps(_ value: DXJSON, indent: Int? = nil) -> String {
    var output = ""
    write(value, indent: indent, level: 0, to: &output)
    return output
  }

  private static func write(_ value: DXJSON, indent: Int?, level: Int, to output: inout String) {
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
        output += float(number)
      }
    case .string(let text): writeString(text, to: &output)
    case .array(let elements):
      if elements.isEmpty {
        output += "[]"
        return
      }
      output += "["
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output += indent == nil ? ", " : "," }
        newline(indent: indent, level: level + 1, to: &output)
        write(element, indent: indent, level: level + 1, to: &output)
      }
      newline(indent: indent, level: level, to: &output)
      output += "]"
    case .object(let members):
      if members.isEmpty {
        output += "{}"
        return
      }
      output += "{"
      for (offset, key) in members.keys.sorted().enumerated() {
        if offset > 0 { output += indent == nil ? ", " : "," }
        newline(indent: indent, level: level + 1, to: &output)
        writeString(key, to: &output)
        output += ": "
        if let member = members[key] { write(member, indent: indent, level: level + 1, to: &output) }
      }
      newline(indent: indent, level: level, to: &output)
      output += "}"
    }
  }

  private static func newline(indent: Int?, level: Int, to output: inout String) {
    guard let indent else { return }
    output += "\n" + String(repeating: " ", count: indent * level)
  }

  private static func writeString(_ text: String, to output: inout String) {
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
      default: output += String(format: "\\u%04x", unit)
      }
    }
    output += "\""
  }

  /// Python's `time.ctime(t)` in local time: `"Fri Nov 27 07:29:05 2026"`.
  static func ctime(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    localtime_r(&seconds, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let day = days[Int(parts.tm_wday) % 7]
    let month = months[Int(parts.tm_mon) % 12]
    let dayOfMonth = String(parts.tm_mday)
    let paddedDay = dayOfMonth.count < 2 ? " " + dayOfMonth : dayOfMonth
    return "\(day) \(month) \(paddedDay) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) "
      + "\(parts.tm_year + 1900)"
  }

  private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
