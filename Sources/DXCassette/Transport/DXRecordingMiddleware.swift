import DXCore
import Foundation

/// The recorder: a middleware that records what the next transport does into a cassette, and replays
/// according to its ``DXCassetteRecordMode``.
///
/// It calls `next`, and stores what happened: a response (any status, a body cut short included) or
/// a thrown `DXTransportError` (stored, then rethrown), with the attempt's position among identical
/// requests, its duration and the time. Every interaction is redacted, scanned, and committed on its
/// own before the result is handed back; if a secret remains after redaction the write is refused and
/// ``DXCassetteError`` (`secretDetected`) is thrown instead of the result. A request that itself
/// carries such a secret is refused before it is sent.
///
/// ```swift
/// let cassette = try DXCassette(path: "session.dxcassette", secrets: DXSecretScanner(tokens: [token]))
/// let recorder = try DXRecordingMiddleware(cassette: cassette, mode: .newEpisodes)
/// let transport = DXMiddlewareTransport(base: DXLiveTransport(), middleware: [recorder])
/// ```
///
/// Safe to use from many tasks at once.
public struct DXRecordingMiddleware: DXTransportMiddleware {
  /// The cassette.
  public var cassette: DXCassette { playback.cassette }
  /// The record mode.
  public let mode: DXCassetteRecordMode
  let playback: DXCassettePlayback
  /// For mode `all`: interactions below this id were recorded before the session.
  private let sessionStart: Int64
  private let replacedKeys: DXReplacedKeys
  /// The session's options.
  public var options: DXCassetteSessionOptions { playback.options }

  /// Creates a recorder.
  /// - Parameters:
  ///   - cassette: The cassette, opened for writing (except in modes `none` and `passthrough`, and
  ///     `once` on a cassette that has interactions and no maximum age).
  ///   - mode: When to replay and when to record. Defaults to ``DXCassetteRecordMode/once``.
  ///   - options: Repeats, the usage log, hooks, timing of what is replayed, expiry, the tags stamped
  ///     on what is recorded, and the clock. Defaults to
  ///     ``DXCassetteSessionOptions/init(allowPlaybackRepeats:usageLogPath:hooks:timing:expiresAfter:tags:clock:)``.
  ///
  /// **Expiry.** A matching interaction older than its maximum age (its own, else
  /// ``DXCassetteSessionOptions/expiresAfter``, else the cassette's) is stale. Modes `once` and
  /// `newEpisodes` send the request again and replace the stale interaction in place (same id, same
  /// position among identical requests); if the network cannot be reached (connection refused, name
  /// resolution, unreachable, connect timeout) nothing is replaced and the request fails with
  /// ``DXCassetteError/Kind-swift.struct/expired`` saying so. Mode `none` fails with `expired` at
  /// once (for CI: re-record, then commit).
  /// - Throws: ``DXCassetteError`` (`readOnly` when the mode records into a read-only cassette).
  public init(cassette: DXCassette, mode: DXCassetteRecordMode = .once, options: DXCassetteSessionOptions)
    throws(DXCassetteError)
  {
    if cassette.isReadOnly, mode != .none, mode != .passthrough,
      !(mode == .once && cassette.hadInteractionsWhenOpened)
    {
      throw DXCassetteError(
        kind: .readOnly,
        message: "\(cassette.path): opened read-only, cannot record in mode \(mode.rawValue)",
        cassettePath: cassette.path)
    }
    self.mode = mode
    playback = DXCassettePlayback(cassette: cassette, options: options)
    sessionStart = mode == .all ? try cassette.maximumID() + 1 : 0
    replacedKeys = DXReplacedKeys()
  }

  /// Creates a recorder.
  /// - Parameters:
  ///   - cassette: The cassette, opened for writing (except in modes `none` and `passthrough`).
  ///   - mode: When to replay and when to record. Defaults to ``DXCassetteRecordMode/once``.
  ///   - allowPlaybackRepeats: When replaying, replay the last matching interaction again once all
  ///     were played. Defaults to `false`.
  ///   - usageLogPath: A file to which the id of every replayed interaction is appended. Defaults
  ///     to none.
  ///   - now: The time stamped on recorded interactions. Defaults to `Date()`.
  /// - Throws: ``DXCassetteError`` (`readOnly` when the mode records into a read-only cassette).
  public init(
    cassette: DXCassette, mode: DXCassetteRecordMode = .once, allowPlaybackRepeats: Bool = false,
    usageLogPath: String? = nil, now: @escaping @Sendable () -> Date = { Date() }
  ) throws(DXCassetteError) {
    try self.init(
      cassette: cassette, mode: mode,
      options: DXCassetteSessionOptions(
        allowPlaybackRepeats: allowPlaybackRepeats, usageLogPath: usageLogPath, clock: DXNowClock(now: now)))
  }

