import DXWire

/// The server's execution rules and their counters, behind one lock.
///
/// Rules are configuration, like fault rules: they are not in the state file; a reset restores the
/// start-up rules (from `--executions FILE`) with fresh counters.
final class ExecutionRuleEngine: Sendable {
  /// A rule with its counters.
  struct Entry: Sendable, Hashable {
    var rule: DXExecutionRule
    /// Runs that matched.
    var matched = 0
    /// Runs the rule applied to.
    var applied = 0

    /// The rule's JSON plus `matched`, `applied` and `remaining`.
    var json: DXJSON {
      guard case .object(var object) = rule.json else { return rule.json }
      object["matched"] = .integer(matched)
      object["applied"] = .integer(applied)
      object["remaining"] = rule.times.map { .integer(max(0, $0 - applied)) } ?? .null
      return .object(object)
    }
  }

  private struct Guarded {
    var entries: [Entry] = []
    var nextID = 1
  }

  private let initial: [DXExecutionRule]
  private let guarded = DXLock(Guarded())

  /// Creates the engine with its start-up rules.
  init(initialRules: [DXExecutionRule]) {
    self.initial = initialRules
    reset()
  }

  /// Adds rules after the others (a rule with an ID in use replaces that rule) and returns their IDs.
  @discardableResult
  func add(_ rules: [DXExecutionRule]) -> [String] {
    guarded.withLock { guarded in
      rules.map { rule in
        var rule = rule
        if rule.id == nil {
          rule.id = "exec-\(guarded.nextID)"
          guarded.nextID += 1
        }
        let id = rule.id ?? ""
        if let index = guarded.entries.firstIndex(where: { $0.rule.id == id }) {
          guarded.entries[index] = Entry(rule: rule)
        } else {
          guarded.entries.append(Entry(rule: rule))
        }
        return id
      }
    }
  }

  /// Every rule with its counters, in order.
  var entries: [Entry] { guarded.withLock { $0.entries } }

  /// The rule `id` with its counters.
  func entry(id: String) -> Entry? { guarded.withLock { $0.entries.first { $0.rule.id == id } } }

  /// Removes the rule `id`; returns whether there was one.
  func remove(id: String) -> Bool {
    guarded.withLock { guarded in
      guard let index = guarded.entries.firstIndex(where: { $0.rule.id == id }) else { return false }
      guarded.entries.remove(at: index)
      return true
    }
  }

  /// Removes every rule; returns how many there were.
  func clear() -> Int {
    guarded.withLock { guarded in
      let count = guarded.entries.count
      guarded.entries = []
      return count
    }
  }

  /// Restores the start-up rules with fresh counters.
  func reset() {
    guarded.withLock { guarded in
      guarded = Guarded()
    }
    add(initial)
  }

  /// The first applicable rule's plan for `subject`, counting the match, or `nil` when no rule applies.
  func plan(for subject: ExecutionSubject, defaultDuration: Int, defaultDescribes: Int?, now: Int)
    -> ExecutionPlan?
  {
    guarded.withLock { guarded in
      var chosen: ExecutionPlan?
      for index in guarded.entries.indices where guarded.entries[index].rule.matches(subject) {
        guarded.entries[index].matched += 1
        guard chosen == nil else { continue }
        let entry = guarded.entries[index]
        guard entry.matched > entry.rule.skip else { continue }
        if let times = entry.rule.times, entry.applied >= times { continue }
        guarded.entries[index].applied += 1
        chosen = entry.rule.plan(
          defaultDuration: defaultDuration, defaultDescribes: defaultDescribes, now: now)
      }
      return chosen
    }
  }
}
