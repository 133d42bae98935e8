import Foundation

/// A fixed block of memory that holds one request body; freed when the last user lets go of it.
///
/// The body is written into it once, as libmicrohttpd hands the bytes over, and read in place by the
/// streamed MD5 (``BodyDigest``) and by the `Data` the request pipeline sees (no copy).
final class BodyStorage {
  /// The start of the block.
  let pointer: UnsafeMutableRawPointer
  /// The size of the block in bytes.
  let capacity: Int

  /// Reserves `capacity` bytes, or returns `nil` when the memory is not available.
  ///
  /// `malloc` maps a large block's pages lazily, so reserving a declared length costs nothing until
  /// the bytes arrive.
  init?(capacity: Int) {
    // One byte at least, so that the pointer is never null.
    guard capacity >= 0, let block = malloc(max(1, capacity)) else { return nil }
    self.capacity = capacity
    self.pointer = block
  }

  deinit { free(pointer) }

  /// The bytes `range` (within what has been written).
  func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: pointer + range.lowerBound, count: range.count)
  }

  /// The first `count` bytes as `Data` that shares this memory and keeps it alive.
  func data(count: Int) -> Data {
    guard count > 0 else { return Data() }
    return Data(
      bytesNoCopy: pointer, count: count, deallocator: .custom { _, _ in withExtendedLifetime(self) {} })
  }
}

// `pointer` and `capacity` never change. The bytes are written only by the connection's thread, each
// byte once, and only before that range is handed to a reader (the digest queue, through
// `DispatchQueue.async`, or a `Data`), so no byte is read and written concurrently.
extension BodyStorage: @unchecked Sendable {}
