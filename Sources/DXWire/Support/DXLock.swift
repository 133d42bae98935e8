import Foundation

/// A value behind its own lock: the one lock type of the package, for the few shared mutable things
/// the libraries and the server keep.
///
/// Package-internal: callers outside DXKit never see it.
package final class DXLock<Value> {
  private let mutex = NSLock()
  private var value: Value

  /// Creates a lock around `value`.
  package init(_ value: Value) { self.value = value }

  /// Runs `body` with exclusive access to the value; what `body` throws passes through with its type.
  package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result)
    throws(Failure)
    -> Result
  {
    mutex.lock()
    defer { mutex.unlock() }
    return try body(&value)
  }
}

// Invariant: `value` is only read or written inside `withLock`, while `mutex` is held.
extension DXLock: @unchecked Sendable where Value: Sendable {}
