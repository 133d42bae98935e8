import DXWire
import Foundation

/// A `name` search filter: an exact string, `{"glob": …}` or `{"regexp": …, "flags"?: "i"}`.
struct NameMatcher {
  private enum Kind {
    case exact(String)
    case glob([Character])
    case regexp(NSRegularExpression)
  }

  private let kind: Kind

  /// The exact name, when the filter is exact (usable as an index key).
  var exactName: String? {
    if case .exact(let name) = kind { return name }
    return nil
  }

  /// Parses the filter.
  /// - Throws: InvalidInput for another shape or an invalid regular expression.
  init(_ json: DXJSON, field: String = "name") throws(DXPlatformError) {
    if let name = json.stringValue {
      kind = .exact(name)
      return
    }
    guard let members = json.objectValue else {
      throw .invalidInput("Expected \"\(field)\" to be a string or an object with \"glob\" or \"regexp\"")
    }
    if let glob = members["glob"]?.stringValue {
      kind = .glob(Array(glob))
    } else if let pattern = members["regexp"]?.stringValue {
      let flags = members["flags"]?.stringValue ?? ""
      guard
        let regex = try? NSRegularExpression(
          pattern: pattern, options: flags.contains("i") ? [.caseInsensitive] : [])
      else {
        throw .invalidInput("\"\(field).regexp\" is not a valid regular expression: \(pattern)")
      }
      kind = .regexp(regex)
    } else {
      throw .invalidInput("Expected \"\(field)\" to be a string or an object with \"glob\" or \"regexp\"")
    }
  }

  /// Whether `name` matches.
  func matches(_ name: String) -> Bool {
    switch kind {
    case .exact(let expected): return name == expected
    case .glob(let pattern): return Self.glob(pattern[...], Array(name)[...])
    case .regexp(let regex):
      return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
  }

  /// Shell-style matching: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`.
  private static func glob(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
    var p = pattern.startIndex
    var t = text.startIndex
    var starP: Int?
    var starT = 0
    while t < text.endIndex {
      if p < pattern.endIndex, pattern[p] == "*" {
        starP = p
        starT = t
        p += 1
        continue
      }
      if p < pattern.endIndex, let (matched, next) = matchOne(pattern, p, text[t]), matched {
        p = next
        t += 1
        continue
      }
      guard let star = starP else { return false }
      p = star + 1
      starT += 1
      t = starT
    }
    while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
    return p == pattern.endIndex
  }

  /// Matches one pattern element at `p` against `c`: (matched, index after the element).
  private static func matchOne(_ pattern: ArraySlice<Character>, _ p: Int, _ c: Character) -> (Bool, Int)? {
    switch pattern[p] {
    case "?": return (true, p + 1)
    case "[":
      var index = p + 1
      var negate = false
      if index < pattern.endIndex, pattern[index] == "!" || pattern[index] == "^" {
        negate = true
        index += 1
      }
      var matched = false
      var first = true
      while index < pattern.endIndex, pattern[index] != "]" || first {
        first = false
        let low = pattern[index]
        if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]" {
          if low <= c, c <= pattern[index + 2] { matched = true }
          index += 3
        } else {
          if low == c { matched = true }
          index += 1
        }
      }
      guard index < pattern.endIndex else { return (pattern[p] == c, p + 1) }
      return (matched != negate, index + 1)
    default:
      return (pattern[p] == c, p + 1)
    }
  }
}
