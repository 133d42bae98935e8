import DXCore

/// A transport that answers from a cassette and never touches the network.
///
/// Each request is matched (see ``DXCassetteMatching``) against the recorded interactions;
/// identical requests get their recorded interactions in recording order, each once (or the last
/// again, with `allowPlaybackRepeats`). A recorded response replays exactly — status, headers, body
/// and how the body ended (complete, truncated, close-delimited); a recorded failure (reset, refused,
/// no response, timeout…) is thrown again as the same ``DXTransportError``.
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
  ///   - allowPlaybackRepeats: Replay the last matching interaction again once all were played.
  ///     Defaults to `false`.
  ///   - usageLogPath: A file to which the id of every replayed interaction is appended, one per
  ///     line (for `dxcassette prune`). Defaults to none.
  public init(cassette: DXCassette, allowPlaybackRepeats: Bool = false, usageLogPath: String? = nil) {
    playback = DXCassettePlayback(
      cassette: cassette, allowPlaybackRepeats: allowPlaybackRepeats, usageLogPath: usageLogPath)
  }

  /// Replays the interaction recorded for `request`.
  /// - Throws: The recorded ``DXTransportError``, or ``DXCassetteError`` for an unmatched request.
  public func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    try playback.replay(request)
  }

  /// The ids of the interactions replayed so far.
  public var playedIDs: Set<Int64> { playback.playedIDs }
}
