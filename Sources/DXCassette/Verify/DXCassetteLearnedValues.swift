import DXCore
import Foundation

/// Values a live server assigned anew during a drift check — object IDs and URLs that differ from the
/// recording at the same place of the same answer — so that later requests use the live ones and the
/// difference is not reported as drift.
struct DXCassetteLearnedValues: Sendable {
  /// Recorded value → live value.
  private(set) var replacements: [String: String] = [:]

  /// Learns every ID or URL string of `recorded` that `live` has a different one for, at the same path.
  mutating func learn(recorded: DXJSON, live: DXJSON) {
    switch (recorded, live) {
    case (.object(let old), .object(let new)):
      for (name, value) in old { if let other = new[name] { learn(recorded: value, live: other) } }
    case (.array(let old), .array(let new)) where old.count == new.count:
      for (value, other) in zip(old, new) { learn(recorded: value, live: other) }
    case (.string(let old), .string(let new))
    where old != new && Self.isAssigned(old) && Self.isAssigned(new):
      replacements[old] = new
    default:
      break
    }
  }

  /// Whether `value` is something a server assigns: a platform object ID (`file-…` with 24 characters)
  /// or an http(s) URL.
  static func isAssigned(_ value: String) -> Bool {
    if value.hasPrefix("http://") || value.hasPrefix("https://") { return true }
    guard let dash = value.firstIndex(of: "-") else { return false }
    let kind = value[..<dash]
    let rest = value[value.index(after: dash)...]
    return !kind.isEmpty && kind.allSatisfy { $0.isASCII && $0.isLowercase } && rest.count == 24
      && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
  }

  /// Whether `value` is a recorded value with a live replacement.
  func knows(_ value: String) -> Bool { replacements[value] != nil }

  /// Whether the difference is only a learned value (the recorded one mapped to the live one).
  func explains(_ difference: DXCassetteDifference) -> Bool {
    guard let old = (try? DXJSON(parsing: Data(difference.recordedValue.utf8)))?.stringValue,
      let new = (try? DXJSON(parsing: Data(difference.requestValue.utf8)))?.stringValue
    else { return false }
    return replacements[old] == new
  }

  /// `text` with every learned recorded value replaced by its live one (longest first).
  func substitute(_ text: String) -> String {
    guard !replacements.isEmpty else { return text }
    var result = text
    for (old, new) in replacements.sorted(by: { $0.key.count > $1.key.count }) where result.contains(old) {
      result = result.replacingOccurrences(of: old, with: new)
    }
    return result
  }

  /// `body` with learned values replaced, when it is UTF-8 text; other bytes as they are.
  func substitute(_ body: Data) -> Data {
    guard !replacements.isEmpty, let text = String(data: body, encoding: .utf8) else { return body }
    return Data(substitute(text).utf8)
  }
}
