/// An instance type request, for all entry points or per entry point (dxpy's
/// `SystemRequirementsDict.from_instance_type`).
public enum DXInstanceType: Sendable, Hashable, ExpressibleByStringLiteral {
  /// One instance type for every entry point (`"*"`).
  case all(String)
  /// An instance type per entry point (or stage).
  case byEntryPoint([String: String])

  /// One instance type for every entry point.
  public init(stringLiteral value: String) { self = .all(value) }

  /// The `systemRequirements` value: `{"*": {"instanceType": …}}` or one member per entry point.
  public func systemRequirements(entryPoint: String = "*") -> DXJSON {
    switch self {
    case .all(let type): return [entryPoint: ["instanceType": .string(type)]]
    case .byEntryPoint(let types): return .object(types.mapValues { ["instanceType": .string($0)] })
    }
  }
}
