/// How a ``DXMockWirePlan/paced(_:_:)`` response's body goes out.
///
/// The head goes out at once. Then the first ``stallAfterBytes`` body bytes (when set), a pause of
/// ``stallMs``, and the rest; every byte no faster than ``bytesPerSecond`` (when set).
public struct DXMockPacing: Sendable, Hashable {
  /// The most body bytes per second, or `nil` for no limit.
  public var bytesPerSecond: Int?
  /// The body bytes sent before the pause, or `nil` for no pause.
  public var stallAfterBytes: Int?
  /// The pause, in milliseconds.
  public var stallMs: Int

  /// Creates a pacing.
  /// - Parameters:
  ///   - bytesPerSecond: The rate limit (at least 1), or `nil` (the default) for none.
  ///   - stallAfterBytes: Bytes before the pause, or `nil` (the default) for no pause.
  ///   - stallMs: The pause in milliseconds; default 0.
  public init(bytesPerSecond: Int? = nil, stallAfterBytes: Int? = nil, stallMs: Int = 0) {
    self.bytesPerSecond = bytesPerSecond.map { max(1, $0) }
    self.stallAfterBytes = stallAfterBytes.map { max(0, $0) }
    self.stallMs = max(0, stallMs)
  }

  /// How many of the body's bytes may be out `elapsedMs` after the body started (and after the
  /// pause, once `stalled` is set), and when (in ms after the start) the next byte may go.
  /// - Parameters:
  ///   - offset: The bytes already handed to the wire.
  ///   - elapsedMs: Milliseconds since the first body byte was due.
  ///   - pauseMs: Milliseconds spent in the pause so far (counted out of the rate).
  func allowance(offset: Int, elapsedMs: Int, pausedMs: Int) -> (bytes: Int, waitMs: Int) {
    guard let rate = bytesPerSecond else { return (Int.max, 0) }
    let active = max(0, elapsedMs - pausedMs)
    let (product, overflow) = active.multipliedReportingOverflow(by: rate)
    let allowed = overflow ? Int.max : product / 1000
    if allowed > offset { return (allowed - offset, 0) }
    // The time at which byte `offset + chunk` is due, chunk a twentieth of a second's worth.
    let chunk = max(1, rate / 20)
    let due = (offset + chunk) * 1000 / rate
    return (0, max(1, due - active))
  }
}
