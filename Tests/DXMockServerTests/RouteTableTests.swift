import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Every documented route answers")
struct RouteTableTests {
  /// The documented routes of dxpy's wrapper table (`scripts/dxpy-api-routes.tsv`, column 3).
  static func documentedRoutes() throws -> [String] {
    let table = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/dxpy-api-routes.tsv")
    let text = try String(contentsOf: table, encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
      return columns.count > 2 ? String(columns[2]) : nil
    }
  }

  /// A concrete path for a documented route: `xxxx` becomes an ID of the right form.
  static func path(for route: String) -> String {
    route.replacingOccurrences(of: "-xxxx/", with: "-" + String(repeating: "0", count: 24) + "/")
  }

  /// Through the server's own router and API front door (in process: 208 requests over sockets would
  /// load a parallel test run for nothing).
  @Test func noDocumentedRouteIsMissing() throws {
    let routes = try Self.documentedRoutes()
    #expect(routes.count == 208)
    let h = try PlatformHarness()
    let api = APIPipeline(
      router: DXMockServer.router(platform: h.platform, systemRoutes: SystemRoutes()),
      authenticate: { h.platform.userID(forToken: $0) })
    func post(_ path: String) -> (Int, DXJSON?) {
      let response = api.respond(
        to: DXMockRequest(
          method: "POST", path: path, headers: ["Authorization": "Bearer token-alice"], body: Data("{}".utf8))
      )
      return (response.status, try? DXJSON(parsing: response.body))
    }
    var missing: [String] = []
    for route in routes {
      let (status, body) = post(Self.path(for: route))
      let message = body?["error"]?["message"]?.stringValue ?? ""
      // Neither a missing route nor a placeholder answer.
      if message.contains("does not exist") || message.contains("not served") { missing.append(route) }
      // Whatever the route makes of an empty input: the platform's error body or a result, never a
      // crash.
      #expect(status < 500, "\(route): \(status) \(String(describing: body))")
      #expect(body?.objectValue != nil, "\(route)")
    }
    #expect(missing.isEmpty, "routes that do not exist: \(missing)")
    // An unknown route still says so.
    let (status, body) = post("/record-\(String(repeating: "0", count: 24))/explode")
    #expect(status == 404)
    #expect(body?["error"]?["message"]?.stringValue?.contains("does not exist") == true)
  }

  @Test func requestIDsHaveThePlatformsForm() async throws {
    try await withServer { server in
      var seen: Set<String> = []
      for _ in 0..<3 {
        let response = try await server.rawExchange(path: "/system/whoami")
        let id = response.header("X-Request-ID") ?? ""
        // <13-digit epoch ms>-<1 to 6 digits>, as dx prints and parses it.
        #expect(id.range(of: #"^[0-9]{13}-[0-9]{1,6}$"#, options: .regularExpression) != nil, "\(id)")
        seen.insert(id)
      }
      #expect(seen.count == 3)
    }
    #expect(
      RequestPipeline.requestID(epochMilliseconds: 1_700_000_000_123, sequence: 999_999)
        == "1700000000123-999999")
    // The digits are written without interpolation; they read back as interpolation writes them.
    for (time, sequence) in [(0, UInt64(0)), (7, 10), (1_000_000_000_000, 100_000), (Int.max, .max), (-5, 3)]
    {
      #expect(
        RequestPipeline.requestID(epochMilliseconds: time, sequence: sequence) == "\(time)-\(sequence)",
        "\(time) \(sequence)")
    }
  }
}
