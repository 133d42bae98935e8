import Foundation

/// `recordedAt` as text: UTC, millisecond precision, e.g. `2026-11-27T09:41:12.345Z`, converted
/// exactly both ways (no floating-point formatting), so export → import → export is byte-identical.
enum DXCassetteTimestamp {
  private static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    return calendar
  }()

  /// The whole milliseconds since 1970 of `date`, rounded to the nearest.
  static func milliseconds(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded())
  }

  /// `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
  static func string(for date: Date) -> String {
    let total = milliseconds(date)
    let seconds = total >= 0 ? total / 1000 : (total - 999) / 1000
    let millis = Int(total - seconds * 1000)
    let parts = calendar.dateComponents(
      [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
    func pad(_ value: Int?, _ width: Int) -> String {
      let text = String(value ?? 0)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):"
      + "\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(millis, 3))Z"
  }

  /// The date of `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, or `nil`.
  static func date(from text: String) -> Date? {
    let characters = Array(text.utf8)
    guard characters.count == 20 || characters.count == 24, characters.last == UInt8(ascii: "Z") else {
      return nil
    }
    func number(_ start: Int, _ count: Int) -> Int? {
      guard start + count <= characters.count else { return nil }
      var value = 0
      for byte in characters[start..<(start + count)] {
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    let separators: [(Int, UInt8)] = [(4, 0x2D), (7, 0x2D), (10, 0x54), (13, 0x3A), (16, 0x3A)]
    guard separators.allSatisfy({ characters[$0.0] == $0.1 }) else { return nil }
    guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
      let minute = number(14, 2), let second = number(17, 2)
    else { return nil }
    var millis = 0
    if characters.count == 24 {
      guard characters[19] == 0x2E, let value = number(20, 3) else { return nil }
      millis = value
    }
    let components = DateComponents(
      calendar: calendar, timeZone: calendar.timeZone, year: year, month: month, day: day, hour: hour,
      minute: minute, second: second)
    guard components.isValidDate, let base = calendar.date(from: components) else { return nil }
    let seconds = Int64(base.timeIntervalSince1970.rounded())
    return Date(timeIntervalSince1970: Double(seconds * 1000 + Int64(millis)) / 1000)
  }
}
