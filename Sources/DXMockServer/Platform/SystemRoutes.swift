import DXWire
import Foundation

/// The server-level `/system/…` routes: `whoami`, `greet`, `headers` and `comeBackLater`.
///
/// - `/system/whoami` → `{"id": "<caller>"}`, plus `"clientIp"` when the input has
///   `{"fields": {"clientIp": true}}`.
/// - `/system/greet` (no token needed) → `{"messages": [], "update": {"available": false}}` (dxpy
///   reads `messages`).
/// - `/system/headers` → the request's headers as an object with lower-case keys (repeated fields
///   joined with `", "`).
/// - `/system/comeBackLater` → `{"currentTime": <ms>}` at once without `waitUntil`, as the platform
///   answers; with `{"waitUntil": <ms since 1970>}`, 503 `ServiceUnavailable` with `Retry-After` (the
///   whole seconds left, 1…60) until then, and `"setRetryAfter": false` leaves the header out.
final class SystemRoutes: Sendable {
  private let now: @Sendable () -> Int
  /// The answer to `{}` for the last caller (see ``WhoamiAnswerCache``).
  private let whoamiAnswers = WhoamiAnswerCache()

  /// Creates the routes.
  /// - Parameter now: The clock in milliseconds since 1970 (the system clock by default).
  init(now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970 * 1000) }) {
    self.now = now
  }

  /// Adds the routes to `router`.
  func register(into router: inout PlatformRouter) {
    router.register("/system/whoami", encoded: whoamiEncoded) { call throws(DXPlatformError) in
      try Self.whoami(call)
    }
    router.register("/system/greet", isPublic: true) { call throws(DXPlatformError) in
      _ = try PlatformInput(call.input)
      return ["messages": [], "update": ["available": false]]
    }
    router.register("/system/headers") { call throws(DXPlatformError) in
      Self.headers(call)
    }
    router.register("/system/comeBackLater") { [self] call throws(DXPlatformError) in
      try comeBackLater(call)
    }
  }

  /// Nothing to restore: the routes keep no state (kept for the server's reset).
  func reset() {}

  // MARK: - Handlers

  /// `whoami`'s answer as JSON text: for `{}` (what clients send) the caller's cached bytes, for any
  /// other input the general handler's result serialized.
  var whoamiEncoded: PlatformRouter.EncodedHandler {
    { [whoamiAnswers] call throws(DXPlatformError) in
      if call.input == [:] { return whoamiAnswers.body(for: call.caller) }
      return try Self.whoami(call).serializedData()
    }
  }

  static func whoami(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    var result: [String: DXJSON] = ["id": .string(call.caller)]
    // `{}` (what clients send) has no fields to look up.
    if call.input != [:], let fields = call.input["fields"], !fields.isNull {
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
      if current < deadline {
        let seconds = min(60, max(1, (deadline - current + 999) / 1000))
        throw Self.comeBackLaterError(retryAfter: setRetryAfter ? seconds : nil)
      }
    }
    return ["currentTime": .integer(current)]
  }

  private static func comeBackLaterError(retryAfter: Int?) -> DXPlatformError {
    DXPlatformError(
      type: "ServiceUnavailable",
      message: "Some resource was temporarily unavailable; please try again later",
      status: 503, retryAfter: retryAfter.map { String($0) })
  }
}
