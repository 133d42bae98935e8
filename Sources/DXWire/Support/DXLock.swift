import Foundation

/// A value behind its own lock: the one lock type of the package, for the few shared mutable things
/// the libraries and the server keep.
///
/// Package-internal: callers outside DXKit never see it. ``withLock(_:)`` is inlinable, so that each
/// caller gets it specialized for its own value type (a generic call moved a struct value through its
/// value witnesses, copying and destroying it on every call). The lock is a pthread mutex (`NSLock`),
/// which ThreadSanitizer sees; the standard library's `Synchronization.Mutex` is not visible to it on
/// Linux (it waits on a futex directly), so `make test-tsan` would report every access it guards.
/// Give it the state it guards: around an empty value (`DXLock<Void>`) ThreadSanitizer reports an
/// access race on the zero-sized value.
///
/// The value skips the runtime's exclusivity checks (`@exclusivity(unchecked)`): the mutex already
/// makes every access exclusive (`withLock` is not reentrant), and each check cost a call into the
/// runtime on every request's journal entry.
package final class DXLock<Value> {
  @usableFromInline let mutex = NSLock()
  @exclusivity(unchecked) @usableFromInline var value: Value

  /// Creates a lock around `value`.
  package init(_ value: Value) { self.value = value }

  /// Runs `body` with exclusive access to the value; what `body` throws passes through with its type.
  @inlinable
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
