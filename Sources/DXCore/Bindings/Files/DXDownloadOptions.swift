/// How ``DXFile`` downloads: chunk size and parallelism, the project to bill, resuming, progress.
public struct DXDownloadOptions: Sendable {
  /// The size of each ranged GET. Default 16 MiB (dxpy's `chunksize`).
  public var chunkSize: Int
  /// Chunks fetched at once. Default 4. Memory is bounded by about this many chunks.
  public var parallelChunks: Int
  /// The project to download from; `nil` uses the handle's project when the file is in it.
  public var project: String?
  /// Keep the verified parts of an existing local file and fetch only the rest (dxpy opens an
  /// existing file `rb+` and does this). Default `true`.
  public var resume: Bool
  /// How often a part that arrives with the wrong size or MD5 is fetched again. Default 3 (dxpy's).
  public var partAttempts: Int
  /// The timeout of each chunk GET and of `file-xxxx/download`. Default 60 s (dxpy's).
  public var requestTimeout: Duration
  /// Told after every chunk written.
  public var progress: DXProgressReporter?
  /// Headers, timeout and retries for the API calls.
  public var requestOptions: DXRequestOptions

  /// Creates options.
  public init(
    chunkSize: Int = DXUploadOptions.defaultPartSize, parallelChunks: Int = 4, project: String? = nil,
    resume: Bool = true, partAttempts: Int = 3, requestTimeout: Duration = DXFile.fileRequestTimeout,
    progress: DXProgressReporter? = nil, requestOptions: DXRequestOptions = .init()
  ) {
    self.chunkSize = chunkSize
    self.parallelChunks = parallelChunks
    self.project = project
    self.resume = resume
    self.partAttempts = partAttempts
    self.requestTimeout = requestTimeout
    self.progress = progress
    self.requestOptions = requestOptions
  }
}
