import Foundation

extension DXCassetteTimestamp {
  /// The date of an ISO 8601 time as other tools write it — `2026-12-03T17:55:24Z`,
  /// `2026-12-03T17:55:24.123456+01:00`, `…-0500` — rounded to the millisecond (what a cassette
  /// keeps), or `nil`.
  static func date(fromISO8601 text: String) -> Date? {
    let characters = Array(text.utf8)
    guard characters.count >= 20 else { return nil }
    var index = 19
    var fraction = 0.0
    if characters[index] == UInt8(ascii: ".") {
      index += 1
      var scale = 0.1
      while index < characters.count, characters[index] >= 0x30, characters[index] <= 0x39 {
        fraction += Double(characters[index] - 0x30) * scale
        scale /= 10
        index += 1
      }
    }
    guard index < characters.count else { return nil }
    var offsetSeconds = 0
    switch characters[index] {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
      guard index + 1 == characters.count else { return nil }
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      let digits = characters[(index + 1)...].filter { $0 != UInt8(ascii: ":") }
      guard digits.count == 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      let value = digits.map { Int($0 - 0x30) }
      offsetSeconds = ((value[0] * 10 + value[1]) * 60 + value[2] * 10 + value[3]) * 60
      if characters[index] == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
    default:
      return nil
    }
    var head = Array(characters[0..<19])
    if head[10] == UInt8(ascii: " ") { head[10] = UInt8(ascii: "T") }
    guard let base = date(from: String(decoding: head, as: UTF8.self) + "Z") else { return nil }
    let millis =
      (base.timeIntervalSince1970 * 1000).rounded() + (fraction * 1000).rounded()
      - Double(offsetSeconds) * 1000
    return Date(timeIntervalSince1970: millis / 1000)
  }
}
