import DXCore
import DXWire
import Foundation

@testable import DXCassette

/// Per-test temporary files and request/response builders for the Cassette… suites.
enum CassetteTestSupport {
  /// A fresh directory for one test.
  static func temporaryDirectory() -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxcassette-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  /// A fresh cassette path (the file does not exist yet).
  static func cassettePath(_ name: String = "test.dxcassette") -> String {
    temporaryDirectory().appendingPathComponent(name).path
  }

  static let base = "http://127.0.0.1:9/"

  /// A JSON POST to `path` with `body` text.
  static func post(_ path: String, _ body: String = "{}", token: String? = nil) -> DXTransportRequest {
    var headers: DXHTTPHeaders = ["Content-Type": "application/json"]
    if let token { headers["Authorization"] = "Bearer \(token)" }
    return DXTransportRequest(
      method: "POST", url: "http://127.0.0.1:9\(path)", headers: headers, body: Data(body.utf8))
  }

  /// A 200 JSON response.
  static func ok(_ body: String) -> DXTransportResponse {
    DXTransportResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
  }

  /// A transport that answers each request with `respond` and counts calls.
  final class CountingTransport: DXTransport {
    private let calls = DXLock(0)
    private let respond: @Sendable (DXTransportRequest, Int) throws -> DXTransportResponse

    init(_ respond: @escaping @Sendable (DXTransportRequest, Int) throws -> DXTransportResponse) {
      self.respond = respond
    }

    var count: Int { calls.withLock { $0 } }

    func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
      let number = calls.withLock {
        $0 += 1
        return $0
      }
      return try respond(request, number)
    }
  }

  /// A transport echoing a counter: `{"n": <call number>, "path": …}`.
  static func echo() -> CountingTransport {
    CountingTransport { request, number in
      ok(#"{"n":\#(number),"path":"\#(DXCassetteURL.path(of: request.url))"}"#)
    }
  }

  /// `base` wrapped in a recorder.
  static func recording(
    _ cassette: DXCassette, mode: DXCassetteRecordMode, base: any DXTransport, repeats: Bool = false
  ) throws -> DXMiddlewareTransport {
    DXMiddlewareTransport(
      base: base,
      middleware: [try DXRecordingMiddleware(cassette: cassette, mode: mode, allowPlaybackRepeats: repeats)])
  }

  /// The body text of a response.
  static func text(_ response: DXTransportResponse) -> String {
    String(decoding: response.body, as: UTF8.self)
  }
}
