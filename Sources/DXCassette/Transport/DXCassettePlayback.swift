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
  let allowPlaybackRepeats: Bool
  private let usageLogPath: String?
  private let played = DXLock<Set<Int64>>([])
  /// The usage log, opened on first use; only touched with its lock held.
  private let usageLog = DXLock<FileHandle?>(nil)

  init(cassette: DXCassette, allowPlaybackRepeats: Bool, usageLogPath: String?) {
    self.cassette = cassette
    self.allowPlaybackRepeats = allowPlaybackRepeats
    self.usageLogPath = usageLogPath
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

  /// Replays `request`, or throws the miss explanation.
  func replay(_ request: DXTransportRequest) throws -> DXTransportResponse {
    switch try choose(request) {
    case .play(let id):
      switch try cassette.storedOutcome(id: id) {
      case .response(let response): return response
      case .failure(let error): throw error
      }
    case .allPlayed(let ids):
      throw cassette.alreadyPlayedError(for: request, ids: ids)
    case .none:
      throw cassette.missError(for: request, played: playedIDs)
    }
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
