import DXWire
import Foundation

/// A `name` search filter: an exact string, `{"glob": …}` or `{"regexp": …, "flags"?: "i"}`.
///
/// Regular expressions are ICU's (Foundation's `NSRegularExpression`, a backtracking engine): a
/// pattern such as `(a*)*b` can take exponential time. So a glob or a regular expression is never
/// run under the state lock: the route collects the distinct candidate names under the lock,
/// ``resolve(against:)`` matches them outside it, within ``evaluationBudget`` for the whole request
/// (ICU's progress callback stops a match that runs over), and the query then runs with the set of
/// matching names. A pattern is at most ``maximumPatternLength`` characters.
struct NameMatcher {
  private enum Kind {
    case exact(String)
    case glob([Character])
    case regexp(NSRegularExpression)
    /// A glob or regular expression already matched against every candidate name.
    case resolved(Set<String>)
  }

  private var kind: Kind
  private let field: String

  /// The longest glob or regular expression accepted.
  static let maximumPatternLength = 1000
  /// How long matching one request's candidate names may take, in seconds.
  static let evaluationBudget = 1.0

  /// Whether the filter must be resolved (``resolve(against:)``) before use under the lock.
  var needsResolution: Bool {
    switch kind {
    case .glob, .regexp: return true
    case .exact, .resolved: return false
    }
  }

  /// Matches every name of `candidates` now (outside the state lock), so that ``matches(_:)`` is a
  /// set lookup.
  /// - Throws: InvalidInput when matching takes longer than ``evaluationBudget``.
  mutating func resolve(against candidates: some Sequence<String>) throws(DXPlatformError) {
    guard needsResolution else { return }
    let deadline = Date(timeIntervalSinceNow: Self.evaluationBudget)
    var matching: Set<String> = []
    for name in candidates {
      switch kind {
      case .glob(let pattern):
        if Self.glob(pattern[...], Array(name)[...]) { matching.insert(name) }
      case .regexp(let regex):
        let (match, overran) = Self.firstMatch(regex, in: name, before: deadline)
        if overran {
          throw .invalidInput(
            "The regular expression in \"\(field).regexp\" took longer than \(Int(Self.evaluationBudget * 1000)) ms "
              + "to match the candidate names; simplify it")
        }
        if match != nil { matching.insert(name) }
      case .exact, .resolved:
        return
      }
    }
    kind = .resolved(matching)
  }

  /// The first match of `regex` in `name`, or `nil`; `overran` once `deadline` has passed (ICU's
  /// progress callback stops a match that runs over).
  static func firstMatch(_ regex: NSRegularExpression, in name: String, before deadline: Date)
    -> (match: NSTextCheckingResult?, overran: Bool)
  {
    var found: NSTextCheckingResult?
    var overran = false
    regex.enumerateMatches(in: name, options: [.reportProgress], range: NSRange(name.startIndex..., in: name))
    {
      result, _, stop in
      if let result {
        found = result
        stop.pointee = true
      } else if Date() > deadline {
        overran = true
        stop.pointee = true
      }
    }
    return (found, overran || Date() > deadline)
  }

  /// The exact name, when the filter is exact (usable as an index key).
  var exactName: String? {
    if case .exact(let name) = kind { return name }
    return nil
  }

  /// Parses the filter.
  /// - Throws: InvalidInput for another shape or an invalid regular expression.
  init(_ json: DXJSON, field: String = "name") throws(DXPlatformError) {
    self.field = field
    if let name = json.stringValue {
      kind = .exact(name)
      return
    }
    guard let members = json.objectValue else {
      throw .invalidInput("Expected \"\(field)\" to be a string or an object with \"glob\" or \"regexp\"")
    }
    for key in ["glob", "regexp"] {
      if let pattern = members[key]?.stringValue, pattern.count > Self.maximumPatternLength {
        throw .invalidInput(
          "\"\(field).\(key)\" must be at most \(Self.maximumPatternLength) characters, not \(pattern.count)")
      }
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

  /// Whether `name` matches. A glob or regular expression that was not resolved first matches
  /// nothing (routes resolve them outside the state lock).
  func matches(_ name: String) -> Bool {
    switch kind {
    case .exact(let expected): return name == expected
    case .resolved(let names): return names.contains(name)
    case .glob, .regexp: return false
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
