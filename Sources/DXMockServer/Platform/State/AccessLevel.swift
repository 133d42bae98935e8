/// A user's permission level in a project: VIEW < UPLOAD < CONTRIBUTE < ADMINISTER.
enum AccessLevel: Int, Comparable, Sendable, Codable, CaseIterable {
  case view = 1
  case upload = 2
  case contribute = 3
  case administer = 4

  /// The platform's name, e.g. `"CONTRIBUTE"`.
  var name: String {
    switch self {
    case .view: return "VIEW"
    case .upload: return "UPLOAD"
    case .contribute: return "CONTRIBUTE"
    case .administer: return "ADMINISTER"
    }
  }

  /// The level named `name` (as the platform spells it), or `nil`.
  init?(name: String) {
    guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
    self = level
  }

  static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
