import DXCore
import DXWire

/// A `DXRandomSource` for tests: seeded, or scripted to pick the lowest or highest value or
/// a list of picks, so backoff jitter and nonces are the same in every run.
///
/// ```swift
/// DXTestRandomSource(seed: 42)       // a fixed pseudo-random sequence (SplitMix64)
/// DXTestRandomSource(.lowest)        // every jitter at its minimum: the exact dxpy schedule
/// DXTestRandomSource(.picks([3, 1])) // 3, then 1, then 3, … (each clamped to the range asked)
/// ```
///
/// Bytes (for nonces) always come from the seeded generator (seed 0 in the scripted modes). Every
/// range asked for is kept in ``requestedRanges``, so a test can assert what the retry loop drew.
///
/// Safe to use from many tasks at once.
public final class DXTestRandomSource: DXRandomSource {
  /// How whole numbers are picked.
  public enum Mode: Sendable, Hashable {
    /// Uniformly from a SplitMix64 generator with this seed: the same seed, the same sequence.
    case seeded(UInt64)
    /// Always the range's lower bound.
    case lowest
    /// Always the range's upper bound.
    case highest
    /// These values in turn, repeating, each clamped into the range asked; empty means
    /// ``lowest``.
    case picks([Int])
  }

  private struct State {
    var generator: SplitMix64
    var pickIndex = 0
    var ranges: [ClosedRange<Int>] = []
  }

  /// How whole numbers are picked.
  public let mode: Mode
  private let state: DXLock<State>

  /// Creates a source in `mode`.
  public init(_ mode: Mode) {
    self.mode = mode
    let seed: UInt64
    if case .seeded(let value) = mode { seed = value } else { seed = 0 }
    state = DXLock(State(generator: SplitMix64(seed: seed)))
  }

  /// Creates a seeded source: `DXTestRandomSource(.seeded(seed))`.
  /// - Parameter seed: The seed; default 0.
  public convenience init(seed: UInt64 = 0) { self.init(.seeded(seed)) }

  /// A whole number in `range`, picked according to ``mode``.
  public func integer(in range: ClosedRange<Int>) -> Int {
    state.withLock { state in
      state.ranges.append(range)
      switch mode {
      case .seeded:
        return Int.random(in: range, using: &state.generator)
      case .lowest:
        return range.lowerBound
      case .highest:
        return range.upperBound
      case .picks(let picks):
        guard !picks.isEmpty else { return range.lowerBound }
        let pick = picks[state.pickIndex % picks.count]
        state.pickIndex += 1
        return min(max(pick, range.lowerBound), range.upperBound)
      }
    }
  }

  /// `count` bytes from the seeded generator.
  public func bytes(count: Int) -> [UInt8] {
    state.withLock { state in
      (0..<max(0, count)).map { _ in UInt8(truncatingIfNeeded: state.generator.next()) }
    }
  }

  /// Every range asked of ``integer(in:)`` so far, in order.
  public var requestedRanges: [ClosedRange<Int>] { state.withLock { $0.ranges } }
}

// `mode` is immutable; everything that changes is in `state`, a lock of Sendable values.
extension DXTestRandomSource: Sendable {}
