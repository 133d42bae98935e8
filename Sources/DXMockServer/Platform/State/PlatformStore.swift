import DXCore
import Foundation

/// Owns the ``PlatformState`` behind one lock and writes each request's changes to the state file
/// (when there is one) before the request is answered.
final class PlatformStore {
  private let lock = NSLock()
  private var state: PlatformState
  private let initialUsers: [String]
  private let seed: UInt64?
  private let file: StateFile?
  /// Upload and preauthenticated-download tickets: not persisted (they expire like real URLs).
  private var tickets: [String: TransferTicket] = [:]
  /// Runs the state file's checkpoints after the requests that made them due were answered.
  private let checkpoints = DispatchQueue(label: "dxmockserver.state-checkpoint")
  /// Whether a checkpoint is queued and has not started.
  private var checkpointQueued = false
  /// The current time in milliseconds since the epoch.
  let now: @Sendable () -> Int

  /// Creates the store, loading the state file when one is given.
  /// - Throws: ``DXPlatformError`` when the state file cannot be opened or read.
  init(users: [String], seed: UInt64?, statePath: String?, now: @escaping @Sendable () -> Int)
    throws(DXPlatformError)
  {
    self.initialUsers = users
    self.seed = seed
    self.now = now
    var state = PlatformState(users: users, seed: seed)
    if let statePath {
      let file = try StateFile(path: statePath)
      try file.load(into: &state)
      state.users = users
      self.file = file
    } else {
      self.file = nil
    }
    state.clearChanges()
    self.state = state
  }

  /// Runs `body` with read-only access to the state.
  ///
  /// Files whose `closing` time has come are moved to `closed` first (and that is committed).
  func read<R>(_ body: (PlatformState) throws(DXPlatformError) -> R) throws(DXPlatformError) -> R {
    lock.lock()
    defer { lock.unlock() }
    try finishClosing()
    return try body(state)
  }

  /// Promotes due `closing` files to `closed` and commits that. Called with `lock` held.
  private func finishClosing() throws(DXPlatformError) {
    guard !state.closing.isEmpty else { return }
    state.finishClosing(now: now())
    let changes = state.takeChanges()
    if let file, !changes.isEmpty {
      try file.commit(changes, from: state)
      queueCheckpointIfDue()
    }
  }

  /// Queues a checkpoint of the state file when one is due. Called with `lock` held.
  ///
  /// The checkpoint takes the lock like any request, but it runs after the request that committed
  /// is answered, so a client sending file parts one after another has the next part in flight
  /// meanwhile.
  private func queueCheckpointIfDue() {
    guard let file, file.needsCheckpoint, !checkpointQueued else { return }
    checkpointQueued = true
    checkpoints.async { [self] in
      lock.lock()
      defer { lock.unlock() }
      checkpointQueued = false
      self.file?.checkpoint()
    }
  }

  /// Runs `body` with write access and commits what it changed to the state file before returning.
  ///
  /// Handlers validate before they mutate; changes made before a throw are still committed so the
  /// file always matches memory.
  func write<R>(_ body: (inout PlatformState) throws(DXPlatformError) -> R) throws(DXPlatformError) -> R {
    lock.lock()
    defer { lock.unlock() }
    try finishClosing()
    let result: Result<R, DXPlatformError>
    do throws(DXPlatformError) {
      result = .success(try body(&state))
    } catch {
      result = .failure(error)
    }
    let changes = state.takeChanges()
    if let file, !changes.isEmpty {
      try file.commit(changes, from: state)
      queueCheckpointIfDue()
    }
    return try result.get()
  }

  // MARK: - Transfer tickets

  /// Remembers `ticket` under `key`.
  func addTicket(_ key: String, _ ticket: TransferTicket) {
    lock.lock()
    defer { lock.unlock() }
    tickets[key] = ticket
  }

  /// The ticket stored under `key`.
  func ticket(_ key: String) -> TransferTicket? {
    lock.lock()
    defer { lock.unlock() }
    return tickets[key]
  }

  // MARK: - Lifecycle

  /// Restores the initial state and wipes the state file.
  func reset() throws(DXPlatformError) {
    lock.lock()
    defer { lock.unlock() }
    try file?.wipe()
    state = PlatformState(users: initialUsers, seed: seed)
    tickets = [:]
  }

  /// Closes the state file.
  func close() {
    lock.lock()
    defer { lock.unlock() }
    file?.close()
  }
}

// The mutable state, tickets and `checkpointQueued` are only touched while `lock` is held (the state
// file too); `checkpoints` is a thread-safe queue.
extension PlatformStore: @unchecked Sendable {}

/// What an upload or preauthenticated download URL is allowed to do.
struct TransferTicket: Sendable {
  /// The file.
  var file: String
  /// The part index for an upload; `nil` for a download.
  var index: Int?
  /// The declared size and md5 for an upload.
  var size: Int?
  var md5: String?
  /// When the URL stops working (ms).
  var expires: Int
}
