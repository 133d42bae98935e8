import Foundation

/// A remote file's bytes as an async sequence of chunks in order (``DXFile/chunks(_:)``).
public struct DXFileChunks: AsyncSequence, Sendable {
  /// A chunk of bytes.
  public typealias Element = Data

  let file: DXFile
  let options: DXDownloadOptions

  /// Starts iterating; nothing is fetched until the first `next()`.
  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(file: file, options: options) }

  /// Fetches ahead and hands out chunks in order.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let file: DXFile
    let options: DXDownloadOptions
    var reader: DXFileChunkReader?
    var finished = false

    init(file: DXFile, options: DXDownloadOptions) {
      self.file = file
      self.options = options
    }

    /// The next chunk, or `nil` at the end.
    /// - Throws: As ``DXFile/downloadData(_:)``.
    public mutating func next() async throws -> Data? {
      guard !finished else { return nil }
      if reader == nil {
        let (plan, urls) = try await file.prepareDownload(options)
        reader = file.makeReader(plan, fromPart: 0, urls: urls, options)
      }
      guard let chunk = try await reader?.next() else {
        finished = true
        reader = nil
        return nil
      }
      return chunk
    }
  }
}
