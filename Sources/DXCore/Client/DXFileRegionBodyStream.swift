import Foundation

/// A byte range of a file as a ``DXRequestBodyStream``: positions are relative to the range's start,
/// and reads stop at its end. A file part is sent this way, streamed from disk.
public final class DXFileRegionBodyStream: DXRequestBodyStream {
  private let handle: DXLock<FileHandle>
  /// The first byte of the range in the file.
  public let offset: UInt64
  /// The range's length.
  public let length: UInt64
  private let cursor = DXLock<UInt64>(0)

  /// Opens `length` bytes of `path` from `offset`.
  /// - Throws: ``DXError/bodyStream(_:)`` when the file cannot be opened.
  public init(path: String, offset: UInt64, length: UInt64) throws {
    guard let fileHandle = FileHandle(forReadingAtPath: path) else {
      throw DXError.bodyStream("cannot open \(path) for reading")
    }
    handle = DXLock(fileHandle)
    self.offset = offset
    self.length = length
  }

  /// The position within the range.
  public func position() throws -> UInt64 { cursor.withLock { $0 } }

  /// Moves the position within the range.
  /// - Throws: ``DXError/bodyStream(_:)`` beyond the range's end.
  public func seek(to position: UInt64) throws {
    guard position <= length else {
      throw DXError.bodyStream("seek to \(position) beyond the end of the range (\(length) bytes)")
    }
    cursor.withLock { $0 = position }
  }

  /// Reads the rest of the range.
  public func readToEnd() throws -> Data { try read(upToCount: Int(clamping: length)) }

  /// Reads at most `count` bytes of the range.
  /// - Throws: ``DXError/bodyStream(_:)`` when the file ends before the range does.
  public func read(upToCount count: Int) throws -> Data {
    let start = cursor.withLock { $0 }
    let wanted = Int(min(UInt64(max(0, count)), length - start))
    guard wanted > 0 else { return Data() }
    let data = try handle.withLock { handle -> Data in
      try handle.seek(toOffset: offset + start)
      return try handle.read(upToCount: wanted) ?? Data()
    }
    guard data.count == wanted else {
      throw DXError.bodyStream("the file ended \(wanted - data.count) bytes before the range")
    }
    cursor.withLock { $0 = start + UInt64(data.count) }
    return data
  }

  /// The bytes left in the range.
  public func remainingLength() throws -> UInt64? { length - cursor.withLock { $0 } }

  deinit { handle.withLock { try? $0.close() } }
}
