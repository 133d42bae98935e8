/// Which rules can match a path, found without testing every rule: rules are filed by the literal text
/// before the first `*` of their path glob.
///
/// A glob without `*` is filed under its exact path; one starting with `*` matches anything and is
/// always a candidate; any other under the first (at most 15) bytes of its literal prefix, which a
/// path's own first bytes then look up (15 bytes stay a small string: looking up allocates nothing).
/// Candidates still go through the rule's full match.
struct FaultRuleIndex: Sendable {
  private static let maximumKey = 15
  private var always: [Int] = []
  private var exact: [String: [Int]] = [:]
  private var prefixed: [String: [Int]] = [:]
  private var prefixLengths: [Int] = []

  /// An index of no rules.
  init() {}

  /// Files each of `globs` under its position.
  init(globs: [(position: Int, pattern: String)]) {
    var lengths = Set<Int>()
    for (position, pattern) in globs {
      guard let star = pattern.firstIndex(of: "*") else {
        exact[pattern, default: []].append(position)
        continue
      }
      let literal = pattern[..<star].utf8
      if literal.isEmpty {
        always.append(position)
        continue
      }
      let length = min(literal.count, Self.maximumKey)
      lengths.insert(length)
      prefixed[String(decoding: literal.prefix(length), as: UTF8.self), default: []].append(position)
    }
    prefixLengths = lengths.sorted()
  }

  /// Calls `body` with the position of every rule whose glob may match `path` (each once, in no
  /// particular order).
  func forEachCandidate(of path: String, _ body: (Int) -> Void) {
    for position in always { body(position) }
    if let positions = exact[path] { for position in positions { body(position) } }
    if prefixLengths.isEmpty { return }
    let bytes = path.utf8
    let count = bytes.count
    for length in prefixLengths where length <= count {
      guard let positions = prefixed[String(decoding: bytes.prefix(length), as: UTF8.self)] else { continue }
      for position in positions { body(position) }
    }
  }
}
