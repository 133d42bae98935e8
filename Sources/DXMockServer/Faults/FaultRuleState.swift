import DXWire

/// A rule as the engine holds it: the rule (with its ID) and its counters.
struct FaultRuleState: Sendable, Hashable {
  /// The rule; its ``DXFaultRule/id`` is always set.
  var rule: DXFaultRule
  /// How many requests matched the rule's method and path.
  var matched: Int = 0
  /// How many times the rule's fault was applied.
  var applied: Int = 0
  /// The rule's own generator for ``DXFaultRule/probability`` draws.
  var generator: SplitMix64

  /// The rule's ID.
  var id: String { rule.id ?? "" }

  /// Applications left before ``DXFaultRule/times`` is used up, or `nil` for no limit.
  var remaining: Int? { rule.times.map { max(0, $0 - applied) } }

  /// The rule's JSON form plus `matched`, `applied` and `remaining` (`null` when unlimited).
  var json: DXJSON {
    guard case .object(var object) = rule.json else { return rule.json }
    object["matched"] = .integer(matched)
    object["applied"] = .integer(applied)
    object["remaining"] = remaining.map { .integer($0) } ?? .null
    return .object(object)
  }
}
