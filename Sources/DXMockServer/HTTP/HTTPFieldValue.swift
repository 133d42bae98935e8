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
    let text = trimmed(value)
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int(text)
  }

  /// The credentials of an `Authorization: Bearer <token>` value (the scheme in any case), or `nil`.
  static func bearerToken(_ header: String) -> String? {
    let text = trimmed(header)
    let scheme = "bearer ".utf8
    guard text.utf8.count > scheme.count,
      zip(text.utf8, scheme).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 })
    else { return nil }
    let token = trimmed(text.dropFirst(scheme.count))
    return token.isEmpty ? nil : String(token)
  }
}
