import Foundation

/// A re-readable request body: a file-like object with `tell`/`seek`, as dxpy rewinds one before each
/// retry.
///
/// ``DXClient`` records ``position()`` before the first attempt and seeks back to it before each
/// retry. For each attempt it streams the body chunk by chunk (``read(upToCount:)``) when the stream
/// knows its ``remainingLength()`` and the transport accepts streamed bodies; otherwise it reads to the
/// end.
public protocol DXRequestBodyStream: Sendable {
  /// The current read position.
  func position() throws -> UInt64
  /// Moves the read position.
  func seek(to offset: UInt64) throws
  /// Reads from the current position to the end.
  func readToEnd() throws -> Data
  /// Reads at most `count` bytes from the current position (empty at the end). Default: ``readToEnd()``.
  func read(upToCount count: Int) throws -> Data
  /// The bytes from the current position to the end, or `nil` when unknown (the body is then read
  /// whole). Default `nil`.
  func remainingLength() throws -> UInt64?
}

extension DXRequestBodyStream {
  /// Reads to the end (a stream that does not know better).
  public func read(upToCount count: Int) throws -> Data { try readToEnd() }

  /// Unknown.
  public func remainingLength() throws -> UInt64? { nil }
}

/// An in-memory ``DXRequestBodyStream``.
public final class DXDataBodyStream: DXRequestBodyStream {
  private let state: DXLock<(data: Data, offset: Int)>

  /// Creates a stream over `data`, positioned at `offset` (default 0).
  public init(_ data: Data, offset: Int = 0) {
    state = DXLock((data, min(max(0, offset), data.count)))
  }

  /// The read position.
  public func position() throws -> UInt64 { state.withLock { UInt64($0.offset) } }

  /// Moves the read position.
  /// - Throws: ``DXError`` when `offset` is beyond the end.
  public func seek(to offset: UInt64) throws {
    try state.withLock { value in
      guard offset <= UInt64(value.data.count) else {
        throw DXError.bodyStream("seek to \(offset) beyond the end (\(value.data.count) bytes)")
      }
      value.offset = Int(offset)
    }
  }

  /// Reads the rest and moves the position to the end.
  public func readToEnd() throws -> Data { try read(upToCount: Int.max) }

  /// Reads at most `count` bytes.
  public func read(upToCount count: Int) throws -> Data {
    state.withLock { value in
      let end = value.offset + min(max(0, count), value.data.count - value.offset)
      let chunk = value.data.subdata(in: value.data.startIndex + value.offset..<value.data.startIndex + end)
      value.offset = end
      return chunk
    }
  }

  /// The bytes after the read position.
  public func remainingLength() throws -> UInt64? { state.withLock { UInt64($0.data.count - $0.offset) } }
}

/// A file as a ``DXRequestBodyStream``.
public final class DXFileBodyStream: DXRequestBodyStream {
  private let handle: DXLock<FileHandle>

  /// Opens `path` for reading.
  /// - Throws: ``DXError`` when the file cannot be opened.
  public init(path: String) throws {
    guard let fileHandle = FileHandle(forReadingAtPath: path) else {
      throw DXError.bodyStream("cannot open \(path) for reading")
    }
    handle = DXLock(fileHandle)
  }

  /// The offset in the file.
  public func position() throws -> UInt64 { try handle.withLock { try $0.offset() } }

  /// Seeks in the file.
  public func seek(to offset: UInt64) throws { try handle.withLock { try $0.seek(toOffset: offset) } }

  /// Reads the rest of the file.
  public func readToEnd() throws -> Data { try handle.withLock { try $0.readToEnd() ?? Data() } }

  /// Reads at most `count` bytes.
  public func read(upToCount count: Int) throws -> Data {
    try handle.withLock { try $0.read(upToCount: count) ?? Data() }
  }

  /// The bytes after the read position (the file's size now, less the position).
  public func remainingLength() throws -> UInt64? {
    try handle.withLock { handle in
      let position = try handle.offset()
      let end = try handle.seekToEnd()
      try handle.seek(toOffset: position)
      return end >= position ? end - position : 0
    }
  }

  deinit { handle.withLock { try? $0.close() } }
}
