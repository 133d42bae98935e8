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

  /// Replays `request` exactly as ``send(_:)`` does (same matching, order and played state), but returns
  /// the interaction instead of acting it out, so a server can put a recorded timeout on the wire as a
  /// wait of the recorded length.
  /// - Throws: ``DXCassetteError`` for an unmatched request (`noMatch`, `alreadyPlayed`).
  public func replayInteraction(for request: DXTransportRequest) throws(DXCassetteError) -> Replayed {
    switch try playback.choose(request) {
    case .play(let id):
      let interaction = try cassette.interaction(id: id)
      return Replayed(id: id, outcome: interaction.outcome, duration: interaction.duration)
    case .allPlayed(let ids):
      throw cassette.alreadyPlayedError(for: request, ids: ids)
    case .none:
      throw cassette.missError(for: request, played: playback.playedIDs)
    }
  }
}
