import DXCore
import Foundation

/// The replay state of one session over a cassette: which interactions were played.
///
/// Identical requests replay their recorded interactions in recording order, each once; with
/// `allowPlaybackRepeats`, a request whose interactions were all played replays the last of them again
/// (the latest state, which suits polling).
final class DXCassettePlayback: Sendable {
  enum Choice {
    case play(Int64)
    case allPlayed([Int64])
    case none
  }

  let cassette: DXCassette
  let options: DXCassetteSessionOptions
  /// The maximum age in force: the session's, else the cassette's.
  let maximumAge: Duration?
  /// Whether interactions may be stale at all (a maximum age is in force, or one of them has its own):
  /// computed once, so a cassette without expiry pays nothing per request.
  private let checksAges: Bool
  var allowPlaybackRepeats: Bool { options.allowPlaybackRepeats }
  private var usageLogPath: String? { options.usageLogPath }
  private let played = DXLock<Set<Int64>>([])
  /// The usage log, opened on first use; only touched with its lock held.
  private let usageLog = DXLock<FileHandle?>(nil)

  /// - Parameter allowsQuickReplay: `false` makes every replay take the general path (for tests that
  ///   compare ``quickReplay(_:)`` with it).
  init(cassette: DXCassette, options: DXCassetteSessionOptions, allowsQuickReplay: Bool = true) {
    self.cassette = cassette
    self.options = options
    // A maximum age that cannot be read (only raw SQL can write one) counts as none.
    maximumAge = options.expiresAfter ?? (try? cassette.expiresAfter()) ?? nil
    checksAges = maximumAge != nil || cassette.hasOwnMaximumAges
    usesQuickReplay =
      allowsQuickReplay && options.hooks.beforePlayback == nil && options.timing == .instant && !checksAges
      && !cassette.matching.needsCandidateCheck
  }

  /// The request as it is matched: `beforeRecordRequest` applied, `nil` when the hook drops it.
  func matchRequest(_ request: DXTransportRequest) -> DXTransportRequest? {
    guard let hook = options.hooks.beforeRecordRequest else { return request }
    return hook(request)
  }

  /// The stored age of `id` when it is stale now, else `nil`.
  func staleAge(_ id: Int64) throws(DXCassetteError) -> DXCassette.StoredAge? {
    guard checksAges else { return nil }
    let age = try cassette.storedAge(id: id)
    return age.isExpired(at: options.clock.now(), cassetteMaximumAge: maximumAge) ? age : nil
  }

  /// The recorded interaction `id` after `beforePlayback`, waited for as ``DXCassetteSessionOptions/timing``
  /// says; its response, or its failure thrown.
  func play(_ id: Int64) async throws -> DXTransportResponse {
    let outcome: DXCassetteInteraction.Outcome
    var duration: Duration?
    if let hook = options.hooks.beforePlayback {
      let interaction = hook(try cassette.interaction(id: id))
      outcome = interaction.outcome
      duration = interaction.duration
    } else {
      outcome = try cassette.storedOutcome(id: id)
    }
    if options.timing != .instant {
      let wait = options.timing.delay(for: try duration ?? cassette.storedAge(id: id).duration)
      if wait > .zero { try await options.clock.sleep(for: wait) }
    }
    return try outcome.replayed()
  }

  deinit { usageLog.withLock { try? $0?.close() } }

  /// Picks the interaction to replay for `request` and marks it played.
  func choose(_ request: DXTransportRequest) throws(DXCassetteError) -> Choice {
    let ids = try cassette.matchingIDs(for: request)
    guard !ids.isEmpty else { return .none }
    let choice: Choice = played.withLock { played in
      if let id = ids.first(where: { !played.contains($0) }) {
        played.insert(id)
        return .play(id)
      }
      if allowPlaybackRepeats, let last = ids.last { return .play(last) }
      return .allPlayed(ids)
    }
    if case .play(let id) = choice { logUsage(id) }
    return choice
  }

  /// Marks `id` played (a newly recorded interaction is not replayed in the session that recorded it).
  func markPlayed(_ id: Int64) {
    played.withLock { _ = $0.insert(id) }
  }

  /// The ids played so far.
  var playedIDs: Set<Int64> { played.withLock { $0 } }

  /// Whether a replay may take ``quickReplay(_:)``: no `beforePlayback` hook, instant timing, no
  /// interaction that can be stale and no header or custom matcher (computed once).
  let usesQuickReplay: Bool

  /// Replays `request` (replay only: a stale interaction fails), or throws the miss explanation.
  func replay(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    guard let request = matchRequest(request) else { throw cassette.droppedError(for: request) }
    if usesQuickReplay { return try quickReplay(request) }
    switch try choose(request) {
    case .play(let id):
      if let age = try staleAge(id) {
        throw cassette.expiredError(id: id, age: age, now: options.clock.now(), maximumAge: maximumAge)
      }
      return try await play(id)
    case .allPlayed(let ids):
      throw cassette.alreadyPlayedError(for: request, ids: ids)
    case .none:
      throw cassette.missError(for: request, played: playedIDs)
    }
  }

  /// ``replay(_:)`` for a session that ``usesQuickReplay``: the look-up, the choice and the outcome
  /// in one SQLite statement (``DXCassette/replayLookup(_:take:)``), with the same choice as
  /// ``choose(_:)`` followed by ``play(_:)``.
  func quickReplay(_ request: DXTransportRequest) throws -> DXTransportResponse {
    let found = try cassette.replayLookup(cassette.key(for: request)) { id in
      played.withLock { played in played.insert(id).inserted }
    }
    switch found {
    case .taken(let id, let outcome):
      logUsage(id)
      guard let outcome else { return try play(storedOutcomeOf: id) }
      return try outcome.replayed()
    case .declined(let ids):
      guard let last = ids.last else { throw cassette.missError(for: request, played: playedIDs) }
      guard allowPlaybackRepeats else { throw cassette.alreadyPlayedError(for: request, ids: ids) }
      logUsage(last)
      return try play(storedOutcomeOf: last)
    }
  }

  /// The stored outcome of `id` replayed (its response, or its failure thrown).
  private func play(storedOutcomeOf id: Int64) throws -> DXTransportResponse {
    try cassette.storedOutcome(id: id).replayed()
  }

  private func logUsage(_ id: Int64) {
    guard let usageLogPath else { return }
    usageLog.withLock { usageLog in
      if usageLog == nil {
        if !FileManager.default.fileExists(atPath: usageLogPath) {
          _ = FileManager.default.createFile(atPath: usageLogPath, contents: nil)
        }
        usageLog = FileHandle(forWritingAtPath: usageLogPath)
        _ = try? usageLog?.seekToEnd()
      }
      try? usageLog?.write(contentsOf: Data("\(id)\n".utf8))
    }
  }
}
