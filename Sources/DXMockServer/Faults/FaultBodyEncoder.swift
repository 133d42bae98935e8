import Foundation

/// Encodes a body for an ``DXFault/encoded(_:corrupt:)`` fault: gzip (RFC 1952) or HTTP's deflate
/// (the zlib format, RFC 1950), made of stored (uncompressed) deflate blocks, which every decoder
/// accepts; a corrupt body breaks the first block's length check, which every decoder rejects.
enum FaultBodyEncoder {
  /// `body` encoded as `encoding`; `corrupt` damages it so that decoding fails.
  static func encode(_ body: Data, as encoding: DXFault.ContentEncoding, corrupt: Bool) -> Data {
    var blocks = storedBlocks(body)
    if corrupt {
      // NLEN must be the one's complement of LEN; flipping one bit of it is a format error.
      blocks[3] ^= 0x01
    }
    var out = Data()
    switch encoding {
    case .gzip:
      out.append(contentsOf: [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
      out.append(blocks)
      appendLittleEndian(crc32(body), to: &out)
      appendLittleEndian(UInt32(truncatingIfNeeded: body.count), to: &out)
    case .deflate:
      out.append(contentsOf: [0x78, 0x01])
      out.append(blocks)
      let adler = adler32(body)
      out.append(contentsOf: [
        UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF),
      ])
    }
    return out
  }

  /// Deflate stored blocks (at most 65,535 bytes each; at least one block, the last marked final).
  private static func storedBlocks(_ body: Data) -> Data {
    var out = Data()
    let bytes = [UInt8](body)
    var offset = 0
    repeat {
      let length = min(65_535, bytes.count - offset)
      let final: UInt8 = offset + length >= bytes.count ? 1 : 0
      out.append(final)
      out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
      let complement = ~UInt16(length)
      out.append(contentsOf: [UInt8(complement & 0xFF), UInt8(complement >> 8)])
      out.append(contentsOf: bytes[offset..<(offset + length)])
      offset += length
    } while offset < bytes.count
    return out
  }

  private static func appendLittleEndian(_ value: UInt32, to data: inout Data) {
    data.append(contentsOf: [
      UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24),
    ])
  }

  /// The CRC-32 (IEEE 802.3) gzip's trailer carries.
  static func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
  }

  /// The Adler-32 checksum the zlib format's trailer carries.
  static func adler32(_ data: Data) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return (b << 16) | a
  }
}
