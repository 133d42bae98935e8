import DXCore

/// What a recording or replay session does besides matching: repeats, hooks, timing, expiry, tags and
/// the clock. One value for ``DXRecordingMiddleware`` and ``DXReplayTransport`` (and for a test trait
/// that builds either).
public struct DXCassetteSessionOptions: Sendable {
  /// Replay the last matching interaction again once all were played (polling). Defaults to `false`:
  /// identical requests get their recorded interactions in order, each once.
  public var allowPlaybackRepeats: Bool
  /// A file to which the id of every replayed interaction is appended, one per line (for
  /// `dxcassette prune`). Defaults to `nil`, none.
  public var usageLogPath: String?
  /// Rewrites and drops before recording, matching and replaying. Defaults to ``DXCassetteHooks/none``.
  public var hooks: DXCassetteHooks
  /// How fast replayed answers come. Defaults to ``DXCassetteReplayTiming/instant``.
  public var timing: DXCassetteReplayTiming
  /// The maximum age of the cassette's interactions for this session, instead of the one the cassette
  /// stores (``DXCassette/expiresAfter()``); an interaction's own still wins. Defaults to `nil`: the
  /// cassette's.
  public var expiresAfter: Duration?
  /// Tags stamped on every interaction this session records (e.g. the test's name). Defaults to none.
  public var tags: [String]
  /// The time stamped on recordings and used for ages, and the sleep of timed replay. Defaults to the
  /// system clock.
  public var clock: any DXClock

  /// Creates options; every parameter defaults to the documented default.
  public init(
    allowPlaybackRepeats: Bool = false, usageLogPath: String? = nil, hooks: DXCassetteHooks = .none,
    timing: DXCassetteReplayTiming = .instant, expiresAfter: Duration? = nil, tags: [String] = [],
    clock: any DXClock = DXSystemClock()
  ) {
    self.allowPlaybackRepeats = allowPlaybackRepeats
    self.usageLogPath = usageLogPath
    self.hooks = hooks
    self.timing = timing
    self.expiresAfter = expiresAfter
    self.tags = tags
    self.clock = clock
  }
}
