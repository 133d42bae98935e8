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

  @Test func noDocumentedRouteIsMissing() async throws {
    let routes = try Self.documentedRoutes()
    #expect(routes.count == 208)
    try await withServer { server in
      var missing: [String] = []
      for route in routes {
        let response = try await server.rawExchange(path: Self.path(for: route), body: "{}")
        let message = (response.json?["error"] as? [String: Any])?["message"] as? String ?? ""
        if message.contains("does not exist") { missing.append(route) }
        // Whatever the route makes of an empty input: the platform's error body or a result, never
        // a crash.
        #expect(response.status < 500, "\(route): \(response.status) \(response.bodyText)")
        #expect(response.json != nil, "\(route): \(response.bodyText)")
      }
      #expect(missing.isEmpty, "routes that do not exist: \(missing)")
      // An unknown route still says so.
      let unknown = try await server.rawExchange(path: "/record-\(String(repeating: "0", count: 24))/explode")
      #expect(unknown.status == 404)
      #expect(
        ((unknown.json?["error"] as? [String: Any])?["message"] as? String)?.contains("does not exist")
          == true)
    }
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
  }
}
