import DXWire

/// Header-name comparisons on the path of every request.
///
/// A name a client sends is ASCII: it is compared with a lower-case ASCII name by its length and ASCII
/// case folding, in one pass and without allocating. A name with any other byte takes the general
/// comparison (`DXHTTPHeaders.namesMatch`, which decides as `lowercased()` does), so the answer is the
/// same for every name.
enum HTTPFieldName {
  /// Whether `name` equals the lower-case ASCII `lowercased` without regard to case.
  static func matches(_ name: String, _ lowercased: StaticString) -> Bool {
    // A name of fewer bytes never matches (a length the string keeps, read without a pass): lowercasing
    // and canonical equivalence turn each character into one or more, never none, and a character
    // that becomes an ASCII one takes at least its byte. Most fields of a request are shorter than
    // the one looked for.
    if name.utf8.count < lowercased.utf8CodeUnitCount { return false }
    if case let decided?? = name.utf8.withContiguousStorageIfAvailable({ foldedEqual($0, lowercased) }) {
      return decided
    }
    return DXHTTPHeaders.namesMatch(name, lowercased.description)
  }

  /// Whether `bytes` equal the lower-case ASCII `lower` after ASCII case folding: `true` or `false`
  /// when `bytes` are ASCII, `nil` when they are not (the general comparison decides).
  static func foldedEqual(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool? {
    guard bytes.count == lower.utf8CodeUnitCount else {
      return bytes.allSatisfy { $0 < 0x80 } ? false : nil
    }
    let expected = UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount)
    var equal = true
    for (byte, wanted) in zip(bytes, expected) {
      if byte >= 0x80 { return nil }
      if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != wanted { equal = false }
    }
    return equal
  }

  /// The response header fields the server sets itself (or libmicrohttpd does): a response's own
  /// fields with these names are dropped.
  static func isServerControlled(_ name: String) -> Bool {
    // An ASCII name can only be the one of its length: one comparison instead of five.
    let decided = name.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
      switch bytes.count {
      case 4: return foldedEqual(bytes, "date")
      case 12: return foldedEqual(bytes, "x-request-id")
      case 14: return foldedEqual(bytes, "content-length")
      case 17: return foldedEqual(bytes, "transfer-encoding")
      case 22: return foldedEqual(bytes, "x-content-type-options")
      default: return bytes.allSatisfy { $0 < 0x80 } ? false : nil
      }
    }
    if case let decided?? = decided { return decided }
    return matches(name, "content-length") || matches(name, "transfer-encoding")
      || matches(name, "x-request-id")
      || matches(name, "x-content-type-options") || matches(name, "date")
  }
}

extension DXHTTPHeaders {
  /// The first value of the field named `lowercased` (a lower-case ASCII name), compared as
  /// ``HTTPFieldName/matches(_:_:)`` does: the same answer as the subscript, without its general
  /// comparison for every field. The fields are read in place (`first(where:)` copied each field it
  /// passed, a retain and a release of its name and value).
  func first(_ lowercased: StaticString) -> String? {
    fields.withUnsafeBufferPointer { fields in
      for index in fields.indices where HTTPFieldName.matches(fields[index].name, lowercased) {
        return fields[index].value
      }
      return nil
    }
  }
}
