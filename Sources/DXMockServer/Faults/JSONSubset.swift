import DXWire

/// Whether a JSON value contains another: the rule that `match.body` uses.
///
/// An object pattern matches an object holding at least the pattern's members, each matching in turn;
/// an array pattern matches an array of the same length whose elements match in order; numbers match
/// by value (`1` matches `1.0`); anything else must be equal.
enum JSONSubset {
  /// Whether `value` contains `pattern`.
  static func contains(_ value: DXJSON, _ pattern: DXJSON) -> Bool {
    switch (pattern, value) {
    case (.object(let wanted), .object(let members)):
      for (key, sub) in wanted {
        guard let member = members[key], contains(member, sub) else { return false }
      }
      return true
    case (.array(let wanted), .array(let elements)):
      guard wanted.count == elements.count else { return false }
      return zip(elements, wanted).allSatisfy { contains($0, $1) }
    case (.integer, .double), (.double, .integer), (.double, .double):
      return pattern.doubleValue == value.doubleValue
    default:
      return pattern == value
    }
  }
}
