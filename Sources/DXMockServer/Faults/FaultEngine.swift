import DXWire
import Foundation
import Synchronization

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
    /// The response-phase rules by path (``FaultRuleIndex``).
    var index = FaultRuleIndex()
    /// The receive-phase rules (``DXFault/isReceivePhase``) by path.
    var receiveIndex = FaultRuleIndex()
    /// Whether any rule matches on the attempt number.
    var usesAttempts = false
    /// Whether any rule is a receive-phase rule.
    var hasReceiveRules = false

    /// Rebuilds the indexes after the rules changed.
    mutating func reindex() {
      var response: [(position: Int, pattern: String)] = []
      var receive: [(position: Int, pattern: String)] = []
      for (position, state) in states.enumerated() {
        if state.rule.fault.isReceivePhase {
          receive.append((position, state.rule.match.path))
        } else {
          response.append((position, state.rule.match.path))
        }
      }
      index = FaultRuleIndex(globs: response)
      receiveIndex = FaultRuleIndex(globs: receive)
      usesAttempts = states.contains { $0.rule.match.attempt != nil }
      hasReceiveRules = !receive.isEmpty
      receiveCount = receive.count
    }
    /// The number of receive-phase rules (published to ``FaultEngine/receiveRuleCount``).
    var receiveCount = 0

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
  /// The number of receive-phase rules, readable without the lock (checked for every request head).
  private let receiveRuleCount = Atomic<Int>(0)
  /// The number of rules, readable without the lock: a request meets the lock only when there are
  /// rules to decide with.
  private let ruleCount = Atomic<Int>(0)
  /// The attempt counts of logical operations (for rules with ``DXFaultRule/Match/attempt``).
  let attempts = AttemptTracker()
  /// Resolves a token to its user (for ``DXFaultRule/Match/user``); set once by the server.
  let authenticate: @Sendable (String) -> String?

  /// Creates an engine holding `initialRules` (the start-up rules), which ``reset()`` brings back.
  /// - Parameters:
  ///   - seed: The seed for probability draws, or `nil` (the default) for a random one.
  ///   - initialRules: The start-up rules, in order.
  ///   - authenticate: Resolves a token to its user ID; default none.
  init(
    seed: UInt64? = nil, initialRules: [DXFaultRule] = [],
    authenticate: @escaping @Sendable (String) -> String? = { _ in nil }
  ) {
    self.authenticate = authenticate
    let seed = seed ?? UInt64.random(in: .min ... .max)
    self.seed = seed
    self.initialRules = initialRules
    var rules = Rules()
    for rule in initialRules { rules.add(rule, seed: seed) }
    rules.reindex()
    receiveRuleCount.store(rules.receiveCount, ordering: .relaxed)
    ruleCount.store(rules.states.count, ordering: .relaxed)
    rulesLock = DXLock(rules)
  }

  // MARK: - Rules

  /// Adds `rule` after the others, or replaces the rule with the same ID in place (with fresh
  /// counters); returns its ID (`fault-1`, `fault-2`, … unless the rule brings its own).
  @discardableResult
  func add(_ rule: DXFaultRule) -> String {
    rulesLock.withLock { rules in
      let id = rules.add(rule, seed: seed)
      rules.reindex()
      publish(rules)
      return id
    }
  }

  /// Adds several rules at once (atomically, in order) and returns their IDs.
  @discardableResult
  func add(contentsOf rules: [DXFaultRule]) -> [String] {
    rulesLock.withLock { locked in
      let ids = rules.map { locked.add($0, seed: seed) }
      locked.reindex()
      publish(locked)
      return ids
    }
  }

  /// Removes the rule with `id`; returns whether there was one.
  @discardableResult
  func remove(id: String) -> Bool {
    rulesLock.withLock { rules in
      guard let index = rules.states.firstIndex(where: { $0.id == id }) else { return false }
      rules.states.remove(at: index)
      rules.reindex()
      publish(rules)
      return true
    }
  }

  /// Removes every rule (IDs keep counting up); returns how many there were.
  @discardableResult
  func clear() -> Int {
    rulesLock.withLock { rules in
      let count = rules.states.count
      rules.states.removeAll()
      rules.reindex()
      publish(rules)
      return count
    }
  }

  /// Restores the start-up rules with fresh counters, IDs from `fault-1` again, and generators
  /// reseeded as at start-up.
  func reset() {
    rulesLock.withLock { rules in
      rules = Rules()
      for rule in initialRules { rules.add(rule, seed: seed) }
      rules.reindex()
      publish(rules)
    }
    attempts.reset()
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

  /// Counts a request against every response-phase rule that matches it and decides what applies:
  /// the sum of the firing delay and latency rules' delays, and the fault of the first (in rule order)
  /// firing other rule. Atomic with respect to every other call.
  ///
  /// Rules are found through the path index, so a request no rule's path can match costs a few
  /// dictionary look-ups and allocates nothing; the finer criteria are checked (and the request's body
  /// parsed) only for rules whose method and path match.
  func decide(_ request: DXMockRequest) -> FaultDecision {
    guard hasRules else { return .none }
    return rulesLock.withLock { rules in
      if rules.states.isEmpty { return .none }
      var operation: OperationKey?
      var attempt: Int?
      if rules.usesAttempts {
        let key = OperationKey(
          method: request.method, path: request.path, body: request.body, bodySize: request.body.count,
          bodyMD5: request.bodyMD5)
        operation = key
        attempt = attempts.next(key)
      }
      var decision = Self.decide(&rules, index: rules.index, request: request, attempt: attempt, authenticate)
      decision.operation = operation
      return decision
    }
  }

  /// Whether any rule exists (one atomic load; no lock). A rule added while a request is being
  /// decided applies from the next request on, as when the request had taken the lock first.
  var hasRules: Bool { ruleCount.load(ordering: .acquiring) > 0 }

  /// Whether any receive-phase rule exists (one atomic load; no lock).
  var hasReceiveRules: Bool { receiveRuleCount.load(ordering: .relaxed) > 0 }

  /// Publishes the receive-phase rule count after the rules changed (called with the lock held).
  private func publish(_ rules: Rules) {
    receiveRuleCount.store(rules.receiveCount, ordering: .relaxed)
    ruleCount.store(rules.states.count, ordering: .releasing)
  }

  /// Decides the receive-phase faults (``DXFault/isReceivePhase``) from a request's head, before its
  /// body arrives; `.none` at once when there are no such rules.
  func decideReceive(_ head: DXMockRequest) -> FaultDecision {
    rulesLock.withLock { rules in
      if !rules.hasReceiveRules { return .none }
      return Self.decide(&rules, index: rules.receiveIndex, request: head, attempt: nil, authenticate)
    }
  }

  /// Compatibility form of ``decide(_:)`` for a request known only by method and path.
  func decide(method: String, path: String) -> FaultDecision {
    decide(DXMockRequest(method: method, path: path))
  }

  private static func decide(
    _ rules: inout Rules, index: FaultRuleIndex, request: DXMockRequest, attempt: Int?,
    _ authenticate: @escaping @Sendable (String) -> String?
  ) -> FaultDecision {
    var decision = FaultDecision.none
    var subject: MatchSubject?
    var winner: Int?
    var delayRules: [Int] = []
    index.forEachCandidate(of: request.path) { position in
      let rule = rules.states[position].rule
      guard rule.matches(method: request.method, path: request.path) else { return }
      if rule.match.hasDetails {
        let facts = subject ?? MatchSubject(request: request, attempt: attempt, authenticate: authenticate)
        subject = facts
        guard rule.match.matchesDetails(facts) else { return }
      }
      rules.states[position].matched += 1
      guard rule.isDue(matched: rules.states[position].matched, applied: rules.states[position].applied)
      else {
        return
      }
      if rule.probability < 1 {
        guard rule.probability > 0, rules.states[position].generator.nextUnitInterval() < rule.probability
        else { return }
      }
      switch rule.fault {
      case .delay(let ms):
        decision.addDelay(ms)
      case .latency(let latency):
        decision.addDelay(latency.sample(&rules.states[position].generator))
      default:
        if winner.map({ position < $0 }) ?? true { winner = position }
        return
      }
      rules.states[position].applied += 1
      delayRules.append(position)
    }
    if let winner {
      rules.states[winner].applied += 1
      decision.fault = rules.states[winner].rule.fault
      decision.ruleID = rules.states[winner].id
      delayRules.append(winner)
    }
    if !delayRules.isEmpty {
      delayRules.sort()
      decision.ruleIDs = delayRules.map { rules.states[$0].id }
    }
    return decision
  }
}
