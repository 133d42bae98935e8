import Crypto
import Foundation

/// The MD5 of a request body, computed on a helper queue while the body is still arriving.
///
/// The connection's thread keeps receiving while the digest catches up, so a large upload is not
/// received first and hashed afterwards: with a spare core the two overlap.
final class BodyDigest {
  /// Runs the updates in order; the only place the hasher is touched.
  private let queue = DispatchQueue(label: "dxmockserver.body-md5")
  /// The running hash; read and written only on `queue`.
  private var hasher = Insecure.MD5()

  /// Hashes `range` of `storage` next (asynchronously; those bytes must not change afterwards).
  func update(_ storage: BodyStorage, _ range: Range<Int>) {
    guard !range.isEmpty else { return }
    queue.async { [self] in hasher.update(bufferPointer: storage.bytes(range)) }
  }

  /// Waits for the pending updates and returns the lower-case hex digest of everything given to
  /// ``update(_:_:)``.
  func finalize() -> String {
    queue.sync { Self.hex(hasher.finalize()) }
  }

  /// The lower-case hex digits of `digest`.
  static func hex(_ digest: some Digest) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(32)
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}

// `hasher` is only read and written by blocks running on the serial `queue` (which orders them);
// `queue` is thread-safe.
extension BodyDigest: @unchecked Sendable {}
