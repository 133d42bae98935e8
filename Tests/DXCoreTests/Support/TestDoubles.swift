import DXCore
import DXKitTesting
import DXWire
import Foundation

/// A transport that answers from a script of outcomes and records every request.
final class ScriptedTransport: DXTransport {
  enum Step: Sendable {
    case respond(DXTransportResponse)
    case fail(DXTransportError)
  }

  private let state: DXLock<(steps: [Step], requests: [DXTransportRequest])>
  private let fallback: Step

  init(_ steps: [Step], then fallback: Step = .respond(.json(["ok": true]))) {
    state = DXLock((steps, []))
    self.fallback = fallback
  }

  func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    let step = state.withLock { value -> Step in
      value.requests.append(request)
      return value.steps.isEmpty ? fallback : value.steps.removeFirst()
    }
    switch step {
    case .respond(let response): return response
    case .fail(let error): throw error
    }
  }

  var requests: [DXTransportRequest] { state.withLock { $0.requests } }
}

extension DXTransportResponse {
  /// A JSON reply with an exact Content-Length.
  static func json(_ value: DXJSON, status: Int = 200, headers extra: [(String, String)] = []) -> Self {
    let body = value.serializedData()
    var headers = DXHTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.count)")])
    for (name, value) in extra { headers.add(name: name, value: value) }
    return DXTransportResponse(status: status, headers: headers, body: body)
  }

  /// A platform error reply.
  static func platformError(
    _ type: String, _ message: String = "boom", status: Int, headers extra: [(String, String)] = []
  ) -> Self {
    .json(["error": ["type": .string(type), "message": .string(message)]], status: status, headers: extra)
  }

  /// A text reply.
  static func text(_ text: String, status: Int, contentType: String = "text/plain") -> Self {
    let body = Data(text.utf8)
    return DXTransportResponse(
      status: status,
      headers: DXHTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.count)")]), body: body
    )
  }
}

/// The test clocks' start: the request times in the expected log lines and error messages.
let testClockStart = Date(timeIntervalSince1970: 1_795_764_543.25)

/// A platform configuration pointing at `url` with token `token`.
func testPlatform(url: String = "http://127.0.0.1:9", token: String? = "tok") -> DXConfiguration {
  var platform = DXConfiguration()
  let parts = url.split(separator: ":")
  let scheme = String(parts[0])
  let host = String(parts[1].dropFirst(2))
  let port = parts.count > 2 ? String(parts[2]) : nil
  platform.setAPIServerInfo(host: host, port: port, protocol: scheme)
  if let token { platform.setSecurityContext(DXSecurityContext(token: token)) }
  return platform
}

/// A client over `transport` with a test clock and lowest-picking randomness.
func testClient(
  _ transport: any DXTransport, platform: DXConfiguration = testPlatform(),
  clock: DXTestClock = DXTestClock(start: testClockStart),
  random: DXTestRandomSource = DXTestRandomSource(.lowest), configuration: DXClient.Configuration = .default
) -> DXClient {
  DXClient(
    platform: platform, configuration: configuration, transport: transport, clock: clock, random: random)
}