  /// Replays or sends-and-records `request` according to ``mode``.
  public func intercept(
    _ request: DXTransportRequest,
    next: @Sendable (DXTransportRequest) async throws -> DXTransportResponse
  ) async throws -> DXTransportResponse {
    switch mode {
    case .passthrough:
      return try await next(request)
    case .none:
      return try await playback.replay(request)
    case .once where cassette.hadInteractionsWhenOpened, .newEpisodes:
      guard let matched = playback.matchRequest(request) else { return try await next(request) }
      switch try playback.choose(matched) {
      case .play(let id):
        guard try playback.staleAge(id) != nil else { return try await playback.play(id) }
        return try await record(request, next: next, replacing: id)
      case .allPlayed(let ids) where mode == .once:
        throw cassette.alreadyPlayedError(for: matched, ids: ids)
      case .none where mode == .once:
        throw cassette.missError(for: matched, played: playback.playedIDs)
      case .allPlayed, .none:
        return try await record(request, next: next)
      }
    case .once, .all:
      return try await record(request, next: next)
    }
  }

  /// Transport errors that mean the network is not there (a stale interaction is then kept, not
  /// replaced by the failure).
  static let offline: Set<DXTransportError.Kind> = [
    .connectionRefused, .nameResolution, .networkUnreachable, .connectTimeout,
  ]

  /// Sends `request` and records what happened; with `replacing`, in place of that stale interaction.
  private func record(
    _ request: DXTransportRequest, next: @Sendable (DXTransportRequest) async throws -> DXTransportResponse,
    replacing staleID: Int64? = nil
  ) async throws -> DXTransportResponse {
    guard let stored = playback.matchRequest(request) else { return try await next(request) }
    try cassette.checkRequest(stored)
    let clock = ContinuousClock()
    let started = clock.now
    let recordedAt = options.clock.now()
    let outcome: DXCassetteInteraction.Outcome
    let probe = DXTransportTimingProbe()
    do {
      outcome = .response(
        try await DXTransportTimingProbe.$current.withValue(probe) { try await next(request) })
    } catch let error as DXTransportError {
      outcome = .failure(error)
    }
    let finished = clock.now
    if let staleID, let failure = outcome.failure, Self.offline.contains(failure.kind) {
      let age = try cassette.storedAge(id: staleID)
      throw cassette.expiredError(
        id: staleID, age: age, now: recordedAt, maximumAge: playback.maximumAge, reason: failure.description)
    }
    // The time to headers, when the transport below reported it (DXLiveTransport does).
    let headers = probe.headersReceived.map { min(max($0 - started, .zero), finished - started) }
    var interaction = DXCassetteInteraction(
      request: stored, outcome: outcome, duration: finished - started, timeToHeaders: headers,
      recordedAt: recordedAt, tags: options.tags)
    if let hook = options.hooks.beforeRecordResponse {
      guard let kept = hook(interaction) else { return try outcome.replayed() }
      interaction = kept
    }
    if let staleID {
      interaction.id = staleID
      try cassette.update(interaction)
      playback.markPlayed(staleID)
      return try outcome.replayed()
    }
    var limit: Int64?
    if mode == .all, replacedKeys.firstTime(cassette.key(for: interaction.request)) { limit = sessionStart }
    let appended = try cassette.append(interaction, replacingMatchesBelow: limit)
    if let id = appended.id { playback.markPlayed(id) }
    return try outcome.replayed()
  }
}

/// The match keys already re-recorded in a mode-`all` session.
final class DXReplacedKeys: Sendable {
  private let keys = DXLock<Set<DXCassetteMatchKey>>([])

  /// Whether `key` is seen for the first time (and remembers it).
  func firstTime(_ key: DXCassetteMatchKey) -> Bool {
    keys.withLock { $0.insert(key).inserted }
  }
}

extension DXCassetteInteraction.Outcome {
  /// The failure, when no response arrived.
  var failure: DXTransportError? {
    if case .failure(let error) = self { return error }
    return nil
  }

  /// The response, or the failure thrown.
  func replayed() throws(DXTransportError) -> DXTransportResponse {
    switch self {
    case .response(let response): return response
    case .failure(let error): throw error
    }
  }
}

/// The recorder's former name: it is a middleware, not a transport.
@available(*, deprecated, renamed: "DXRecordingMiddleware")
public typealias DXRecordingTransport = DXRecordingMiddleware
