import Foundation

/// A request body as libmicrohttpd hands it over, chunk by chunk.
///
/// With a declared `Content-Length` the memory is reserved once and each byte is copied once, from
/// libmicrohttpd's buffer into the memory the request's `Data` then shares; a body of at most
/// ``inlineCapacity`` bytes (`{}`) is held in the value itself and allocates nothing. When asked to
/// (upload URLs), the body's MD5 is computed on a helper queue as the bytes arrive (``BodyDigest``),
/// in batches of ``digestBatch`` bytes.
struct RequestBody {
  /// The batch handed to the digest queue at a time.
  static let digestBatch = 1 << 20

  private var storage: BodyStorage?
  /// The bytes of a body that is still at most ``inlineCapacity`` long and not hashed, held in place
  /// (`{}` and other short API bodies allocate nothing); moved to `storage` when the body outgrows it.
  private var inline: (UInt64, UInt64) = (0, 0)
  private var digest: BodyDigest?
  /// Bytes already handed to the digest.
  private var digested = 0
  /// The bytes received so far.
  private(set) var count = 0

  /// An empty body.
  init() {}

  /// Reserves `expected` bytes (the declared `Content-Length`; when that memory is not available the
  /// body grows as it arrives), and hashes the body as it arrives when `computeMD5` is set. Call before
  /// the first ``append(_:)``.
  mutating func reserve(expected: Int, computeMD5: Bool) {
    guard count == 0 else { return }
    if expected > (computeMD5 ? 0 : Self.inlineCapacity) { storage = BodyStorage(capacity: expected) }
    digest = computeMD5 ? BodyDigest() : nil
    digested = 0
  }

  /// Adds the next chunk.
  /// - Returns: `false` when there is no memory left for it (nothing was added).
  mutating func append(_ chunk: UnsafeRawBufferPointer) -> Bool {
    guard let base = chunk.baseAddress, chunk.count > 0 else { return true }
    let needed = count + chunk.count
    if storage == nil, digest == nil, needed <= Self.inlineCapacity {
      let offset = count
      withUnsafeMutableBytes(of: &inline) { bytes in
        bytes.baseAddress.map { ($0 + offset).copyMemory(from: base, byteCount: chunk.count) }
      }
      count = needed
      return true
    }
    let block: BodyStorage
    if let storage, needed <= storage.capacity {
      block = storage
    } else {
      guard let bigger = grow(to: needed) else { return false }
      block = bigger
    }
    (block.pointer + count).copyMemory(from: base, byteCount: chunk.count)
    count = needed
    if let digest, count - digested >= Self.digestBatch {
      digest.update(block, digested..<count)
      digested = count
    }
    return true
  }

  /// Moves the body into a larger block (no declared length, or more bytes than declared).
  private mutating func grow(to needed: Int) -> BodyStorage? {
    let doubled = (storage?.capacity ?? 0).multipliedReportingOverflow(by: 2)
    let preferred = max(needed, doubled.overflow ? needed : doubled.partialValue, 4096)
    guard let bigger = BodyStorage(capacity: preferred) ?? BodyStorage(capacity: needed) else { return nil }
    if let storage, count > 0 {
      bigger.pointer.copyMemory(from: storage.pointer, byteCount: count)
    } else if count > 0 {
      // The body outgrew its inline bytes.
      withUnsafeBytes(of: inline) { bytes in
        bytes.baseAddress.map { bigger.pointer.copyMemory(from: $0, byteCount: count) }
      }
    }
    storage = bigger
    // The digest's pending updates still read the old block (they keep it alive); the rest is hashed
    // from the new one, in order, so the digest stays right.
    return bigger
  }

  /// Drops everything received (the body is over the limit); the MD5 is no longer computed.
  mutating func discard() {
    storage = nil
    inline = (0, 0)
    digest = nil
    digested = 0
    count = 0
  }

  /// The longest body ``finish()`` copies instead of sharing: `Data` holds this many bytes inline (no
  /// memory of its own to allocate), which sharing the block would need (`Data` over foreign memory
  /// allocates its storage and a deallocator).
  static let inlineBytes = 14

  /// The longest body kept in the request's own bytes while it arrives (no block allocated).
  static let inlineCapacity = MemoryLayout<(UInt64, UInt64)>.size

  /// The body as `Data` (sharing the received memory, or inline when it is at most ``inlineBytes``
  /// long: `{}`), and its MD5 when it was computed on the way.
  mutating func finish() -> (data: Data, md5: String?) {
    var data = Data()
    if storage == nil, count > 0 {
      data = withUnsafeBytes(of: inline) { Data(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
    } else if let storage, count > 0, count <= Self.inlineBytes {
      data = Data(storage.bytes(0..<count))
    } else if let storage, count > 0 {
      // A body that grew (no declared length) may sit in a block up to twice its size; a stored
      // file part would keep that slack for as long as it lives, so such a body gets its own copy.
      let slack = storage.capacity - count
      data =
        slack > 4096 && slack > count / 4
        ? Data(storage.bytes(0..<count)) : storage.data(count: count)
    }
    guard let digest else { return (data, nil) }
    if let storage { digest.update(storage, digested..<count) }
    digested = count
    self.digest = nil
    return (data, digest.finalize())
  }
}
