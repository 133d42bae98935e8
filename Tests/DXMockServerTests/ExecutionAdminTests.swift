import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Admin API: execution rules and jobs by hand")
struct ExecutionAdminTests {
  @Test func rulesJobsAndReset() async throws {
    let startup = try DXExecutionRule(json: ["id": "startup", "match": ["name": "never*"]])
    try await withServer({ configuration in
      configuration.jobDuration = 100_000
      configuration.executionRules = [startup]
    }) { server in
      func admin(_ method: String, _ path: String, _ body: String = "") async throws -> RawHTTPClient.Response
      {
        try await server.rawExchange(method: method, path: "/__admin" + path, token: nil, body: body)
      }
      func api(_ path: String, _ body: DXJSON) async throws -> DXJSON {
        let response = try await server.rawExchange(path: path, body: body.serializedString(sortedKeys: true))
        return try DXJSON(parsing: Data(response.body))
      }
      // Rules: list, add one (201 with Location), add several, show, remove, clear.
      var response = try await admin("GET", "/executions")
      #expect(response.status == 200)
      #expect(response.bodyText.contains("\"startup\""))
      response = try await admin(
        "POST", "/executions", #"{"match": {"name": "tool"}, "outcome": "failed", "times": 1}"#)
      #expect(response.status == 201)
      #expect(response.header("Location") == "/__admin/executions/exec-1")
      response = try await admin(
        "POST", "/executions", #"{"rules": [{"id": "a"}, {"id": "b", "outcome": "running"}]}"#)
      #expect(response.status == 201)
      #expect((response.json?["rules"] as? [Any])?.count == 2)
      #expect(try await admin("GET", "/executions/b").json?["outcome"] as? String == "running")
      #expect(try await admin("DELETE", "/executions/b").status == 200)
      #expect(try await admin("GET", "/executions/b").status == 404)
      #expect(try await admin("DELETE", "/executions/b").status == 404)
      // Bad requests.
      #expect(try await admin("POST", "/executions", "{").status == 400)
      #expect(try await admin("POST", "/executions", "").status == 422)
      #expect(try await admin("POST", "/executions", #"{"outcome": "sideways"}"#).errorType == "InvalidInput")
      let wrongMethod = try await admin("PUT", "/executions")
      #expect(wrongMethod.status == 405)
      #expect(wrongMethod.header("Allow") == "GET, POST, DELETE")
      #expect(try await admin("GET", "/jobs/job-000000000000000000000000").status == 404)
      #expect(try await admin("GET", "/jobs/x/y/z").status == 404)
      // The rule applies to the first run only.
      let project = try await api("/project/new", ["name": "p"])["id"]?.stringValue ?? ""
      let applet =
        try await api(
          "/applet/new",
          [
            "project": .string(project), "name": "tool", "dxapi": "1.0.0",
            "runSpec": ["interpreter": "bash", "code": "x"],
          ])[
          "id"]?.stringValue ?? ""
      let failing =
        try await api("/\(applet)/run", ["project": .string(project), "input": [:]])["id"]?.stringValue ?? ""
      let held =
        try await api("/\(applet)/run", ["project": .string(project), "input": [:]])["id"]?.stringValue ?? ""
      let shown = try await admin("GET", "/jobs/\(failing)")
      #expect(shown.json?["plan"].flatMap { ($0 as? [String: Any])?["rule"] as? String } == "exec-1")
      #expect((shown.json?["token"] as? String)?.hasPrefix("token-") == true)
      let counters = try await admin("GET", "/executions/exec-1").json
      #expect(
        counters?["matched"] as? Int == 2 && counters?["applied"] as? Int == 1
          && counters?["remaining"] as? Int == 0)
      // Jobs by hand.
      response = try await admin("POST", "/jobs/\(held)/state", #"{"state": "done", "output": {"x": 1}}"#)
      #expect(response.status == 200)
      #expect(response.json?["state"] as? String == "done")
      #expect(
        try await admin("POST", "/jobs/\(held)/state", #"{"state": "running"}"#).errorType == "InvalidState")
      #expect(try await admin("GET", "/jobs/\(held)/state").status == 405)
      #expect(try await admin("DELETE", "/executions").json?["removed"] as? Int == 3)
      // Reset: executions gone, start-up rules back.
      #expect(try await admin("POST", "/reset").status == 200)
      #expect(try await admin("GET", "/jobs/\(held)").status == 404)
      let rules = try await admin("GET", "/executions").json?["rules"] as? [[String: Any]]
      #expect(rules?.map { $0["id"] as? String } == ["startup"])
    }
  }
}
