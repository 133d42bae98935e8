import Crypto
import Foundation

extension DXFile {
  /// dxpy's `FILE_REQUEST_TIMEOUT`: the timeout of `file-xxxx/upload` and `file-xxxx/download` calls and
  /// of each download chunk.
  public static let fileRequestTimeout = Duration.seconds(60)
  /// dxpy's `PART_UPLOAD_REQUEST_TIMEOUT_SECONDS`: the timeout of a part PUT.
  public static let partUploadTimeout = Duration.seconds(300)

  // MARK: - Whole uploads

  /// Uploads a local file into a new file (dxpy's `upload_local_file`): `file/new`, the project's
  /// `fileUploadParameters`, the parts in parallel, a check that every part arrived, then `close`.
  ///
  /// Memory is bounded by about ``DXUploadOptions/parallelParts`` parts, whatever the file's size.
  /// - Parameters:
  ///   - url: The local file; the new file's name defaults to its last path component.
  ///   - options: Where the file goes, part size, parallelism, progress.
  ///   - client: The client.
  /// - Returns: The new file (closed unless ``DXUploadOptions/keepOpen``).
  /// - Throws: ``DXBindingError/file(_:)`` when the file cannot be read or is too large; the platform's
  ///   and the transport's errors once retries are spent.
  public static func upload(contentsOf url: URL, _ options: DXUploadOptions = .init(), client: DXClient)
    async throws -> DXFile
  {
    let size = try Self.localSize(url)
    var options = options
    if options.new.name == nil { options.new.name = url.lastPathComponent }
    var source = DXFilePartSource(path: url.path, size: size)
    return try await upload(from: &source, expectedSize: size, alignment: 4096, options, client: client)
  }

  /// Uploads bytes from any async sequence of chunks (`Data`, `[UInt8]`, …) into a new file, regrouped
  /// into parts as they arrive.
  /// - Parameters:
  ///   - bytes: The content.
  ///   - expectedSize: The total, when known: it sizes the parts as dxpy does and fills in progress.
  ///   - options: Where the file goes, part size, parallelism, progress.
  ///   - client: The client.
  public static func upload<Bytes: AsyncSequence>(
    _ bytes: Bytes, expectedSize: Int? = nil, _ options: DXUploadOptions = .init(), client: DXClient
  ) async throws -> DXFile where Bytes.Element: DataProtocol {
    var source = DXSequencePartSource(bytes)
    return try await upload(from: &source, expectedSize: expectedSize, alignment: 1, options, client: client)
  }

  /// Uploads `data` into a new file (dxpy's `upload_string` for bytes).
  public static func upload(data: Data, _ options: DXUploadOptions = .init(), client: DXClient) async throws
    -> DXFile
  {
    var source = DXDataPartSource(data: data)
    return try await upload(from: &source, expectedSize: data.count, alignment: 1, options, client: client)
  }

  /// Uploads `text` as UTF-8 into a new file (dxpy's `upload_string`).
  public static func upload(string text: String, _ options: DXUploadOptions = .init(), client: DXClient)
    async throws -> DXFile
  {
    try await upload(data: Data(text.utf8), options, client: client)
  }

  private static func upload<Source: DXPartSource>(
    from source: inout Source, expectedSize: Int?, alignment: Int, _ options: DXUploadOptions,
    client: DXClient
  ) async throws -> DXFile {
    defer { options.progress?.finish() }
    let file = try await DXFile.new(
      options.new, media: options.media, client: client, requestOptions: options.requestOptions)
    try await file.uploadParts(
      from: &source, expectedSize: expectedSize, alignment: alignment, options, close: !options.keepOpen)
    return file
  }

  /// Uploads the content of `url` into this open file, then closes it unless
  /// ``DXUploadOptions/keepOpen`` (dxpy's `upload_local_file(use_existing_dxfile=…)`).
  public func upload(contentsOf url: URL, _ options: DXUploadOptions = .init()) async throws {
    defer { options.progress?.finish() }
    let size = try Self.localSize(url)
    var source = DXFilePartSource(path: url.path, size: size)
    try await uploadParts(
      from: &source, expectedSize: size, alignment: 4096, options, close: !options.keepOpen)
  }

