import Crypto
import Foundation

extension DXFile {
  /// A download URL and the headers to send with it (dxpy's `get_download_url`): `file-xxxx/download`
  /// with a 60 s timeout.
  /// - Parameters:
  ///   - duration: How long a preauthenticated URL works, in seconds.
  ///   - preauthenticated: A URL that works without the token. Default `false`.
  ///   - filename: The name the URL serves the file under.
  ///   - project: The project to bill; `nil` sends none.
  ///   - options: Headers and retries (the timeout defaults to 60 s).
  /// - Returns: The URL, its headers, and when it expires (seconds since 1970; `nil` for a URL that is
  ///   not preauthenticated, which dxpy treats as never expiring).
  public func downloadURL(
    duration: Int? = nil, preauthenticated: Bool = false, filename: String? = nil, project: String? = nil,
    options: DXRequestOptions = .init()
  ) async throws -> (url: String, headers: DXHTTPHeaders, expires: Double?) {
    var input: [String: DXJSON] = ["preauthenticated": .bool(preauthenticated)]
    if let duration { input["duration"] = .integer(duration) }
    if let filename { input["filename"] = .string(filename) }
    if let project { input["project"] = .string(project) }
    var callOptions = options
    callOptions.timeout = options.timeout ?? Self.fileRequestTimeout
    let reply = try await call("download", .object(input), options: callOptions)
    let expires = preauthenticated ? reply["expires"]?.doubleValue.map { $0 / 1000 - 60 } : nil
    return (try reply.requiredString("url"), try Self.headers(reply["headers"]), expires)
  }

  // MARK: - Downloads

  /// Downloads the file to `destination` (dxpy's `download_dxfile`): the parts are fetched as ranged
  /// GETs of ``DXDownloadOptions/chunkSize``, several at once, each retried on its own; they are written
  /// in order as they arrive and every part's size and MD5 are checked. An existing local file is kept up
  /// to its last part that still matches and the rest is fetched (resuming an interrupted download); a
  /// part that arrives wrong is fetched again up to ``DXDownloadOptions/partAttempts`` times.
  /// - Throws: ``DXBindingError/partLengthMismatch(_:)``, ``DXBindingError/checksumMismatch(_:)`` when a
  ///   part stays wrong; ``DXBindingError/file(_:)`` when the local file cannot be written; the platform's
  ///   and the transport's errors once retries are spent.
  public func download(to destination: URL, _ options: DXDownloadOptions = .init()) async throws {
    defer { options.progress?.finish() }
    let (plan, urls) = try await prepareDownload(options)
    var attempts: [Int: Int] = [:]
    while true {
      do {
        try await downloadOnce(plan, urls: urls, to: destination, options)
        return
      } catch let failure as PartFailure {
        let left = (attempts[failure.part] ?? max(1, options.partAttempts)) - 1
        attempts[failure.part] = left
        guard left > 0 else { throw failure.error }
      }
    }
  }

  /// The whole file in memory (dxpy's `DXFile.read()` of everything).
  /// - Throws: As ``download(to:_:)``, without resuming.
  public func downloadData(_ options: DXDownloadOptions = .init()) async throws -> Data {
    defer { options.progress?.finish() }
    let (plan, urls) = try await prepareDownload(options)
    let reader = makeReader(plan, fromPart: 0, urls: urls, options)
    var data = Data()
    data.reserveCapacity(plan.size)
    var progress = DXTransferProgress(
      bytesDone: 0, bytesTotal: plan.size, partsDone: 0, partsTotal: reader.chunkCount)
    while let chunk = try await reader.next() {
      data.append(chunk)
      progress.bytesDone += chunk.count
      progress.partsDone += 1
      options.progress?(progress)
    }
    return data
  }

  /// The file as UTF-8 text.
  /// - Throws: ``DXBindingError/file(_:)`` when it is not UTF-8; as ``downloadData(_:)``.
  public func downloadString(_ options: DXDownloadOptions = .init()) async throws -> String {
    guard let text = String(validating: try await downloadData(options), as: UTF8.self) else {
      throw DXBindingError.file("\(id) is not UTF-8 text")
    }
    return text
  }

  /// The file's bytes as an async sequence of chunks, in order, fetched a few chunks ahead and checked
  /// part by part (dxpy's `DXFile.read` in a loop).
  public func chunks(_ options: DXDownloadOptions = .init()) -> DXFileChunks {
    DXFileChunks(file: self, options: options)
  }

  // MARK: - Internals

