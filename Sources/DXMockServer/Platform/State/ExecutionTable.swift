/// Every job and analysis, with what keeps lookups cheap: the search index, the timers, the executions
/// waiting on each other, and the job tokens.
///
/// Part of ``PlatformState`` (behind the store's lock). Every change goes through ``insert(_:)`` or
/// ``update(_:_:)`` so the derived maps stay consistent and the changed IDs are recorded for the state
/// file.
struct ExecutionTable: Sendable {
  private(set) var byID: [String: ExecutionState] = [:]
  private(set) var index = ExecutionIndex()
  var timers = ExecutionTimers()
  /// The executions waiting on each execution (through `dependsOn` or a job-based reference).
  private(set) var waiters: [String: Set<String>] = [:]
  /// The job each live job token authenticates as.
  private(set) var jobByToken: [String: String] = [:]
  /// The executions changed since ``takeChanged()``.
  private(set) var changed: Set<String> = []
  /// The server's `--seed` (0 without one): output files' bytes and generated values derive from it.
  var seed: UInt64 = 0

  /// The execution `id`, or `nil`.
  subscript(id: String) -> ExecutionState? { byID[id] }

  /// The number of executions.
  var count: Int { byID.count }

  /// Adds an execution.
  mutating func insert(_ execution: ExecutionState) {
    byID[execution.id] = execution
    index.insert(execution)
    for token in execution.tokens { jobByToken[token] = execution.id }
    if let due = execution.dueAt { timers.schedule(execution.id, at: due) }
    changed.insert(execution.id)
  }

  /// Changes the execution `id` (nothing happens when there is none).
  @discardableResult
  mutating func update<R>(_ id: String, _ body: (inout ExecutionState) -> R) -> R? {
    guard var execution = byID[id] else { return nil }
    let before = execution
    let result = body(&execution)
    guard execution != before else { return result }
    byID[id] = execution
    index.update(from: before, to: execution)
    if before.tokens != execution.tokens {
      for token in before.tokens { jobByToken[token] = nil }
      for token in execution.tokens { jobByToken[token] = id }
    }
    if let due = execution.dueAt, due != before.dueAt { timers.schedule(id, at: due) }
    changed.insert(id)
    return result
  }

  /// Records that `waiter` waits on `dependency`.
  mutating func addWaiter(_ waiter: String, on dependency: String) {
    waiters[dependency, default: []].insert(waiter)
  }

  /// The executions waiting on `dependency` (and forgets them).
  mutating func takeWaiters(of dependency: String) -> Set<String> {
    waiters.removeValue(forKey: dependency) ?? []
  }

  /// Returns and clears the changed IDs.
  mutating func takeChanged() -> Set<String> {
    let taken = changed
    changed = []
    return taken
  }

  /// Forgets the changed IDs (after loading).
  mutating func clearChanged() { changed = [] }
}
