import DXCore

extension DXReplayTransport {
  /// What ``replayInteraction(for:)`` replayed.
  public struct Replayed: Sendable {
    /// The interaction's id.
    public var id: Int64
    /// The recorded response or failure.
    public var outcome: DXCassetteInteraction.Outcome
    /// How long the exchange took when it was recorded (for a timeout: how long the client waited).
    public var duration: Duration
  }

  /// Replays `request` exactly as ``send(_:)`` does (same matching, hooks, expiry, order and played
  /// state), but returns the interaction instead of acting it out and does not wait, so a server can
  /// put a recorded timeout on the wire as a wait of the recorded length and pace its answers itself
  /// (``DXCassetteSessionOptions/timing``).
  /// - Throws: ``DXCassetteError`` for an unmatched request (`noMatch`, `alreadyPlayed`), a stale one
  ///   (`expired`) or a dropped one (`dropped`).
  public func replayInteraction(for request: DXTransportRequest) throws(DXCassetteError) -> Replayed {
    guard let request = playback.matchRequest(request) else { throw cassette.droppedError(for: request) }
    switch try playback.choose(request) {
    case .play(let id):
      if let age = try playback.staleAge(id) {
        throw cassette.expiredError(
          id: id, age: age, now: playback.options.clock.now(), maximumAge: playback.maximumAge)
      }
      var interaction = try cassette.interaction(id: id)
      if let hook = playback.options.hooks.beforePlayback { interaction = hook(interaction) }
      return Replayed(id: id, outcome: interaction.outcome, duration: interaction.duration)
    case .allPlayed(let ids):
      throw cassette.alreadyPlayedError(for: request, ids: ids)
    case .none:
      throw cassette.missError(for: request, played: playback.playedIDs)
    }
  }
}
