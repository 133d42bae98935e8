import DXCore
import Foundation

// MARK: - The cassette's maximum age

extension DXCassette {
  /// The metadata key of the cassette's maximum age, in whole nanoseconds.
  static let expiresAfterKey = "expires_after_ns"

  /// How long after it was recorded an interaction of this cassette stays fresh (Polly's `expiresIn`,
  /// Ruby VCR's `re_record_interval`), or `nil` when interactions never expire (the default). An
  /// interaction's own ``DXCassetteInteraction/expiresAfter`` overrides it.
  ///
  /// What a stale interaction does depends on the record mode: `once` and `newEpisodes` send the
  /// request again and replace it; `none` and ``DXReplayTransport`` fail with
  /// ``DXCassetteError/Kind-swift.struct/expired`` (for CI: re-record, then commit).
  /// - Throws: ``DXCassetteError`` (`storage`, `invalidData` for a value that is not a duration).
  public func expiresAfter() throws(DXCassetteError) -> Duration? {
    guard let text = try metadata(Self.expiresAfterKey), !text.isEmpty else { return nil }
    guard let nanoseconds = Int64(text), nanoseconds > 0 else {
      throw DXCassetteError(
        kind: .invalidData, message: "\(path): the cassette's maximum age is not a duration: \(text)",
        cassettePath: path)
    }
    return .nanoseconds(nanoseconds)
  }

  /// Sets (or, with `nil`, removes) the cassette's maximum age.
  /// - Throws: ``DXCassetteError`` (`readOnly`, `storage`, `invalidData` for a duration that is not
  ///   positive).
  public func setExpiresAfter(_ maximumAge: Duration?) throws(DXCassetteError) {
    try requireWritable()
    guard let maximumAge else {
      try storage { try database.execute("DELETE FROM meta WHERE key = ?", [.text(Self.expiresAfterKey)]) }
      return
    }
    guard maximumAge > .zero else {
      throw DXCassetteError(
        kind: .invalidData, message: "\(path): a maximum age must be positive, got \(maximumAge)",
        cassettePath: path)
    }
    try setMetadata(Self.expiresAfterKey, String(Row.nanoseconds(maximumAge)))
  }
}

// MARK: - Ages

extension DXCassetteInteraction {
  /// How old the interaction is at `now` (zero for one recorded in the future).
  public func age(at now: Date) -> Duration { DXCassetteAge.between(recordedAt, now) }

  /// Whether the interaction is stale at `now`: older than its own ``expiresAfter``, or, when it has
  /// none, than `cassetteMaximumAge`. Never, when neither is set.
  public func isExpired(at now: Date, cassetteMaximumAge: Duration?) -> Bool {
    guard let limit = expiresAfter ?? cassetteMaximumAge else { return false }
    return age(at: now) > limit
  }
}

extension DXCassetteInteraction.Summary {
  /// How old the interaction is at `now` (zero for one recorded in the future).
  public func age(at now: Date) -> Duration { DXCassetteAge.between(recordedAt, now) }
}

/// A duration as people read it: `45 s`, `12 min`, `3 h`, `9 d` (rounded down to the unit).
enum DXCassetteAge {
  /// The time from `recorded` to `now`, in whole milliseconds (zero when `recorded` is later).
  static func between(_ recorded: Date, _ now: Date) -> Duration {
    let seconds = now.timeIntervalSince(recorded)
    return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.down))) : .zero
  }

  /// `duration` in the largest unit it holds at least once.
  static func text(_ duration: Duration) -> String {
    let seconds = duration.components.seconds
    if seconds < 120 { return "\(seconds) s" }
    if seconds < 7_200 { return "\(seconds / 60) min" }
    if seconds < 172_800 { return "\(seconds / 3_600) h" }
    return "\(seconds / 86_400) d"
  }

  /// Parses `30d`, `12h`, `90m`, `45s`, `500ms` (an integer and a unit) into a duration.
  static func parse(_ text: String) -> Duration? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
    guard let value = Int64(digits), value > 0 else { return nil }
    switch trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
    case "ms": return .milliseconds(value)
    case "s": return .seconds(value)
    case "m", "min": return .seconds(value * 60)
    case "h": return .seconds(value * 3_600)
    case "d": return .seconds(value * 86_400)
    default: return nil
    }
  }
}
