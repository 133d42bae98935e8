import Foundation

/// A local file's bytes as an async sequence of chunks, read as they are consumed: pass it to
/// ``DXFile/upload(_:expectedSize:_:client:)`` or process a file without loading it whole.
public struct DXLocalFileChunks: AsyncSequence, Sendable {
  /// A chunk of bytes.
  public typealias Element = Data

  /// The file.
  public let url: URL
  /// The size of each chunk (the last may be shorter). Default 1 MiB.
  public let chunkSize: Int

  /// A sequence over `url`.
  public init(url: URL, chunkSize: Int = 1 << 20) {
    self.url = url
    self.chunkSize = Swift.max(1, chunkSize)
  }

  /// Opens the file on the first `next()`.
  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(url: url, chunkSize: chunkSize) }

  /// Reads the next chunk.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let url: URL
    let chunkSize: Int
    var handle: FileHandle?
    var finished = false

    /// The next chunk, or `nil` at the end (the file is closed then).
    /// - Throws: ``DXBindingError/file(_:)`` when the file cannot be opened or read.
    public mutating func next() async throws -> Data? {
      guard !finished else { return nil }
      if handle == nil {
        guard let opened = try? FileHandle(forReadingFrom: url) else {
          finished = true
          throw DXBindingError.file("cannot open \(url.path) for reading")
        }
        handle = opened
      }
      let chunk: Data?
      do {
        chunk = try handle?.read(upToCount: chunkSize)
      } catch {
        finished = true
        try? handle?.close()
        throw DXBindingError.file("cannot read \(url.path): \(error)")
      }
      guard let chunk, !chunk.isEmpty else {
        finished = true
        try? handle?.close()
        handle = nil
        return nil
      }
      return chunk
    }
  }
}
