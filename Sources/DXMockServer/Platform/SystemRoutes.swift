import DXWire
import Foundation

/// The server-level `/system/…` routes: `whoami`, `greet`, `headers` and `comeBackLater`.
///
/// - `/system/whoami` → `{"id": "<caller>"}`, plus `"clientIp"` when the input has
///   `{"fields": {"clientIp": true}}`.
/// - `/system/greet` → `{"messages": [], "update": {"available": false}}` (dxpy reads `messages`).
/// - `/system/headers` → the request's headers as an object with lower-case keys (repeated fields
///   joined with `", "`).
/// - `/system/comeBackLater` → 503 `ServiceUnavailable` with `Retry-After` until a moment passes, then
///   `{}`. With `{"waitUntil": <ms since 1970>}` the moment is that time, and `Retry-After` is the whole
///   seconds left (1…60); `"setRetryAfter": false` leaves the header out. Without `waitUntil`, the first
///   call starts a server-wide window of ``defaultWindowMs`` and calls answer 503 (`Retry-After: 1`) until
///   it ends; the first call after it succeeds and closes the window.
final class SystemRoutes: Sendable {
  /// The length of the `comeBackLater` window when the input gives no `waitUntil`: 2 seconds.
  static let defaultWindowMs = 2000

  private let now: @Sendable () -> Int
  private let window = DXLock<Int?>(nil)

  /// Creates the routes.
  /// - Parameter now: The clock in milliseconds since 1970 (the system clock by default).
  init(now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970 * 1000) }) {
    self.now = now
  }

  /// Adds the routes to `router`.
  func register(into router: inout PlatformRouter) {
    router.register("/system/whoami") { call throws(DXPlatformError) in
      try Self.whoami(call)
    }
    router.register("/system/greet") { _ throws(DXPlatformError) in
      ["messages": [], "update": ["available": false]]
    }
    router.register("/system/headers") { call throws(DXPlatformError) in
      Self.headers(call)
    }
    router.register("/system/comeBackLater") { [self] call throws(DXPlatformError) in
      try comeBackLater(call)
    }
  }

  /// Ends any open `comeBackLater` window (server reset).
  func reset() { window.withLock { $0 = nil } }

  // MARK: - Handlers

  private static func whoami(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    var result: [String: DXJSON] = ["id": .string(call.caller)]
    if let fields = call.input["fields"], !fields.isNull {
      guard let object = fields.objectValue else {
        throw .invalidInput("fields must be an object such as {\"clientIp\": true}, got \(fields.typeName)")
      }
      if let clientIp = object["clientIp"] {
        guard let wanted = clientIp.boolValue else {
          throw .invalidInput("fields.clientIp must be a boolean, got \(clientIp.typeName)")
        }
        if wanted { result["clientIp"] = .string(call.request.remoteAddress) }
      }
    }
    return .object(result)
  }

  private static func headers(_ call: APICall) -> DXJSON {
    var result: [String: DXJSON] = [:]
    for field in call.request.headers.fields {
      let key = field.name.lowercased()
      if case .string(let earlier)? = result[key] {
        result[key] = .string(earlier + ", " + field.value)
      } else {
        result[key] = .string(field.value)
      }
    }
    return .object(result)
  }

  private func comeBackLater(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let current = now()
    var setRetryAfter = true
    if let flag = call.input["setRetryAfter"], !flag.isNull {
      guard let value = flag.boolValue else {
        throw .invalidInput("setRetryAfter must be a boolean, got \(flag.typeName)")
      }
      setRetryAfter = value
    }
    if let waitUntil = call.input["waitUntil"], !waitUntil.isNull {
      guard let deadline = waitUntil.intValue else {
        throw .invalidInput(
          "waitUntil must be an integer (milliseconds since 1970), got \(waitUntil.typeName)")
      }
      guard (0...PlatformLimits.maxTimestamp).contains(deadline) else {
        throw .invalidInput(
          "waitUntil must be an integer from 0 to \(PlatformLimits.maxTimestamp) (ms since 1970), got \(deadline)"
        )
      }
      guard current < deadline else { return [:] }
      let seconds = min(60, max(1, (deadline - current + 999) / 1000))
      throw Self.comeBackLaterError(retryAfter: setRetryAfter ? seconds : nil)
    }
    let open = window.withLock { deadline -> Bool in
      guard let end = deadline else {
        deadline = current + Self.defaultWindowMs
        return true
      }
      if current < end { return true }
      deadline = nil
      return false
    }
    guard open else { return [:] }
    throw Self.comeBackLaterError(retryAfter: setRetryAfter ? 1 : nil)
  }

  private static func comeBackLaterError(retryAfter: Int?) -> DXPlatformError {
    DXPlatformError(
      type: "ServiceUnavailable",
      message: "Some resource was temporarily unavailable; please try again later",
      status: 503, retryAfter: retryAfter.map { String($0) })
  }
}
