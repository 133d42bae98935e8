import Foundation

/// A value handed from a detached task to the main thread that waits for it (`verify`).
final class DXLockedBox<Value: Sendable> {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  func set(_ newValue: Value) { lock.withLock { value = newValue } }

  func get() -> Value { lock.withLock { value } }
}

// `value` is only touched with `lock` held.
extension DXLockedBox: @unchecked Sendable {}
