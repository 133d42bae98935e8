extension DXHTTPHeaders {
  /// Whether two field names are the same ignoring case: the same answer as comparing their
  /// `lowercased()` forms, without building those strings when both names are ASCII (every real HTTP
  /// field name), so a lookup on the request path does not allocate.
  ///
  /// Both names are read as contiguous UTF-8 (every native Swift string is), so a mismatch between
  /// two ASCII names — most comparisons of a lookup — costs a length comparison and two word-wise
  /// ASCII scans, not a byte-by-byte walk through `String.UTF8View`.
  package static func namesMatch(_ first: String, _ second: String) -> Bool {
    let answer = first.utf8.withContiguousStorageIfAvailable { left in
      second.utf8.withContiguousStorageIfAvailable { right in asciiNamesMatch(left, right) }
    }
    if case .some(.some(.some(let matches))) = answer { return matches }
    // A non-ASCII byte (or a string without contiguous UTF-8): decide exactly as `lowercased()` does.
    return first.lowercased() == second.lowercased()
  }

  /// Whether `left` and `right` are equal after ASCII case folding, or `nil` when either holds a
  /// non-ASCII byte (then only the general comparison can tell: `"\u{212A}"`, the Kelvin sign,
  /// lowercases to `"k"`).
  private static func asciiNamesMatch(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>)
    -> Bool?
  {
    if left.count == right.count {
      var index = 0
      var seen: UInt8 = 0
      while index < left.count {
        let a = left[index]
        let b = right[index]
        seen |= a | b
        if a != b && asciiLower(a) != asciiLower(b) { break }
        index += 1
      }
      if seen >= 0x80 { return nil }
      if index == left.count { return true }
    }
    // The names differ byte-wise after ASCII folding; that settles it for ASCII names.
    return isASCII(left) && isASCII(right) ? false : nil
  }

  /// Whether every byte of `text` is ASCII (the same as every Unicode scalar being ASCII).
  package static func isASCII(_ text: String) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { isASCII($0) } ?? text.utf8.allSatisfy { $0 < 0x80 }
  }

  /// Whether every byte is below 0x80, eight bytes at a time.
  package static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var index = 0
    var seen: UInt64 = 0
    while index + 8 <= bytes.count {
      seen |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      index += 8
    }
    while index < bytes.count {
      seen |= UInt64(bytes[index])
      index += 1
    }
    return seen & 0x8080_8080_8080_8080 == 0
  }

  private static func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }
}
