import DXWire

/// Counts the attempts of each logical operation (``OperationKey``) so rules can match "the N-th
/// attempt"; an operation's count starts again after a complete 2xx answer.
///
/// Bounded: past ``capacity`` operations the oldest counts are forgotten all at once (a long-running
/// server must not grow without limit). Thread-safe.
final class AttemptTracker: Sendable {
  /// The most operations tracked.
  static let capacity = 50_000
  private let counts = DXLock([String: Int]())

  /// Counts one more attempt of `key` and returns its number (1-based).
  func next(_ key: OperationKey) -> Int {
    counts.withLock { counts in
      if counts.count >= Self.capacity, counts[key.text] == nil { counts.removeAll(keepingCapacity: true) }
      let number = (counts[key.text] ?? 0) + 1
      counts[key.text] = number
      return number
    }
  }

  /// Notes that an attempt of `key` succeeded: the next request with that key is a first attempt.
  func succeeded(_ key: OperationKey) {
    counts.withLock { _ = $0.removeValue(forKey: key.text) }
  }

  /// Forgets every count.
  func reset() { counts.withLock { $0.removeAll() } }
}
