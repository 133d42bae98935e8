import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Server — admin access, configuration and journal (in-process server)")
struct ServerAdminJournalTests {
  @Test func adminIsReachableFromLoopbackAndNotJournaled() async throws {
    try await withServer { server in
      let health = try await server.rawExchange(method: "GET", path: "/__admin/health", token: nil, body: "")
      #expect(health.status == 200)
      expectExactJSON(health)
      let faults = try await server.rawExchange(method: "GET", path: "/__admin/faults", token: nil, body: "")
      #expect(faults.status == 200)
      // An admin path is never a platform route, whatever the method or token.
      let unknown = try await server.rawExchange(path: "/__admin/system/whoami")
      #expect(unknown.status != 200)
      #expect(unknown.errorType != nil)
      #expect(server.journal().isEmpty)
    }
  }

  @Test func adminTokenIsRequiredWhenConfigured() async throws {
    try await withServer({ $0.adminToken = "admin-secret" }) { server in
      let missing = try await server.rawExchange(method: "GET", path: "/__admin/health", token: nil, body: "")
      #expect(missing.status == 401)
      #expect(missing.errorType == "InvalidAuthentication")
      let apiToken = try await server.rawExchange(method: "GET", path: "/__admin/health", body: "")
      #expect(apiToken.status == 401)
      let good = try await server.rawExchange(
        method: "GET", path: "/__admin/health", token: "admin-secret", body: "")
      #expect(good.status == 200)
      // The admin token is not an API token.
      let api = try await server.rawExchange(path: "/system/whoami", token: "admin-secret")
      #expect(api.status == 401)
    }
  }

  @Test func adminFaultsApplyThroughTheHTTPAPI() async throws {
    try await withServer { server in
      let added = try await server.rawExchange(
        path: "/__admin/faults", token: nil,
        body:
          #"{"match":{"method":"POST","path":"/system/who*"},"fault":{"type":"status","status":500},"times":1}"#
      )
      #expect(added.status == 201)
      let failed = try await server.rawExchange(path: "/system/whoami")
      #expect(failed.status == 500)
      #expect(failed.errorType == "InternalError")
      expectExactJSON(failed)
      let ok = try await server.rawExchange(path: "/system/whoami")
      #expect(ok.status == 200)
      let journal = try await server.rawExchange(
        method: "GET", path: "/__admin/requests", token: nil, body: "")
      let requests = journal.json?["requests"] as? [[String: Any]] ?? []
      #expect(requests.count == 2)
      let reset = try await server.rawExchange(path: "/__admin/reset", token: nil)
      #expect(reset.status == 200)
      #expect(server.journal().isEmpty)
    }
  }

  @Test func journalRecordsWhatWasSentWithTheTokenRedacted() async throws {
    try await withServer { server in
      let response = try await server.rawExchange(
        path: "/system/whoami", body: #"{"fields":{"clientIp":true}}"#)
      let entries = server.journal()
      #expect(entries.count == 1)
      let entry = try #require(entries.first)
      #expect(entry.method == "POST")
      #expect(entry.path == "/system/whoami")
      #expect(entry.status == 200)
      #expect(entry.outcome == "response")
      #expect(entry.fault == nil)
      #expect(entry.declaredBytes == response.body.count)
      #expect(entry.sentBytes == response.body.count)
      #expect(entry.requestID == response.header("X-Request-ID"))
      #expect(entry.bodyJSON == ["fields": ["clientIp": true]])
      #expect(!entry.isPending)
      let authorization = entry.headers["Authorization"] ?? ""
      #expect(!authorization.contains(serverToken))
      #expect(!authorization.isEmpty)
      server.clearJournal()
      #expect(server.journal().isEmpty)
    }
  }

  @Test func journalIsBounded() async throws {
    try await withServer({ $0.journalSize = 3 }) { server in
      for index in 0..<5 {
        _ = try await server.rawExchange(path: "/system/whoami", headers: [("X-Index", "\(index)")])
      }
      let entries = server.journal()
      #expect(entries.count == 3)
      #expect(entries.map { $0.headers["X-Index"] } == ["2", "3", "4"])
    }
  }

  @Test func resetRestoresStartupFaults() async throws {
    let rule = try DXFaultRule(spec: "POST /system/whoami status=503 times=1")
    try await withServer({ $0.faults = [rule] }) { server in
      #expect(try await server.rawExchange(path: "/system/whoami").status == 503)
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
      try server.reset()
      #expect(server.journal().isEmpty)
      #expect(try await server.rawExchange(path: "/system/whoami").status == 503)
      server.clearFaults()
      let id = server.addFault(try DXFaultRule(spec: "POST /system/whoami status=429"))
      #expect(try await server.rawExchange(path: "/system/whoami").status == 429)
      #expect(server.removeFault(id: id))
      #expect(!server.removeFault(id: id))
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
    }
  }

  @Test func invalidConfigurationsAreTypedErrors() throws {
    var configuration = DXMockServer.Configuration()
    configuration.port = 70000
    #expect(throws: DXMockServerError.self) { try DXMockServer(configuration: configuration) }
    configuration = DXMockServer.Configuration()
    configuration.host = "not-an-address"
    let server = try DXMockServer(configuration: configuration)
    #expect(throws: DXMockServerError.self) { try server.start() }
    configuration = DXMockServer.Configuration()
    configuration.tokens = ["has space"]
    #expect(throws: DXMockServerError.self) { try DXMockServer(configuration: configuration) }
  }

  @Test func aBusyPortIsAClearError() async throws {
    try await withServer { server in
      var configuration = DXMockServer.Configuration()
      configuration.port = server.port
      let second = try DXMockServer(configuration: configuration)
      #expect(throws: DXMockServerError.self) { try second.start() }
      await second.stop()
    }
  }

  @Test func portFileIsWrittenOnceListening() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "server-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("port").path
    try await withServer({ $0.portFile = file }) { server in
      let text = try String(contentsOfFile: file, encoding: .utf8)
      #expect(text == "\(server.port)\n")
    }
  }

  @Test func bannerHasTheExportLines() async throws {
    try await withServer { server in
      let banner = server.banner
      #expect(banner.contains("DX_APISERVER_PORT=\(server.port)"))
      #expect(banner.contains("DX_APISERVER_HOST=127.0.0.1"))
      #expect(banner.contains("DX_APISERVER_PROTOCOL=http"))
      #expect(
        banner.contains(#"DX_SECURITY_CONTEXT='{"auth_token_type":"Bearer","auth_token":"\#(serverToken)"}'"#)
      )
    }
  }
}
