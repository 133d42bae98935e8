/// How fast a replay answers.
public enum DXCassetteReplayTiming: Sendable, Hashable {
  /// At once (the default): a test runs as fast as the cassette can be read.
  case instant
  /// After the recorded latency (to the last byte) times `scale` — `1` as recorded, `0.5` twice as
  /// fast, `2` half as fast — so that timeout handling and progress reporting can be replayed too. A
  /// recorded timeout waits its recorded time before it is thrown.
  case recorded(scale: Double)

  /// Parses `instant`, `recorded` (scale 1) or `recorded:SCALE` (a positive number), or `nil`.
  public init?(argument: String) {
    if argument == "instant" {
      self = .instant
      return
    }
    guard argument.hasPrefix("recorded") else { return nil }
    let rest = argument.dropFirst("recorded".count)
    if rest.isEmpty {
      self = .recorded(scale: 1)
      return
    }
    guard rest.hasPrefix(":"), let scale = Double(rest.dropFirst()), scale > 0, scale.isFinite else {
      return nil
    }
    self = .recorded(scale: scale)
  }

  /// How long to wait before answering an interaction that took `duration`.
  public func delay(for duration: Duration) -> Duration {
    switch self {
    case .instant: return .zero
    case .recorded(let scale):
      guard scale > 0, scale.isFinite else { return .zero }
      return duration * scale
    }
  }
}
