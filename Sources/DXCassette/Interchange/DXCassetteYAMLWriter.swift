import Foundation

/// Writes the block YAML of a VCR.py cassette the way PyYAML's `yaml.dump` does for it: keys sorted,
/// strings plain when a YAML 1.1 reader takes them back as the same string, single-quoted when they
/// are printable, double-quoted with escapes otherwise, and bytes as `!!binary` base64 blocks.
///
/// Yams (libyaml) parses VCR.py files, but its emitter cannot write an explicit `!!binary` tag, so
/// the small, fixed shape of a cassette is written here.
struct DXCassetteYAMLWriter {
  private(set) var text = ""

  /// A `key:` line followed by a nested block, at `indent` spaces (`prefix` replaces the indentation's
  /// end, e.g. `"- "` for the first key of a sequence item).
  mutating func key(_ name: String, indent: Int, prefix: String = "") {
    line(indent: indent, prefix: prefix, "\(Self.scalar(name)):")
  }

  /// `key: value` with a scalar string.
  mutating func pair(_ name: String, _ value: String, indent: Int, prefix: String = "") {
    line(indent: indent, prefix: prefix, "\(Self.scalar(name)): \(Self.scalar(value))")
  }

  /// `key: value` with a literal (a number, `null`, `{}`) written as is.
  mutating func raw(_ name: String, _ literal: String, indent: Int, prefix: String = "") {
    line(indent: indent, prefix: prefix, "\(Self.scalar(name)): \(literal)")
  }

  /// `key: !!binary |` and the base64 text in lines of 76 characters.
  mutating func binary(_ name: String, _ data: Data, indent: Int, prefix: String = "") {
    line(indent: indent, prefix: prefix, "\(Self.scalar(name)): !!binary |")
    let encoded = Array(data.base64EncodedString().utf8)
    var start = 0
    while start < encoded.count {
      let end = min(start + 76, encoded.count)
      line(indent: indent + 2, String(decoding: encoded[start..<end], as: UTF8.self))
      start = end
    }
  }

  /// `- value`, an item of a sequence of strings.
  mutating func item(_ value: String, indent: Int) {
    line(indent: indent, "- \(Self.scalar(value))")
  }

  private mutating func line(indent: Int, prefix: String = "", _ content: String) {
    text += String(repeating: " ", count: max(0, indent - prefix.count)) + prefix + content + "\n"
  }

  // MARK: - Scalars

  /// Words a YAML 1.1 reader (PyYAML) resolves to booleans or null when plain.
  private static let reservedWords: Set<String> = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
    "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
  ]

  /// `value` as a one-line YAML scalar that reads back as the same string.
  static func scalar(_ value: String) -> String {
    if isPlainSafe(value) { return value }
    if value.unicodeScalars.allSatisfy(isPrintable) {
      return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
    var quoted = "\""
    for character in value.unicodeScalars {
      switch character {
      case "\\": quoted += "\\\\"
      case "\"": quoted += "\\\""
      case "\t": quoted += "\\t"
      case "\n": quoted += "\\n"
      case "\r": quoted += "\\r"
      case "\u{2028}": quoted += "\\L"
      case "\u{2029}": quoted += "\\P"
      default:
        if isPrintable(character) {
          quoted.unicodeScalars.append(character)
        } else if character.value <= 0xFF {
          quoted += "\\x" + hex(character.value, digits: 2)
        } else {
          quoted += "\\u" + hex(character.value, digits: 4)
        }
      }
    }
    return quoted + "\""
  }

  /// A letter first, then letters, digits and URL punctuation, and not a reserved word: such a plain
  /// scalar is a string to every YAML 1.1 reader.
  private static func isPlainSafe(_ value: String) -> Bool {
    guard let first = value.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
      !reservedWords.contains(value), !value.contains(": "), !value.hasSuffix(":")
    else { return false }
    return value.unicodeScalars.allSatisfy { character in
      character.isASCII
        && (character.properties.isAlphabetic || ("0"..."9").contains(character)
          || "-_./:?=&%+,;@".unicodeScalars.contains(character))
    }
  }

  /// What PyYAML's reader accepts unescaped inside a quoted scalar, without line breaks.
  private static func isPrintable(_ character: Unicode.Scalar) -> Bool {
    switch character.value {
    case 0x20...0x7E: return true
    case 0xA0...0xD7FF: return character.value != 0x2028 && character.value != 0x2029
    case 0xE000...0xFFFD: return character.value != 0xFEFF
    case 0x10000...0x10FFFF: return true
    default: return false
    }
  }

  private static func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
