/// Distinct strings in the order they were first added: an object's or project's tags and types.
///
/// The platform answers tags and types in insertion order without duplicates. An array alone makes
/// every `addTags` quadratic (each new tag searched for in the list); a set beside it makes adding
/// and removing `k` strings O(k) and O(n + k). Stored (Codable) as the plain JSON array it always
/// was, so the state file keeps its form.
struct OrderedStringSet: Sendable, Equatable, Codable, Sequence, ExpressibleByArrayLiteral {
  private(set) var elements: [String] = []
  private var members: Set<String> = []

  /// An empty set.
  init() {}

  /// The distinct strings of `strings`, first occurrence kept.
  init(_ strings: some Sequence<String>) { add(strings) }

  init(arrayLiteral elements: String...) { self.init(elements) }

  init(from decoder: any Decoder) throws {
    self.init(try [String](from: decoder))
  }

  func encode(to encoder: any Encoder) throws { try elements.encode(to: encoder) }

  static func == (lhs: Self, rhs: Self) -> Bool { lhs.elements == rhs.elements }

  var count: Int { elements.count }
  var isEmpty: Bool { elements.isEmpty }

  func contains(_ string: String) -> Bool { members.contains(string) }

  func makeIterator() -> IndexingIterator<[String]> { elements.makeIterator() }

  /// Appends the strings not already present, in order.
  mutating func add(_ strings: some Sequence<String>) {
    for string in strings where members.insert(string).inserted { elements.append(string) }
  }

  /// Removes every string in `strings`.
  mutating func remove(_ strings: some Sequence<String>) {
    let gone = Set(strings).intersection(members)
    guard !gone.isEmpty else { return }
    members.subtract(gone)
    elements.removeAll { gone.contains($0) }
  }
}
