import Foundation

/// A value behind a lock, for the few process-wide or shared mutable things DXCore keeps.
final class DXLockedValue<Value> {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  /// Runs `body` with exclusive access to the value.
  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}

// Invariant: `value` is only read or written inside `withLock`, while `lock` is held.
extension DXLockedValue: @unchecked Sendable where Value: Sendable {}
