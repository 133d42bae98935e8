import DXCore
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
final class FaultEngine {
  private let lock = NSLock()
  /// The seed the per-rule generators derive from.
  let seed: UInt64
  private let initialRules: [DXFaultRule]
  // Guarded by `lock`.
  private var states: [FaultRuleState] = []
  private var nextNumber = 1
  private var ordinal: UInt64 = 0

  /// Creates an engine holding `initialRules` (the `--fault`/`--faults` rules), which ``reset()``
  /// brings back.
  /// - Parameters:
  ///   - seed: The seed for probability draws, or `nil` (the default) for a random one.
  ///   - initialRules: The start-up rules, in order.
  init(seed: UInt64? = nil, initialRules: [DXFaultRule] = []) {
    self.seed = seed ?? UInt64.random(in: .min ... .max)
    self.initialRules = initialRules
    for rule in initialRules { addLocked(rule) }
  }

  // MARK: - Rules

  /// Adds `rule` after the others, or replaces the rule with the same ID in place (with fresh
  /// counters); returns its ID (`fault-1`, `fault-2`, … unless the rule brings its own).
  @discardableResult
  func add(_ rule: DXFaultRule) -> String {
    lock.lock()
    defer { lock.unlock() }
    return addLocked(rule)
  }

  /// Adds several rules at once (atomically, in order) and returns their IDs.
  @discardableResult
  func add(contentsOf rules: [DXFaultRule]) -> [String] {
    lock.lock()
    defer { lock.unlock() }
    return rules.map { addLocked($0) }
  }

  /// Removes the rule with `id`; returns whether there was one.
  @discardableResult
  func remove(id: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard let index = states.firstIndex(where: { $0.id == id }) else { return false }
    states.remove(at: index)
    return true
  }

  /// Removes every rule (IDs keep counting up); returns how many there were.
  @discardableResult
  func clear() -> Int {
    lock.lock()
    defer { lock.unlock() }
    let count = states.count
    states.removeAll()
    return count
  }

  /// Restores the start-up rules with fresh counters, IDs from `fault-1` again, and generators
  /// reseeded as at start-up.
  func reset() {
    lock.lock()
    defer { lock.unlock() }
    states.removeAll()
    nextNumber = 1
    ordinal = 0
    for rule in initialRules { addLocked(rule) }
  }

  /// The rules with their counters, in order.
  var rules: [FaultRuleState] {
    lock.lock()
    defer { lock.unlock() }
    return states
  }

  /// The rule with `id` and its counters, or `nil`.
  func rule(id: String) -> FaultRuleState? {
    lock.lock()
    defer { lock.unlock() }
    return states.first { $0.id == id }
  }

  /// The number of rules.
  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return states.count
  }

  @discardableResult
  private func addLocked(_ rule: DXFaultRule) -> String {
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

  // MARK: - Deciding

  /// Counts a request against every rule matching `method` and `path` (no query string) and
  /// decides what applies: the sum of the firing delay rules' delays, and the fault of the first
  /// firing non-delay rule. Atomic with respect to every other call.
  func decide(method: String, path: String) -> FaultDecision {
    lock.lock()
    defer { lock.unlock() }
    if states.isEmpty { return .none }
    var decision = FaultDecision.none
    for index in states.indices {
      guard states[index].rule.matches(method: method, path: path) else { continue }
      states[index].matched += 1
      let rule = states[index].rule
      guard rule.isDue(matched: states[index].matched, applied: states[index].applied) else { continue }
      if rule.probability < 1 {
        guard rule.probability > 0, states[index].generator.nextUnitInterval() < rule.probability else {
          continue
        }
      }
      if case .delay(let ms) = rule.fault {
        let (sum, overflow) = decision.delayMs.addingReportingOverflow(ms)
        decision.delayMs = overflow ? Int.max : sum
      } else if decision.fault == nil {
        decision.fault = rule.fault
        decision.ruleID = states[index].id
      } else {
        continue
      }
      states[index].applied += 1
      decision.ruleIDs.append(states[index].id)
    }
    return decision
  }
}

// The mutable state (`states`, `nextNumber`, `ordinal`) is only touched with `lock` held; `seed` and
// `initialRules` are immutable.
extension FaultEngine: @unchecked Sendable {}
