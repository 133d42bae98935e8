import DXWire
import Foundation

/// The server's fault rules and their schedules.
///
/// Rules are kept in the order they were added (a rule added with the ID of an existing rule
/// replaces it in place). ``decide(method:path:)`` counts the request against every matching rule and
/// picks what applies, atomically: concurrent requests see each rule's schedule exactly (with
/// `times: 2`, exactly two of any number of concurrent requests get the fault).
///
/// **Determinism.** Each rule draws its ``DXFaultRule/probability`` from its own SplitMix64
/// generator, seeded from the engine's seed and the rule's ordinal (the how-many-th rule added since
/// start or the last ``reset()``). So with the same seed, the same rules added in the same order and
/// the same sequence of matching requests per rule give the same decisions, whatever other rules
/// and other traffic do. Without a seed, a random one is chosen at start-up (and kept for resets).
final class FaultEngine: Sendable {
  /// The rules and their counters, behind the engine's lock.
  private struct Rules {
    var states: [FaultRuleState] = []
    var nextNumber = 1
    var ordinal: UInt64 = 0

    /// Adds `rule` (or replaces the one with its ID) with a generator derived from `seed` and the
    /// rule's ordinal; returns its ID.
    @discardableResult
    mutating func add(_ rule: DXFaultRule, seed: UInt64) -> String {
      var rule = rule
      ordinal += 1
      var mixer = SplitMix64(seed: seed ^ (ordinal &* 0xD1B5_4A32_D192_ED03))
      let generator = SplitMix64(seed: mixer.next())
      if let id = rule.id {
        let state = FaultRuleState(rule: rule, generator: generator)
        if let index = states.firstIndex(where: { $0.id == id }) {
          states[index] = state
        } else {
          states.append(state)
        }
        return id
      }
      var id: String
      repeat {
        id = "fault-\(nextNumber)"
        nextNumber += 1
      } while states.contains { $0.id == id }
      rule.id = id
      states.append(FaultRuleState(rule: rule, generator: generator))
      return id
    }
  }

  /// The seed the per-rule generators derive from.
  let seed: UInt64
  private let initialRules: [DXFaultRule]
  private let rulesLock: DXLock<Rules>

  /// Creates an engine holding `initialRules` (the start-up rules), which ``reset()`` brings back.
  /// - Parameters:
  ///   - seed: The seed for probability draws, or `nil` (the default) for a random one.
  ///   - initialRules: The start-up rules, in order.
  init(seed: UInt64? = nil, initialRules: [DXFaultRule] = []) {
    let seed = seed ?? UInt64.random(in: .min ... .max)
    self.seed = seed
    self.initialRules = initialRules
    var rules = Rules()
    for rule in initialRules { rules.add(rule, seed: seed) }
    rulesLock = DXLock(rules)
  }

  // MARK: - Rules

  /// Adds `rule` after the others, or replaces the rule with the same ID in place (with fresh
  /// counters); returns its ID (`fault-1`, `fault-2`, … unless the rule brings its own).
  @discardableResult
  func add(_ rule: DXFaultRule) -> String {
    rulesLock.withLock { $0.add(rule, seed: seed) }
  }

  /// Adds several rules at once (atomically, in order) and returns their IDs.
  @discardableResult
  func add(contentsOf rules: [DXFaultRule]) -> [String] {
    rulesLock.withLock { locked in rules.map { locked.add($0, seed: seed) } }
  }

  /// Removes the rule with `id`; returns whether there was one.
  @discardableResult
  func remove(id: String) -> Bool {
    rulesLock.withLock { rules in
      guard let index = rules.states.firstIndex(where: { $0.id == id }) else { return false }
      rules.states.remove(at: index)
      return true
    }
  }

  /// Removes every rule (IDs keep counting up); returns how many there were.
  @discardableResult
  func clear() -> Int {
    rulesLock.withLock { rules in
      let count = rules.states.count
      rules.states.removeAll()
      return count
    }
  }

  /// Restores the start-up rules with fresh counters, IDs from `fault-1` again, and generators
  /// reseeded as at start-up.
  func reset() {
    rulesLock.withLock { rules in
      rules = Rules()
      for rule in initialRules { rules.add(rule, seed: seed) }
    }
  }

  /// The rules with their counters, in order.
  var rules: [FaultRuleState] { rulesLock.withLock { $0.states } }

  /// The rule with `id` and its counters, or `nil`.
  func rule(id: String) -> FaultRuleState? {
    rulesLock.withLock { rules in rules.states.first { $0.id == id } }
  }

  /// The number of rules.
  var count: Int { rulesLock.withLock { $0.states.count } }

  // MARK: - Deciding

  /// Counts a request against every rule matching `method` and `path` (no query string) and
  /// decides what applies: the sum of the firing delay rules' delays, and the fault of the first
  /// firing non-delay rule. Atomic with respect to every other call.
  func decide(method: String, path: String) -> FaultDecision {
    rulesLock.withLock { rules in
      if rules.states.isEmpty { return .none }
      var decision = FaultDecision.none
      for index in rules.states.indices {
        guard rules.states[index].rule.matches(method: method, path: path) else { continue }
        rules.states[index].matched += 1
        let rule = rules.states[index].rule
        guard rule.isDue(matched: rules.states[index].matched, applied: rules.states[index].applied) else {
          continue
        }
        if rule.probability < 1 {
          guard rule.probability > 0, rules.states[index].generator.nextUnitInterval() < rule.probability
          else { continue }
        }
        if case .delay(let ms) = rule.fault {
          let (sum, overflow) = decision.delayMs.addingReportingOverflow(ms)
          decision.delayMs = overflow ? Int.max : sum
        } else if decision.fault == nil {
          decision.fault = rule.fault
          decision.ruleID = rules.states[index].id
        } else {
          continue
        }
        rules.states[index].applied += 1
        decision.ruleIDs.append(rules.states[index].id)
      }
      return decision
    }
  }
}
