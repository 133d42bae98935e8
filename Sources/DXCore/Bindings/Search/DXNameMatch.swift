/// How a search matches names (dxpy's `name_mode`): exactly, by glob or by regular expression.
public enum DXNameMatch: Sendable, Hashable, ExpressibleByStringLiteral {
  /// The exact name.
  case exact(String)
  /// A glob (`*.bam`).
  case glob(String)
  /// A regular expression.
  case regexp(String)

  /// An exact name.
  public init(stringLiteral value: String) { self = .exact(value) }

  /// `"name"`, `{"glob": …}` or `{"regexp": …}`.
  public var json: DXJSON {
    switch self {
    case .exact(let name): return .string(name)
    case .glob(let pattern): return ["glob": .string(pattern)]
    case .regexp(let pattern): return ["regexp": .string(pattern)]
    }
  }
}

/// A time window for `created` or `modified` searches, in milliseconds since 1970 (negative values
/// count back from now, as the API allows).
public struct DXTimeRange: Sendable, Hashable {
  /// Later than this.
  public var after: Int?
  /// Earlier than this.
  public var before: Int?

  /// Creates a window.
  public init(after: Int? = nil, before: Int? = nil) {
    self.after = after
    self.before = before
  }

  /// `{"after": …, "before": …}` with the bounds given.
  public var json: DXJSON {
    var members: [String: DXJSON] = [:]
    if let after { members["after"] = .integer(after) }
    if let before { members["before"] = .integer(before) }
    return .object(members)
  }
}