  private func uploadParts<Source: DXPartSource>(
    from source: inout Source, expectedSize: Int?, alignment: Int, _ options: DXUploadOptions, close: Bool
  ) async throws {
    guard let project else {
      throw DXBindingError.invalidArgument("cannot upload to \(id): the handle has no project")
    }
    let parameters = try await DXContainer.uploadParameters(
      of: project, client: client, options: options.requestOptions)
    let partSize = try parameters.partSize(
      hint: options.partSizeHint, expectedSize: expectedSize, alignment: alignment)
    let partsTotal = expectedSize.map { $0 == 0 ? 0 : ($0 + partSize - 1) / partSize }
    var progress = DXTransferProgress(
      bytesDone: 0, bytesTotal: expectedSize, partsDone: 0, partsTotal: partsTotal)
    options.progress?(progress)
    let parallel = max(1, options.parallelParts)
    var uploaded = 0
    try await withThrowingTaskGroup(of: Int.self) { group in
      var inFlight = 0
      var index = 0
      while true {
        if inFlight >= parallel, let size = try await group.next() {
          inFlight -= 1
          progress.bytesDone += size
          progress.partsDone += 1
          options.progress?(progress)
        }
        guard let part = try await source.nextPart(size: partSize) else { break }
        index += 1
        guard index <= parameters.maximumNumParts else {
          throw DXBindingError.file(
            "the content needs more than \(parameters.maximumNumParts) parts of \(partSize) bytes")
        }
        let partIndex = index
        group.addTask {
          try await self.uploadPart(body: part, index: partIndex, options: options.requestOptions)
          return part.count
        }
        inFlight += 1
      }
      while let size = try await group.next() {
        progress.bytesDone += size
        progress.partsDone += 1
        options.progress?(progress)
      }
      uploaded = index
    }
    try await waitUntilPartsUploaded(options: options.requestOptions)
    guard close else { return }
    if uploaded == 0, parameters.emptyLastPartAllowed {
      do {
        try await uploadPart(Data(), index: 1, options: options.requestOptions)
      } catch let error as DXAPIError where error.type == .invalidState {
        // dxpy ignores InvalidState here: the file may already be closing.
      }
    }
    try await self.close(wait: options.waitUntilClosed, options: options.requestOptions)
  }

  // MARK: - Parts

  /// Uploads one part (dxpy's `upload_part`): its MD5 and size go to `file-xxxx/upload` for a fresh
  /// URL before every attempt (that call's own retries drop by one each time, from 6, with a 60 s
  /// timeout), then the bytes are PUT there without the API token, retried by dxpy's rules (including
  /// the retry of a PUT answered 400), with a 300 s timeout.
  /// - Parameters:
  ///   - data: The part's bytes.
  ///   - index: The part number, 1 to 10,000.
  ///   - options: Headers, timeout and retries for the `file-xxxx/upload` calls.
  public func uploadPart(_ data: Data, index: Int, options: DXRequestOptions = .init()) async throws {
    try await uploadPart(body: .data(data), index: index, options: options)
  }

  /// Uploads `length` bytes of a local file from `offset` as one part: hashed, then streamed from disk
  /// on every attempt (the part is never held in memory). Otherwise as ``uploadPart(_:index:options:)``.
  /// - Throws: ``DXBindingError/file(_:)`` when the file cannot be read.
  public func uploadPart(
    contentsOf url: URL, offset: Int, length: Int, index: Int, options: DXRequestOptions = .init()
  ) async throws {
    try await uploadPart(
      body: .fileRegion(path: url.path, offset: offset, length: length), index: index, options: options)
  }

  func uploadPart(body: DXPartBody, index: Int, options: DXRequestOptions) async throws {
    let data: DXRequestData
    let md5: String
    switch body {
    case .data(let bytes):
      md5 = Self.md5Hex(bytes)
      data = .stream(DXDataBodyStream(bytes))
    case .fileRegion(let path, let offset, let length):
      do {
        let region = try DXFileRegionBodyStream(path: path, offset: UInt64(offset), length: UInt64(length))
        md5 = try Self.md5Hex(of: region)
        try region.seek(to: 0)
        data = .stream(region)
      } catch {
        throw DXBindingError.file("cannot read \(length) bytes of \(path) from \(offset): \(error)")
      }
    }
    let input: DXJSON = ["index": .integer(index), "md5": .string(md5), "size": .integer(body.count)]
    let retries = DXLock<Int?>(nil)
    let path = "/\(id)/upload"
    let client = self.client
    let target: @Sendable () async throws -> (url: String, headers: DXHTTPHeaders) = {
      let left = retries.withLock { value -> Int in
        let next = value.map { max(0, $0 - 1) } ?? (options.maxRetries ?? client.configuration.maxRetries)
        value = next
        return next
      }
      var callOptions = options
      callOptions.maxRetries = left
      callOptions.timeout = options.timeout ?? DXFile.fileRequestTimeout
      let reply = try await client.call(path, input, options: callOptions)
      return (try reply.requiredString("url"), try Self.headers(reply["headers"]))
    }
    try await client.request(
      .perAttempt(target), data: data, method: "PUT", auth: .none, timeout: Self.partUploadTimeout,
      jsonifyData: false, prependServer: false, alwaysRetry: true)
  }

