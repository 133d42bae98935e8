/// Header field values as HTTP reads them: optional whitespace is spaces and tabs only, and numbers
/// are ASCII digits. Works on UTF-8 directly (Foundation's trimming converts to UTF-16 first, which
/// showed up as a tenth of a request's cost).
enum HTTPFieldValue {
  /// `value` without leading and trailing spaces and tabs.
  static func trimmed<S: StringProtocol>(_ value: S) -> Substring {
    var text = Substring(value)
    while let first = text.utf8.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
    while let last = text.utf8.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
    return text
  }

  /// A non-negative decimal integer such as a `Content-Length`, surrounded by optional whitespace.
  static func integer(_ value: String) -> Int? {
    if let plain = plainInteger(value) { return plain }
    let text = trimmed(value)
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int(text)
  }

  /// A value of 1 to 18 ASCII digits and nothing else (every `Content-Length` a client sends), read
  /// from its bytes (no `Substring`, no generic parsing; 18 digits cannot overflow); `nil` for
  /// anything else, which ``integer(_:)`` judges in general.
  static func plainInteger(_ value: String) -> Int? {
    let parsed = value.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
      guard (1...18).contains(bytes.count) else { return nil }
      var number = 0
      for byte in bytes {
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        number = number * 10 + Int(byte - 0x30)
      }
      return number
    }
    return parsed ?? nil
  }

  /// The credentials of an `Authorization: Bearer <token>` value (the scheme in any case), or `nil`.
  static func bearerToken(_ header: String) -> String? {
    if let ascii = asciiBearerToken(header) { return ascii }
    let text = trimmed(header)
    let scheme = "bearer ".utf8
    guard text.utf8.count > scheme.count,
      zip(text.utf8, scheme).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 })
    else { return nil }
    let token = trimmed(text.dropFirst(scheme.count))
    return token.isEmpty ? nil : String(token)
  }

  /// ``bearerToken(_:)`` on the bytes of a plain ASCII value without carriage returns (where every
  /// byte is one `Character`, so it decides exactly as the general path), or `nil` for any other
  /// value. Every API request asks for its token; the general path's `Character` steps cost 4,000
  /// instructions a request.
  static func asciiBearerToken(_ header: String) -> String?? {
    var header = header
    return header.withUTF8 { bytes -> String?? in
      guard bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else { return nil }
      let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
      var start = 0
      var end = bytes.count
      while start < end, isSpace(bytes[start]) { start += 1 }
      while end > start, isSpace(bytes[end - 1]) { end -= 1 }
      let literal: StaticString = "bearer "
      let scheme = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
      guard end - start > scheme.count else { return .some(nil) }
      for (offset, wanted) in scheme.enumerated() {
        let byte = bytes[start + offset]
        guard (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == wanted else { return .some(nil) }
      }
      start += scheme.count
      while start < end, isSpace(bytes[start]) { start += 1 }
      guard start < end else { return .some(nil) }
      return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }
  }
}
