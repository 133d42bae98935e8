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
  /// Record: the record mode (`--record-mode`); default ``DXCassetteRecordMode/all``, forward and
  /// record every request.
  public var recordMode: DXCassetteRecordMode

  /// Creates options; every parameter defaults to the documented default.
  public init(
    ignoredBodyFields: [String] = [], allowRepeats: Bool = false, usageLogPath: String? = nil,
    secrets: [String] = [], recordMode: DXCassetteRecordMode = .all
  ) {
    self.ignoredBodyFields = ignoredBodyFields
    self.allowRepeats = allowRepeats
    self.usageLogPath = usageLogPath
    self.secrets = secrets
    self.recordMode = recordMode
  }
}
