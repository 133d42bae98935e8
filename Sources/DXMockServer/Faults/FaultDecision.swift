/// What the fault rules decided for one request.
struct FaultDecision: Sendable, Hashable {
  /// The total delay of every firing delay rule, in milliseconds (0 for none). Apply it first.
  var delayMs: Int
  /// The fault of the first firing non-delay rule, or `nil` to answer normally (after the delay).
  var fault: DXFault?
  /// The ID of the rule whose ``fault`` applies, or `nil`.
  var ruleID: String?
  /// The IDs of every rule applied to this request, in rule order (delay rules and the fault rule).
  var ruleIDs: [String]

  /// No delay, no fault.
  static let none = FaultDecision(delayMs: 0, fault: nil, ruleID: nil, ruleIDs: [])

  /// Whether nothing applies.
  var isNone: Bool { delayMs == 0 && fault == nil && ruleIDs.isEmpty }
}
