extension DXHTTPHeaders {
  /// Whether two field names are the same ignoring case: the same answer as comparing their
  /// `lowercased()` forms, without building those strings when both names are ASCII (every real HTTP
  /// field name), so a lookup on the request path does not allocate.
  package static func namesMatch(_ first: String, _ second: String) -> Bool {
    var left = first.utf8.makeIterator()
    var right = second.utf8.makeIterator()
    while true {
      switch (left.next(), right.next()) {
      case (nil, nil):
        return true
      case (let a?, let b?) where a < 0x80 && b < 0x80:
        if a != b && asciiLower(a) != asciiLower(b) { return mismatch(first, second) }
      default:
        // A non-ASCII byte, or different lengths: decide exactly as `lowercased()` would.
        return mismatch(first, second)
      }
    }
  }

  /// The names differ byte-wise after ASCII folding; that settles it for ASCII names, anything else
  /// takes the general (allocating) comparison.
  private static func mismatch(_ first: String, _ second: String) -> Bool {
    if isASCII(first) && isASCII(second) { return false }
    return first.lowercased() == second.lowercased()
  }

  /// Whether every byte of `text` is ASCII (the same as every Unicode scalar being ASCII).
  package static func isASCII(_ text: String) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } }
      ?? text.utf8.allSatisfy { $0 < 0x80 }
  }

  private static func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }
}
