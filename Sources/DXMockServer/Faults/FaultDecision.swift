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

  /// The logical operation the request belongs to, when rules count attempts (the pipeline reports its
  /// success back so the count starts again).
  var operation: OperationKey?

  /// No delay, no fault.
  static let none = FaultDecision(delayMs: 0, fault: nil, ruleID: nil, ruleIDs: [], operation: nil)

  /// Adds `ms` to the delay (saturating).
  mutating func addDelay(_ ms: Int) {
    let (sum, overflow) = delayMs.addingReportingOverflow(ms)
    delayMs = overflow ? Int.max : sum
  }

  /// Whether nothing applies.
  var isNone: Bool { delayMs == 0 && fault == nil && ruleIDs.isEmpty }

  /// The decision of the receive phase combined with this one: the receive-phase fault is kept apart
  /// (it applies to the body and, for bandwidth, to the response too).
  func merged(withReceive receive: FaultDecision) -> FaultDecision {
    if receive.isNone { return self }
    var merged = self
    merged.ruleIDs = receive.ruleIDs + ruleIDs
    return merged
  }
}
