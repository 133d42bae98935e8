import DXCore

/// A transport that answers from a cassette and never touches the network.
///
/// Each request is matched (see ``DXCassetteMatching``) against the recorded interactions;
/// identical requests get their recorded interactions in recording order, each once (or the last
/// again, with `allowPlaybackRepeats`). A recorded response replays exactly — status, headers, body
/// and how the body ended (complete, truncated, close-delimited); a recorded failure (reset, refused,
/// no response, timeout…) is thrown again as the same `DXTransportError`.
///
/// An unmatched request throws ``DXCassetteError``: `noMatch` with the nearest recorded candidate and
/// a field-level diff, or `alreadyPlayed` when every matching interaction was used.
///
/// Safe to use from many tasks at once.
public struct DXReplayTransport: DXTransport {
  /// The cassette replayed.
  public var cassette: DXCassette { playback.cassette }
  let playback: DXCassettePlayback

  /// Creates a replaying transport.
  /// - Parameters:
  ///   - cassette: The cassette (opening it ``DXCassette/Access/readOnly`` keeps the file untouched).
  ///   - options: Repeats, the usage log, hooks, timing, expiry and the clock. Defaults to
  ///     ``DXCassetteSessionOptions/init(allowPlaybackRepeats:usageLogPath:hooks:timing:expiresAfter:tags:clock:)``:
  ///     each interaction once, instantly, never stale unless the cassette says so.
  ///
  /// A stale interaction (older than its maximum age, see ``DXCassette/expiresAfter()``) is not
  /// replayed: the request fails with ``DXCassetteError/Kind-swift.struct/expired`` (a replay cannot
  /// re-record; use ``DXRecordingMiddleware`` in mode `once` with a network).
  public init(cassette: DXCassette, options: DXCassetteSessionOptions) {
    playback = DXCassettePlayback(cassette: cassette, options: options)
  }

  /// Creates a replaying transport.
  /// - Parameters:
  ///   - cassette: The cassette (opening it ``DXCassette/Access/readOnly`` keeps the file untouched).
  ///   - allowPlaybackRepeats: Replay the last matching interaction again once all were played.
  ///     Defaults to `false`.
  ///   - usageLogPath: A file to which the id of every replayed interaction is appended, one per
  ///     line (for `dxcassette prune`). Defaults to none.
  public init(cassette: DXCassette, allowPlaybackRepeats: Bool = false, usageLogPath: String? = nil) {
    self.init(
      cassette: cassette,
      options: DXCassetteSessionOptions(
        allowPlaybackRepeats: allowPlaybackRepeats, usageLogPath: usageLogPath))
  }

  /// The session's options.
  public var options: DXCassetteSessionOptions { playback.options }

  /// Replays the interaction recorded for `request`, after its recorded latency when
  /// ``DXCassetteSessionOptions/timing`` asks for it.
  /// - Throws: The recorded `DXTransportError`, or ``DXCassetteError`` for an unmatched request
  ///   (`noMatch`, `alreadyPlayed`), a stale one (`expired`) or a dropped one (`dropped`).
  public func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    try await playback.replay(request)
  }

  /// The ids of the interactions replayed so far.
  public var playedIDs: Set<Int64> { playback.playedIDs }
}
