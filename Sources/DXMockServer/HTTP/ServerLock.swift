import Foundation

/// A value guarded by its own mutex.
final class ServerLock<Value> {
  private let mutex = NSLock()
  private var value: Value

  /// Creates a lock around `value`.
  init(_ value: Value) { self.value = value }

  /// Runs `body` with exclusive access to the value.
  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    mutex.lock()
    defer { mutex.unlock() }
    return try body(&value)
  }
}

// The value is only reached through `withLock`, which holds `mutex` for the whole access.
extension ServerLock: @unchecked Sendable where Value: Sendable {}
