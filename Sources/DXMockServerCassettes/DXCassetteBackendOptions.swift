import DXCassette

/// Settings shared by ``DXCassetteReplayBackend`` and ``DXCassetteRecordBackend`` (the
/// `dx-mock-server` cassette flags).
public struct DXCassetteBackendOptions: Sendable {
  /// JSON body fields left out of matching besides `nonce` (`--ignore-field`); default none.
  public var ignoredBodyFields: [String]
  /// Replay: whether an interaction may answer more than once (`--allow-repeats`); default `false`,
  /// identical requests get the recorded attempts in order, each once.
  public var allowRepeats: Bool
  /// Replay: a file to which the id of every interaction served is appended, one per line
  /// (`--usage-log`, for `dxcassette prune`); default `nil`, none.
  public var usageLogPath: String?
  /// Record: literal secrets redacted besides the client's token (`--redact`); default none.
  public var secrets: [String]
  /// Record: the record mode (`--record-mode`); default `DXCassetteRecordMode.all`, forward and
  /// record every request.
  public var recordMode: DXCassetteRecordMode
  /// Replay: how fast recorded answers come (`--timing instant|recorded[:SCALE]`); default
  /// `DXCassetteReplayTiming.instant`. With `recorded`, each answer starts after the recorded time
  /// to its last byte times the scale.
  public var timing: DXCassetteReplayTiming
  /// Both: rewrite rules (`--rewrite FILE`): what is dropped or rewritten before it is recorded, and
  /// how a live request is rewritten before it is matched; default none.
  public var rewrite: DXCassetteRewriteRules?
  /// Record: tags stamped on every interaction recorded (`--tag`); default none.
  public var tags: [String]
  /// Both: the cassette's maximum age for this session (`--expires-after`), instead of the one it
  /// stores; default `nil`. Replay answers a stale interaction with an error; record mode `once`
  /// and `newEpisodes` re-record it.
  public var expiresAfter: Duration?

  /// Creates options; every parameter defaults to the documented default.
  public init(
    ignoredBodyFields: [String] = [], allowRepeats: Bool = false, usageLogPath: String? = nil,
    secrets: [String] = [], recordMode: DXCassetteRecordMode = .all,
    timing: DXCassetteReplayTiming = .instant,
    rewrite: DXCassetteRewriteRules? = nil, tags: [String] = [], expiresAfter: Duration? = nil
  ) {
    self.timing = timing
    self.rewrite = rewrite
    self.tags = tags
    self.expiresAfter = expiresAfter
    self.ignoredBodyFields = ignoredBodyFields
    self.allowRepeats = allowRepeats
    self.usageLogPath = usageLogPath
    self.secrets = secrets
    self.recordMode = recordMode
  }

  /// The session options a recorder or replay built from these flags uses.
  var sessionOptions: DXCassetteSessionOptions {
    DXCassetteSessionOptions(
      allowPlaybackRepeats: allowRepeats, usageLogPath: usageLogPath, hooks: rewrite?.hooks ?? .none,
      timing: timing, expiresAfter: expiresAfter, tags: tags)
  }
}
