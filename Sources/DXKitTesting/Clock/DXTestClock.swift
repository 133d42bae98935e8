import DXCore
import DXWire
import Foundation

/// A `DXClock` for tests: every sleep returns at once, is recorded, and moves the clock's
/// virtual time forward by the duration asked.
///
/// A retry schedule is then asserted exactly and instantly, without waiting for it:
///
/// ```swift
/// let clock = DXTestClock()
/// let client = DXClient(transport: transport, clock: clock)
/// _ = try await client.systemWhoami()
/// #expect(clock.sleeps == [.seconds(2), .seconds(4)])
/// ```
///
/// ``now()`` starts at ``start`` (default ``defaultStart``, a fixed instant, so log lines and nonces
/// are the same in every run) and moves only by sleeps and ``advance(by:)``. A sleep in a cancelled
/// task throws `CancellationError`, as `Task.sleep` does, and is not recorded.
///
/// Safe to use from many tasks at once.
public final class DXTestClock: DXClock {
  private struct State {
    var now: Date
    var sleeps: [Duration]
  }

  /// The default start: 2027-01-15 08:00:00 UTC (Unix time 1,800,000,000).
  public static let defaultStart = Date(timeIntervalSince1970: 1_800_000_000)

  /// The instant the clock started at.
  public let start: Date
  private let state: DXLock<State>

  /// Creates a clock whose virtual time starts at `start`.
  /// - Parameter start: The first value of ``now()``; default ``defaultStart``.
  public init(start: Date = DXTestClock.defaultStart) {
    self.start = start
    state = DXLock(State(now: start, sleeps: []))
  }

  /// The virtual time: ``start`` plus every sleep and ``advance(by:)`` so far.
  public func now() -> Date { state.withLock { $0.now } }

  /// Records `duration` and advances the virtual time by it, without waiting.
  /// - Throws: `CancellationError` when the task is cancelled (nothing is recorded then).
  public func sleep(for duration: Duration) async throws {
    try Task.checkCancellation()
    state.withLock {
      $0.sleeps.append(duration)
      $0.now = $0.now.addingTimeInterval(Self.seconds(duration))
    }
  }

  /// Every sleep asked of the clock, in order.
  public var sleeps: [Duration] { state.withLock { $0.sleeps } }

  /// The total of every sleep so far (``advance(by:)`` not included).
  public var slept: Duration { state.withLock { $0.sleeps.reduce(.zero, +) } }

  /// Moves the virtual time forward by `duration` without recording a sleep (time passing between
  /// two calls of a test, say).
  public func advance(by duration: Duration) {
    state.withLock { $0.now = $0.now.addingTimeInterval(Self.seconds(duration)) }
  }

  private static func seconds(_ duration: Duration) -> TimeInterval {
    let (seconds, attoseconds) = duration.components
    return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
  }
}

// `start` is immutable; everything that changes is in `state`, a lock of Sendable values.
extension DXTestClock: Sendable {}
