import DXWire
import Foundation

/// Turns libmicrohttpd's header fields (C strings, one call per field) into ``DXHTTPHeaders``,
/// reusing the strings of the connection's previous request where the bytes are the same.
///
/// A keep-alive client sends the same fields request after request (`Host`, `Authorization`,
/// `Content-Type`, often `Content-Length`): compared byte for byte (`strlen` and `memcmp`), a field
/// that did not change costs no `String` built and no allocation, and when every field is the same
/// the previous request's ``DXHTTPHeaders`` value is handed back whole (``isPrevious``). The result
/// is always what converting each field afresh would give: a field whose bytes differ (or whose
/// bytes are not valid UTF-8, which the conversion repairs) is converted as before.
struct HTTPFieldCollector {
  private let previous: [DXHTTPHeaders.Field]
  private var fields: [DXHTTPHeaders.Field] = []
  /// How many leading fields equal `previous`'s so far (not copied while `diverged` is false).
  private var matched = 0
  private var diverged = false

  /// Starts collecting; `previous` are the fields of the connection's last request (or none).
  init(previous: [DXHTTPHeaders.Field]) {
    self.previous = previous
  }

  /// Adds the next field as libmicrohttpd reports it (`value` `nil` counts as empty).
  mutating func add(name: UnsafePointer<CChar>, value: UnsafePointer<CChar>?) {
    if !diverged {
      if matched < previous.count, Self.matches(previous[matched].name, name),
        Self.matches(previous[matched].value, value)
      {
        matched += 1
        return
      }
      diverged = true
      fields.reserveCapacity(max(8, matched + 4))
      fields.append(contentsOf: previous[..<matched])
    }
    let index = fields.count
    if index < previous.count, Self.matches(previous[index].name, name) {
      let earlier = previous[index]
      let text = Self.matches(earlier.value, value) ? earlier.value : Self.string(value)
      fields.append(DXHTTPHeaders.Field(name: earlier.name, value: text))
      return
    }
    fields.append(DXHTTPHeaders.Field(name: String(cString: name), value: Self.string(value)))
  }

  /// Whether the fields added are exactly `previous` (same count, every field the same bytes).
  var isPrevious: Bool { !diverged && matched == previous.count }

  /// The fields added, in order.
  func finish() -> [DXHTTPHeaders.Field] {
    diverged ? fields : Array(previous[..<matched])
  }

  /// Whether `string`'s UTF-8 bytes are exactly the NUL-terminated `cString` (`nil` matches `""`).
  static func matches(_ string: String, _ cString: UnsafePointer<CChar>?) -> Bool {
    guard let cString else { return string.isEmpty }
    let same = string.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
      guard strlen(cString) == bytes.count else { return false }
      guard let base = bytes.baseAddress else { return true }
      return memcmp(base, cString, bytes.count) == 0
    }
    return same ?? false
  }

  /// The text of a field value as the conversion makes it (`nil` is `""`).
  private static func string(_ cString: UnsafePointer<CChar>?) -> String {
    cString.map { String(cString: $0) } ?? ""
  }
}