  /// A part that arrived wrong, with the error to throw when its attempts are spent.
  struct PartFailure: Error {
    var part: Int
    var error: DXBindingError
  }

  func prepareDownload(_ options: DXDownloadOptions) async throws -> (DXDownloadPlan, DXDownloadURLCache) {
    let description = try await describe(
      .init(fields: ["parts"], defaultFields: true), options: options.requestOptions)
    let plan = try DXDownloadPlan(description: description)
    var project = options.project
    if project == nil, !client.isInsideJob, let own = self.project {
      let located = try? await client.call("/\(id)/describe", ["project": .string(own)])
      if located?["project"]?.stringValue == own { project = own }
    }
    var urlOptions = options.requestOptions
    urlOptions.timeout = options.requestTimeout
    let cache = DXDownloadURLCache(clock: client.clock) { [self, project, urlOptions] in
      let found = try await downloadURL(project: project, options: urlOptions)
      return (found.url, found.headers, found.expires ?? 32_503_680_000)
    }
    return (plan, cache)
  }

  func makeReader(
    _ plan: DXDownloadPlan, fromPart: Int, urls: DXDownloadURLCache, _ options: DXDownloadOptions
  )
    -> DXFileChunkReader
  {
    let client = self.client
    let timeout = options.requestTimeout
    return DXFileChunkReader(
      plan: plan, fromPart: fromPart, chunkSize: options.chunkSize, parallel: options.parallelChunks,
      fileID: id
    ) { chunk in
      let (url, base) = try await urls.get()
      var headers = base
      if chunk.subRange { headers.replaceOrAdd(name: "Range", value: "bytes=\(chunk.start)-\(chunk.end)") }
      let response = try await client.request(
        .route(url), data: .bytes([]), method: "GET", headers: headers, auth: .none, timeout: timeout,
        jsonifyData: false, decodeResponseBody: false, prependServer: false, alwaysRetry: true)
      return response.body
    }
  }

  private func downloadOnce(
    _ plan: DXDownloadPlan, urls: DXDownloadURLCache, to destination: URL, _ options: DXDownloadOptions
  ) async throws {
    let fileManager = FileManager.default
    if !fileManager.fileExists(atPath: destination.path) || !options.resume {
      guard fileManager.createFile(atPath: destination.path, contents: nil) else {
        throw DXBindingError.file("cannot create \(destination.path)")
      }
    }
    guard let handle = try? FileHandle(forUpdating: destination) else {
      throw DXBindingError.file("cannot open \(destination.path) for writing")
    }
    defer { try? handle.close() }
    let (firstPart, verified) = options.resume ? try Self.verifiedPrefix(of: handle, plan) : (0, 0)
    try handle.truncate(atOffset: UInt64(verified))
    try handle.seek(toOffset: UInt64(verified))
    let reader = makeReader(plan, fromPart: firstPart, urls: urls, options)
    var progress = DXTransferProgress(
      bytesDone: verified, bytesTotal: plan.size, partsDone: 0, partsTotal: reader.chunkCount)
    options.progress?(progress)
    while true {
      let chunk: Data?
      do {
        chunk = try await reader.next()
      } catch let error as DXBindingError where error.isFileError {
        throw PartFailure(part: reader.partInProgress ?? firstPart, error: error)
      }
      guard let chunk else { break }
      do {
        try handle.write(contentsOf: chunk)
      } catch {
        throw DXBindingError.file("cannot write \(destination.path): \(error)")
      }
      progress.bytesDone += chunk.count
      progress.partsDone += 1
      options.progress?(progress)
    }
  }

  /// The parts at the start of a local file that match the remote parts' sizes and MD5s (dxpy's
  /// verification of a file opened `rb+`): the first part to fetch and the byte offset after the last
  /// match.
  static func verifiedPrefix(of handle: FileHandle, _ plan: DXDownloadPlan) throws -> (Int, Int) {
    try handle.seek(toOffset: 0)
    var offset = 0
    for (position, part) in plan.parts.enumerated() {
      guard let md5 = part.md5 else { return (position, offset) }
      var hasher = Insecure.MD5()
      var left = part.size
      while left > 0 {
        guard let data = try handle.read(upToCount: min(left, 1 << 20)), !data.isEmpty else {
          return (position, offset)
        }
        hasher.update(data: data)
        left -= data.count
      }
      guard hex(hasher.finalize()) == md5 else { return (position, offset) }
      offset += part.size
    }
    return (plan.parts.count, offset)
  }
}
