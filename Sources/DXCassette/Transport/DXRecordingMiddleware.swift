import DXCore
import Foundation

/// The recorder: a middleware that records what the next transport does into a cassette, and replays
/// according to its ``DXCassetteRecordMode``.
///
/// It calls `next`, and stores what happened: a response (any status, a body cut short included) or
/// a thrown ``DXTransportError`` (stored, then rethrown), with the attempt's position among identical
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
  private let now: @Sendable () -> Date

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
    if cassette.isReadOnly, mode != .none, mode != .passthrough,
      !(mode == .once && cassette.hadInteractionsWhenOpened)
    {
      throw DXCassetteError(
        kind: .readOnly,
        message: "\(cassette.path): opened read-only, cannot record in mode \(mode.rawValue)",
        cassettePath: cassette.path)
    }
    self.mode = mode
    self.now = now
    playback = DXCassettePlayback(
      cassette: cassette, allowPlaybackRepeats: allowPlaybackRepeats, usageLogPath: usageLogPath)
    sessionStart = mode == .all ? try cassette.maximumID() + 1 : 0
    replacedKeys = DXReplacedKeys()
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
      return try playback.replay(request)
    case .once where cassette.hadInteractionsWhenOpened:
      return try playback.replay(request)
    case .newEpisodes:
      switch try playback.choose(request) {
      case .play(let id):
        return try cassette.storedOutcome(id: id).replayed()
      case .allPlayed, .none:
        return try await record(request, next: next)
      }
    case .once, .all:
      return try await record(request, next: next)
    }
  }

  private func record(
    _ request: DXTransportRequest, next: @Sendable (DXTransportRequest) async throws -> DXTransportResponse
  ) async throws -> DXTransportResponse {
    try cassette.checkRequest(request)
    let clock = ContinuousClock()
    let started = clock.now
    let recordedAt = now()
    let outcome: DXCassetteInteraction.Outcome
    do {
      outcome = .response(try await next(request))
    } catch let error as DXTransportError {
      outcome = .failure(error)
    }
    let interaction = DXCassetteInteraction(
      request: request, outcome: outcome, duration: clock.now - started, recordedAt: recordedAt)
    var limit: Int64?
    if mode == .all, replacedKeys.firstTime(cassette.key(for: request)) { limit = sessionStart }
    let stored = try cassette.append(interaction, replacingMatchesBelow: limit)
    if let id = stored.id { playback.markPlayed(id) }
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
