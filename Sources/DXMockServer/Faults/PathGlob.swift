/// A path pattern where `*` matches any run of characters, `/` included; every other character
/// matches itself exactly (case-sensitive).
///
/// `*` alone matches every path; `/file-*/close` matches `/file-B123/close`; `/system/*` matches
/// every `/system/…` route; `*/describe` matches every describe call. There is no escape: a literal
/// `*` cannot occur in an API path.
struct PathGlob: Sendable, Hashable {
  /// The pattern text.
  let pattern: String
  private let bytes: [UInt8]
  private let isEverything: Bool
  private let hasWildcard: Bool

  init(_ pattern: String) {
    self.pattern = pattern
    self.bytes = Array(pattern.utf8)
    self.isEverything = bytes.allSatisfy { $0 == UInt8(ascii: "*") } && !bytes.isEmpty
    self.hasWildcard = bytes.contains(UInt8(ascii: "*"))
  }

  /// Whether `path` matches the whole pattern.
  func matches(_ path: String) -> Bool {
    if isEverything { return true }
    var path = path
    return path.withUTF8 { text in
      if !hasWildcard { return text.elementsEqual(bytes) }
      return Self.match(bytes, text)
    }
  }

  /// Linear-time-per-star wildcard matching with single-star backtracking (the classic greedy
  /// algorithm): on a mismatch it resumes after the most recent `*`, consuming one more character.
  private static func match(_ pattern: [UInt8], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
    let star = UInt8(ascii: "*")
    var p = 0
    var t = 0
    var starP = -1
    var starT = 0
    while t < text.count {
      if p < pattern.count, pattern[p] == star {
        starP = p
        starT = t
        p += 1
      } else if p < pattern.count, pattern[p] == text[t] {
        p += 1
        t += 1
      } else if starP >= 0 {
        p = starP + 1
        starT += 1
        t = starT
      } else {
        return false
      }
    }
    while p < pattern.count, pattern[p] == star { p += 1 }
    return p == pattern.count
  }
}