  /// The MD5 of what `stream` holds from its position, read in dxpy's 4 MiB chunks.
  static func md5Hex(of stream: DXFileRegionBodyStream) throws -> String {
    var hasher = Insecure.MD5()
    while true {
      let chunk = try stream.read(upToCount: 4 << 20)
      if chunk.isEmpty { break }
      hasher.update(data: chunk)
    }
    return hex(hasher.finalize())
  }

  /// The size of a local file.
  /// - Throws: ``DXBindingError/file(_:)`` when it cannot be read.
  static func localSize(_ url: URL) throws(DXBindingError) -> Int {
    guard FileManager.default.isReadableFile(atPath: url.path),
      let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int
    else { throw .file("cannot open \(url.path) for reading") }
    return size
  }

  /// Waits until every uploaded part is `complete` (dxpy's `wait_until_parts_uploaded`): describes the
  /// parts with a backoff of 1, 2, 4… seconds on the client's clock.
  /// - Parameters:
  ///   - timeout: Default 255 s (dxpy's).
  ///   - options: Headers, timeout, retries for each describe.
  /// - Throws: ``DXBindingError/timeout(_:)`` past `timeout`.
  public func waitUntilPartsUploaded(timeout: Duration = .seconds(255), options: DXRequestOptions = .init())
    async throws
  {
    var input: [String: DXJSON] = ["fields": ["parts": true, "state": true]]
    if let project { input["project"] = .string(project) }
    var elapsed = Duration.zero
    var exponent = 0
    while true {
      let reply = try await call("describe", .object(input), options: options)
      let parts = reply["parts"]?.objectValue ?? [:]
      if reply["state"]?.stringValue == "closed" || parts.isEmpty { return }
      if parts.values.allSatisfy({ ($0["state"]?.stringValue ?? "complete") == "complete" }) { return }
      guard elapsed < timeout else {
        throw DXBindingError.timeout(
          "Reached timeout while waiting for parts of the file (\(id)) to be uploaded")
      }
      let wait = Duration.seconds(1 << min(7, exponent))
      try await client.clock.sleep(for: wait)
      exponent += 1
      elapsed += wait
    }
  }

  // MARK: - Helpers

  /// Lower-case hex MD5 of `data`.
  static func md5Hex<Bytes: DataProtocol>(_ data: Bytes) -> String { hex(Insecure.MD5.hash(data: data)) }

  /// Lower-case hex of `bytes`.
  static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The `headers` member of an upload or download reply, checked to be strings (dxpy's
  /// `_validate_headers`).
  static func headers(_ value: DXJSON?) throws(DXBindingError) -> DXHTTPHeaders {
    var headers = DXHTTPHeaders()
    for (name, field) in value?.objectValue ?? [:] {
      guard let text = field.stringValue else {
        throw .malformedReply("Expected value of header \(name) to be a string")
      }
      headers.add(name: name, value: text)
    }
    return headers
  }
}

extension DXContainer {
  /// The upload limits of any project or container ID (dxpy's `_ensure_write_bufsize`).
  static func uploadParameters(of container: String, client: DXClient, options: DXRequestOptions) async throws
    -> DXFileUploadParameters
  {
    let reply = try await client.call(
      "/\(container)/describe", ["fields": ["fileUploadParameters": true]], options: options)
    guard let parameters = reply["fileUploadParameters"] else {
      throw DXBindingError.malformedReply("the description of \(container) has no fileUploadParameters")
    }
    return try DXFileUploadParameters(json: parameters)
  }
}
