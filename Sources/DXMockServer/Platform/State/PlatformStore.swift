import DXWire
import Foundation

/// Owns the ``PlatformState`` behind one lock and writes each request's changes to the state file
/// (when there is one) before the request is answered.
final class PlatformStore {
  /// Everything behind the store's lock.
  private struct Guarded {
    var state: PlatformState
    /// Whether a checkpoint is queued and has not started.
    var checkpointQueued = false
  }

  private let guarded: DXLock<Guarded>
  private let initialUsers: [String]
  private let seed: UInt64?
  /// Makes what exists from the start (the fixtures) in a fresh or loaded state; run again by reset.
  private let setUp: @Sendable (inout PlatformState, Int) throws(DXPlatformError) -> Void
  /// Only used while `guarded`'s lock is held.
  private let file: StateFile?
  /// Runs the state file's checkpoints after the requests that made them due were answered.
  private let checkpoints = DispatchQueue(label: "dxmockserver.state-checkpoint")
  /// The current time in milliseconds since the epoch.
  let now: @Sendable () -> Int

  /// Creates the store, loading the state file when one is given.
  /// - Throws: ``DXPlatformError`` when the state file cannot be opened or read.
  /// - Parameter setUp: Makes what exists from the start (the fixtures); it must leave what is
  ///   already there alone, as it runs on a loaded state file too. Default nothing.
  init(
    users: [String], seed: UInt64?, statePath: String?, now: @escaping @Sendable () -> Int,
    setUp: @escaping @Sendable (inout PlatformState, Int) throws(DXPlatformError) -> Void = { _, _ in }
  ) throws(DXPlatformError) {
    self.initialUsers = users
    self.seed = seed
    self.now = now
    self.setUp = setUp
    var state = PlatformState(users: users, seed: seed)
    state.executions.seed = seed ?? 0
    if let statePath {
      let file = try StateFile(path: statePath)
      try file.load(into: &state)
      state.users = users
      try setUp(&state, now())
      try file.commit(state.takeChanges(), from: state)
      self.file = file
    } else {
      try setUp(&state, now())
      self.file = nil
    }
    state.clearChanges()
    self.guarded = DXLock(Guarded(state: state))
  }

  /// Runs `body` with read-only access to the state.
  ///
  /// What time has made due is done first (and committed): files whose `closing` time has come are
  /// moved to `closed`, and executions make their scheduled transitions.
  func read<R>(_ body: (PlatformState) throws(DXPlatformError) -> R) throws(DXPlatformError) -> R {
    try guarded.withLock { (guarded) throws(DXPlatformError) -> R in
      try settle(&guarded)
      return try body(guarded.state)
    }
  }

  /// Promotes due `closing` files to `closed`, makes due execution, archival and database cluster
  /// transitions, and commits that. Called with the lock held; reads the clock only when something
  /// waits on it.
  private func settle(_ guarded: inout Guarded) throws(DXPlatformError) {
    guard
      !guarded.state.closing.isEmpty || !guarded.state.executions.timers.isEmpty
        || !guarded.state.transitions.isEmpty
    else { return }
    let now = self.now()
    guarded.state.finishClosing(now: now)
    guarded.state.advanceExecutions(now: now)
    try commitChanges(&guarded)
  }

  /// Writes what the state recorded as changed to the state file. Called with the lock held.
  private func commitChanges(_ guarded: inout Guarded) throws(DXPlatformError) {
    let changes = guarded.state.takeChanges()
    if let file, !changes.isEmpty {
      try file.commit(changes, from: guarded.state)
      queueCheckpointIfDue(&guarded)
    }
  }

  /// Queues a checkpoint of the state file when one is due. Called with the lock held.
  ///
  /// The checkpoint takes the lock like any request, but it runs after the request that committed
  /// is answered, so a client sending file parts one after another has the next part in flight
  /// meanwhile.
  private func queueCheckpointIfDue(_ guarded: inout Guarded) {
    guard let file, file.needsCheckpoint, !guarded.checkpointQueued else { return }
    guarded.checkpointQueued = true
    checkpoints.async { [self] in
      self.guarded.withLock { guarded in
        guarded.checkpointQueued = false
        self.file?.checkpoint()
      }
    }
  }

  /// Runs `body` with write access and commits what it changed to the state file before returning.
  ///
  /// Handlers validate before they mutate; changes made before a throw are still committed so the
  /// file always matches memory.
  func write<R>(_ body: (inout PlatformState) throws(DXPlatformError) -> R) throws(DXPlatformError) -> R {
    try guarded.withLock { (guarded) throws(DXPlatformError) -> R in
      try settle(&guarded)
      let result: Result<R, DXPlatformError>
      do throws(DXPlatformError) {
        result = .success(try body(&guarded.state))
      } catch {
        result = .failure(error)
      }
      try commitChanges(&guarded)
      return try result.get()
    }
  }

  // MARK: - Lifecycle

  /// Restores the initial state and wipes the state file.
  func reset() throws(DXPlatformError) {
    try guarded.withLock { (guarded) throws(DXPlatformError) in
      try file?.wipe()
      var state = PlatformState(users: initialUsers, seed: seed)
      state.executions.seed = seed ?? 0
      try setUp(&state, now())
      if let file { try file.commit(state.takeChanges(), from: state) }
      state.clearChanges()
      guarded.state = state
    }
  }

  /// Closes the state file.
  func close() {
    guarded.withLock { _ in file?.close() }
  }
}

// The mutable state is behind `guarded`'s lock; the state file (not thread-safe itself) is only used
// while that lock is held; `checkpoints` is a thread-safe queue.
extension PlatformStore: @unchecked Sendable {}
