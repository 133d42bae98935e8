import Foundation

/// Formatting helpers that reproduce Python's output, so messages and bodies match dxpy's byte for byte.
enum DXPythonFormat {
  /// Python's `repr(float)`/`str(float)`: the shortest text that round-trips, with `.0` for
  /// integral values (`1795764547.07`, `3.0`).
  static func float(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    return "\(value)"
  }

  /// Python's `%f`: six decimal places.
  static func fixed6(_ value: Double) -> String { String(format: "%.6f", value) }

  /// Python truthiness of a JSON value (see ``DXJSON/isPythonTruthy``).
  static func isTruthy(_ value: DXJSON) -> Bool { value.isPythonTruthy }

  /// Python's `json.dumps` (see ``DXJSON/pythonJSONString(indent:)``).
  static func jsonDumps(_ value: DXJSON, indent: Int? = nil) -> String {
    value.pythonJSONString(indent: indent)
  }

  /// Python's `time.ctime(t)` in local time: `"Fri Nov 27 07:29:05 2026"`.
  static func ctime(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    localtime_r(&seconds, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let day = days[Int(parts.tm_wday) % 7]
    let month = months[Int(parts.tm_mon) % 12]
    let dayOfMonth = String(parts.tm_mday)
    let paddedDay = dayOfMonth.count < 2 ? " " + dayOfMonth : dayOfMonth
    return "\(day) \(month) \(paddedDay) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) "
      + "\(parts.tm_year + 1900)"
  }

  private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
