/// Generates platform IDs: `<class>-` followed by 24 characters of the server's 32-character alphabet.
///
/// With a seed the sequence is deterministic (SplitMix64); the generator's state is a plain value so
/// the persisted state can continue the sequence after a restart.
struct IDGenerator: Sendable, Codable {
  /// The platform's ID alphabet (`Resolver.cpp` `ObjectInfo::IsId`).
  static let alphabet = Array("0123456789BFGJKPQVXYZbfgjkpqvxyz")

  /// The SplitMix64 state.
  var state: UInt64

  /// A generator seeded with `seed`, or from the system's randomness when `seed` is `nil`.
  init(seed: UInt64?) {
    if let seed {
      state = seed
    } else {
      var system = SystemRandomNumberGenerator()
      state = system.next()
    }
  }

  private mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }

  /// A new ID of `klass`, e.g. `record-Bq3…`.
  mutating func make(_ klass: String) -> String {
    var characters: [Character] = []
    characters.reserveCapacity(24)
    var bits = next()
    var available = 64
    for _ in 0..<24 {
      if available < 5 {
        bits = next()
        available = 64
      }
      characters.append(Self.alphabet[Int(bits & 31)])
      bits >>= 5
      available -= 5
    }
    return klass + "-" + String(characters)
  }

  /// A random hex string of `count` characters (used in preauthenticated URLs).
  mutating func hex(_ count: Int) -> String {
    let digits = Array("0123456789abcdef")
    var text = ""
    var bits = next()
    var available = 64
    for _ in 0..<count {
      if available < 4 {
        bits = next()
        available = 64
      }
      text.append(digits[Int(bits & 15)])
      bits >>= 4
      available -= 4
    }
    return text
  }

  /// Whether `id` has the form `<klass>-` + 24 alphabet characters.
  static func isValid(_ id: String, klass: String? = nil) -> Bool {
    guard let dash = id.firstIndex(of: "-") else { return false }
    let prefix = id[..<dash]
    if let klass, prefix != klass { return false }
    let rest = id[id.index(after: dash)...]
    return rest.count == 24 && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
  }

  /// The class prefix of `id` (`"record"` for `record-…`), or `nil`.
  static func klass(of id: String) -> String? {
    guard let dash = id.firstIndex(of: "-") else { return nil }
    return String(id[..<dash])
  }
}
