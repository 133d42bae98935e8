/// How ``DXFile`` uploads: where the new file goes, the part size and parallelism, progress, and what
/// happens at the end.
public struct DXUploadOptions: Sendable {
  /// The new file's project, name, folder, tags… (the name defaults to the local file's name).
  public var new: DXNewObjectOptions
  /// The media type.
  public var media: String?
  /// The wanted part size; the project's limits and the file's size adjust it as dxpy does. Default
  /// 16 MiB (dxpy's `DEFAULT_BUFFER_SIZE`; dxpy uses 96 MiB inside a job).
  public var partSizeHint: Int
  /// Parts uploaded at once. Default 4. Memory is bounded by about this many parts.
  public var parallelParts: Int
  /// Leave the file open after the parts are uploaded. Default `false`.
  public var keepOpen: Bool
  /// Wait until the file is `closed` after closing it. Default `false`.
  public var waitUntilClosed: Bool
  /// Told after every part.
  public var progress: DXProgressReporter?
  /// Headers, timeout and retries for the API calls (not the part PUTs, which use dxpy's 300 s).
  public var requestOptions: DXRequestOptions

  /// dxpy's default part size, 16 MiB.
  public static let defaultPartSize = 16 * 1024 * 1024

  /// Creates options.
  public init(
    _ new: DXNewObjectOptions = .init(), media: String? = nil,
    partSizeHint: Int = DXUploadOptions.defaultPartSize,
    parallelParts: Int = 4, keepOpen: Bool = false, waitUntilClosed: Bool = false,
    progress: DXProgressReporter? = nil, requestOptions: DXRequestOptions = .init()
  ) {
    self.new = new
    self.media = media
    self.partSizeHint = partSizeHint
    self.parallelParts = parallelParts
    self.keepOpen = keepOpen
    self.waitUntilClosed = waitUntilClosed
    self.progress = progress
    self.requestOptions = requestOptions
  }
}
