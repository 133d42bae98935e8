import Foundation

/// The time source of ``DXClient``'s retry loop: the wall clock for request times and log lines, and
/// sleeping between retries. Inject a test clock to assert the backoff schedule without waiting.
public protocol DXClock: Sendable {
  /// The current time.
  func now() -> Date
  /// Waits `duration`.
  /// - Throws: `CancellationError` when the task is cancelled.
  func sleep(for duration: Duration) async throws
}

/// The system clock: `Date()` and `Task.sleep`.
public struct DXSystemClock: DXClock {
  /// Creates the system clock.
  public init() {}

  /// `Date()`.
  public func now() -> Date { Date() }

  /// `Task.sleep(for:)`.
  public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// Randomness for the retry loop (backoff jitter) and nonces. Inject a seeded source in tests.
public protocol DXRandomSource: Sendable {
  /// A whole number in `range`, uniformly.
  func integer(in range: ClosedRange<Int>) -> Int
  /// `count` random bytes.
  func bytes(count: Int) -> [UInt8]
}

/// The system's cryptographically secure generator.
public struct DXSystemRandomSource: DXRandomSource {
  /// Creates the source.
  public init() {}

  /// `Int.random(in:)`.
  public func integer(in range: ClosedRange<Int>) -> Int { Int.random(in: range) }

  /// Bytes from `SystemRandomNumberGenerator`.
  public func bytes(count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
  }
}
