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

/// Ages and maximum ages as people write and read them: `45 s`, `12 min`, `3 h`, `9 d`.
public enum DXCassetteAge {
  /// The time from `recorded` to `now`, in whole milliseconds (zero when `recorded` is later).
  static func between(_ recorded: Date, _ now: Date) -> Duration {
    let seconds = now.timeIntervalSince(recorded)
    return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.down))) : .zero
  }

  /// `duration` in the largest unit it holds at least once (rounded down).
  public static func text(_ duration: Duration) -> String {
    let seconds = duration.components.seconds
    if seconds < 120 { return "\(seconds) s" }
    if seconds < 7_200 { return "\(seconds / 60) min" }
    if seconds < 172_800 { return "\(seconds / 3_600) h" }
    return "\(seconds / 86_400) d"
  }

  /// Parses `30d`, `12h`, `90m`, `45s`, `500ms` (a positive integer and a unit) into a duration, or
  /// `nil`.
  public static func parse(_ text: String) -> Duration? {
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

// MARK: - Stored ages

extension DXCassette {
  /// When an interaction was recorded, its own maximum age and how long it took (no bodies loaded).
  struct StoredAge: Sendable {
    var recordedAt: Date
    var expiresAfter: Duration?
    var duration: Duration

    /// Whether it is stale at `now` under `cassetteMaximumAge`.
    func isExpired(at now: Date, cassetteMaximumAge: Duration?) -> Bool {
      guard let limit = expiresAfter ?? cassetteMaximumAge else { return false }
      return DXCassetteAge.between(recordedAt, now) > limit
    }
  }

  /// The stored age facts of `id`.
  func storedAge(id: Int64) throws(DXCassetteError) -> StoredAge {
    let found = try storage {
      try database.withLock { () -> StoredAge? in
        let statement = try database.prepare(
          "SELECT recorded_at, max_age_ns, duration_ns FROM interaction WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(.integer(id), at: 1)
        guard try statement.step() else { return nil }
        return StoredAge(
          recordedAt: Date(timeIntervalSince1970: statement.double(at: 0)),
          expiresAfter: statement.isNull(at: 1) ? nil : .nanoseconds(statement.int64(at: 1)),
          duration: .nanoseconds(statement.int64(at: 2)))
      }
    }
    guard let found else {
      throw DXCassetteError(
        kind: .interactionNotFound, message: "\(path): no interaction #\(id)", cassettePath: path)
    }
    return found
  }

  /// Whether any interaction carries its own maximum age (a scan: ask once per session).
  var hasOwnMaximumAges: Bool {
    (try? storage { try database.scalar("SELECT 1 FROM interaction WHERE max_age_ns IS NOT NULL LIMIT 1") })
      .map { $0 != nil } ?? false
  }

  /// The error for a request that a `beforeRecordRequest` hook dropped in a replay-only session.
  func droppedError(for request: DXTransportRequest) -> DXCassetteError {
    DXCassetteError(
      kind: .dropped,
      message:
        "\(path): the beforeRecordRequest hook dropped \(request.method) \(DXCassetteURL.path(of: request.url)); "
        + "a replay-only session cannot send it",
      cassettePath: path)
  }

  /// The error for a stale interaction that the session may not re-record.
  func expiredError(id: Int64, age: StoredAge, now: Date, maximumAge: Duration?, reason: String? = nil)
    -> DXCassetteError
  {
    let candidate = try? interaction(id: id)
    let limit = age.expiresAfter ?? maximumAge ?? .zero
    var message =
      "\(path): interaction #\(id)\(candidate.map { " (\($0.request.method) \($0.path))" } ?? "") was recorded "
      + "\(DXCassetteTimestamp.string(for: age.recordedAt)), \(DXCassetteAge.text(DXCassetteAge.between(age.recordedAt, now))) ago, "
      + "past its maximum age of \(DXCassetteAge.text(limit))"
    if let reason { message += "; re-recording it failed: \(reason)" }
    message +=
      "; re-record it (record mode once or newEpisodes with a network, or all) or allow an older recording "
      + "(expiresAfter)"
    return DXCassetteError(kind: .expired, message: message, cassettePath: path, candidate: candidate)
  }
}
