import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// A clock that reads 1,000 ms first and 2,500 ms later on every further read.
private final class AdminTestClock: Sendable {
  private let reads = DXLock(0)

  func read() -> Int64 {
    reads.withLock {
      $0 += 1
      return $0 == 1 ? 1_000 : 3_500
    }
  }
}

/// Counts platform resets and can be told to fail them.
private final class AdminTestPlatform: Sendable {
  private let state = DXLock((resets: 0, failing: false))

  var resetCount: Int { state.withLock { $0.resets } }

  func fail(_ value: Bool) { state.withLock { $0.failing = value } }

  func reset() throws {
    let failing = state.withLock { state -> Bool in
      state.resets += 1
      return state.failing
    }
    if failing { throw DXPlatformError.internalError("disk on fire") }
  }
}

@Suite("Admin API handlers")
struct AdminAPITests {
  private struct Fixture {
    let api: AdminAPI
    let engine: FaultEngine
    let journal: RequestJournal
    let platform: AdminTestPlatform

    init(initialRules: [DXFaultRule] = []) {
      engine = FaultEngine(seed: 1, initialRules: initialRules)
      journal = RequestJournal(capacity: 50, secrets: ["admin-test-token"], clock: { 1_000 })
      let platform = AdminTestPlatform()
      self.platform = platform
      let clock = AdminTestClock()
      api = AdminAPI(
        faults: engine, journal: journal, clock: { clock.read() }, resetPlatform: { try platform.reset() })
    }

    func call(
      _ method: String, _ path: String, body: String = "", contentType: String = "application/json",
      query: [(name: String, value: String)] = []
    ) throws -> (status: Int, json: DXJSON, response: DXMockResponse) {
      let response = api.handle(
        DXMockRequest(
          method: method, path: path, query: query, headers: ["Content-Type": contentType],
          body: Data(body.utf8)))
      #expect(response.headers["Content-Type"] == "application/json")
      return (response.status, try DXJSON(parsing: response.body), response)
    }
  }

  private func errorType(_ json: DXJSON) -> String? { json["error"]?["type"]?.stringValue }

  @Test("admin paths are recognised")
  func paths() {
    #expect(AdminAPI.isAdminPath("/__admin"))
    #expect(AdminAPI.isAdminPath("/__admin/faults"))
    #expect(AdminAPI.isAdminPath("/__admin/"))
    #expect(!AdminAPI.isAdminPath("/__adminx"))
    #expect(!AdminAPI.isAdminPath("/system/__admin"))
  }

  @Test("POST adds a rule (201, with its id), GET lists it with counters, DELETE removes it")
  func faultLifecycle() throws {
    let fixture = Fixture()
    let added = try fixture.call(
      "POST", "/__admin/faults",
      body:
        #"{"match":{"method":"POST","path":"/system/whoami"},"fault":{"type":"status","status":503,"retryAfter":2},"times":2}"#
    )
    #expect(added.status == 201)
    #expect(added.json["id"] == "fault-1")
    #expect(added.json["times"] == 2)
    #expect(added.json["remaining"] == 2)
    #expect(added.response.headers["Location"] == "/__admin/faults/fault-1")
    #expect(
      fixture.engine.decide(method: "POST", path: "/system/whoami").fault == .status(503, retryAfter: 2))
    let listed = try fixture.call("GET", "/__admin/faults")
    #expect(listed.status == 200)
    let rules = try #require(listed.json["faults"]?.arrayValue)
    #expect(rules.count == 1)
    #expect(rules[0]["matched"] == 1)
    #expect(rules[0]["applied"] == 1)
    #expect(rules[0]["remaining"] == 1)
    #expect(rules[0]["fault"] == ["type": "status", "status": 503, "retryAfter": 2])
    let one = try fixture.call("GET", "/__admin/faults/fault-1")
    #expect(one.json["id"] == "fault-1")
    let removed = try fixture.call("DELETE", "/__admin/faults/fault-1")
    #expect(removed.status == 200)
    #expect(removed.json["removed"] == 1)
    let again = try fixture.call("DELETE", "/__admin/faults/fault-1")
    #expect(again.status == 404)
    #expect(errorType(again.json) == "ResourceNotFound")
    #expect(try fixture.call("GET", "/__admin/faults/nope").status == 404)
  }

  @Test("POST accepts lists, spec strings and text/plain spec lines")
  func bulkForms() throws {
    let fixture = Fixture()
    let list = try fixture.call(
      "POST", "/__admin/faults", body: #"[{"fault":{"type":"reset"}},"GET /x empty"]"#)
    #expect(list.status == 201)
    #expect(list.json["faults"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["fault-1", "fault-2"])
    let wrapped = try fixture.call(
      "POST", "/__admin/faults", body: #"{"faults":[{"fault":{"type":"empty"}}]}"#)
    #expect(wrapped.json["faults"]?.arrayValue?.count == 1)
    let spec = try fixture.call("POST", "/__admin/faults", body: #"{"spec":"POST /y status=500 times=1"}"#)
    #expect(spec.status == 201)
    #expect(spec.json["fault"]?["status"] == 500)
    let string = try fixture.call("POST", "/__admin/faults", body: #""/z delay=5""#)
    #expect(string.json["fault"] == ["type": "delay", "ms": 5])
    let text = try fixture.call(
      "POST", "/__admin/faults", body: "# comment\nPOST /a reset\n\n/b truncate=3\n",
      contentType: "text/plain")
    #expect(text.status == 201)
    #expect(text.json["faults"]?.arrayValue?.count == 2)
    #expect(fixture.engine.count == 7)
  }

  @Test("a bad list adds nothing")
  func atomicAdd() throws {
    let fixture = Fixture()
    let bad = try fixture.call("POST", "/__admin/faults", body: #"[{"fault":{"type":"reset"}},{"fault":{}}]"#)
    #expect(bad.status == 400)
    #expect(bad.json["error"]?["message"]?.stringValue?.contains("faults[1].fault.type is required") == true)
    #expect(fixture.engine.count == 0)
  }

  @Test(
    "bad fault requests get the platform's error",
    arguments: [
      ("{not json", "application/json", 400, "MalformedJSON"),
      ("", "application/json", 400, "InvalidInput"),
      ("42", "application/json", 400, "InvalidInput"),
      (#"{"fault":{"type":"truncate","sendBytes":-1}}"#, "application/json", 400, "InvalidInput"),
      (#"{"fault":{"type":"status","status":503},"every":0}"#, "application/json", 400, "InvalidInput"),
      (
        #"{"fault":{"type":"status","status":503},"match":{"path":7}}"#, "application/json", 400,
        "InvalidInput"
      ),
      ("POST /x explode", "text/plain", 400, "InvalidInput"),
      ("# only a comment", "text/plain; charset=utf-8", 400, "InvalidInput"),
    ])
  func badFaults(body: String, contentType: String, status: Int, type: String) throws {
    let fixture = Fixture()
    let result = try fixture.call("POST", "/__admin/faults", body: body, contentType: contentType)
    #expect(result.status == status)
    #expect(errorType(result.json) == type)
    #expect(result.json["error"]?["message"]?.stringValue?.isEmpty == false)
    #expect(fixture.engine.count == 0)
  }

  @Test("DELETE /__admin/faults clears every rule")
  func clearFaults() throws {
    let fixture = Fixture(initialRules: [try DXFaultRule(fault: .reset)])
    let result = try fixture.call("DELETE", "/__admin/faults")
    #expect(result.json["removed"] == 1)
    #expect(fixture.engine.count == 0)
  }

  @Test("GET /__admin/requests lists the journal, with filters; DELETE clears it")
  func requests() throws {
    let fixture = Fixture()
    for (index, path) in ["/system/whoami", "/file-1/close", "/system/greet"].enumerated() {
      let id = fixture.journal.begin(
        DXMockRequest(
          method: index == 1 ? "GET" : "POST", path: path,
          headers: ["Authorization": "Bearer admin-test-token"],
          body: Data("{}".utf8), requestID: "r\(index)"))
      fixture.journal.complete(
        id, status: index == 2 ? 503 : 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    }
    let all = try fixture.call("GET", "/__admin/requests")
    #expect(all.status == 200)
    let entries = try #require(all.json["requests"]?.arrayValue)
    #expect(entries.map { $0["path"]?.stringValue } == ["/system/whoami", "/file-1/close", "/system/greet"])
    #expect(entries[0]["headers"] == [["name": "Authorization", "value": "Bearer <redacted>"]])
    #expect(!String(decoding: all.response.body, as: UTF8.self).contains("admin-test-token"))
    let system = try fixture.call("GET", "/__admin/requests", query: [("path", "/system/*")])
    #expect(system.json["requests"]?.arrayValue?.count == 2)
    let gets = try fixture.call("GET", "/__admin/requests", query: [("method", "get")])
    #expect(gets.json["requests"]?.arrayValue?.count == 1)
    let failed = try fixture.call("GET", "/__admin/requests", query: [("status", "503")])
    #expect(failed.json["requests"]?.arrayValue?.map { $0["path"] } == ["/system/greet"])
    let last = try fixture.call("GET", "/__admin/requests", query: [("limit", "1")])
    #expect(last.json["requests"]?.arrayValue?.map { $0["path"] } == ["/system/greet"])
    #expect(try fixture.call("GET", "/__admin/requests", query: [("limit", "-1")]).status == 422)
    #expect(try fixture.call("GET", "/__admin/requests", query: [("status", "x")]).status == 422)
    let one = try fixture.call("GET", "/__admin/requests/2")
    #expect(one.json["path"] == "/file-1/close")
    #expect(try fixture.call("GET", "/__admin/requests/99").status == 404)
    let cleared = try fixture.call("DELETE", "/__admin/requests")
    #expect(cleared.json["removed"] == 3)
    #expect(try fixture.call("GET", "/__admin/requests").json == ["requests": []])
  }

  @Test("POST /__admin/reset restores the platform, the start-up rules and an empty journal")
  func reset() throws {
    let fixture = Fixture(initialRules: [try DXFaultRule(fault: .reset, times: 1)])
    _ = fixture.engine.decide(method: "GET", path: "/")
    _ = try fixture.call("POST", "/__admin/faults", body: #"{"fault":{"type":"empty"}}"#)
    fixture.journal.begin(DXMockRequest(method: "POST", path: "/x"))
    let result = try fixture.call("POST", "/__admin/reset")
    #expect(result.status == 200)
    #expect(fixture.platform.resetCount == 1)
    #expect(fixture.engine.rules.map(\.id) == ["fault-1"])
    #expect(fixture.engine.rules.first?.applied == 0)
    #expect(fixture.journal.entries().isEmpty)
    #expect(fixture.journal.totalReceived == 0)
  }

  @Test("a failing platform reset is a 500 InternalError; faults and journal are still reset")
  func failingReset() throws {
    let fixture = Fixture()
    fixture.platform.fail(true)
    _ = try fixture.call("POST", "/__admin/faults", body: #"{"fault":{"type":"empty"}}"#)
    let result = try fixture.call("POST", "/__admin/reset")
    #expect(result.status == 500)
    #expect(errorType(result.json) == "InternalError")
    #expect(fixture.engine.count == 0)
  }

  @Test("GET /__admin/health reports status, uptime and counts")
  func health() throws {
    let fixture = Fixture(initialRules: [try DXFaultRule(fault: .reset)])
    fixture.journal.begin(DXMockRequest(method: "POST", path: "/x"))
    let result = try fixture.call("GET", "/__admin/health")
    #expect(result.status == 200)
    #expect(result.json["status"] == "ok")
    #expect(result.json["uptimeMs"] == 2_500)
    #expect(result.json["requests"] == 1)
    #expect(result.json["journalEntries"] == 1)
    #expect(result.json["journalCapacity"] == 50)
    #expect(result.json["faultRules"] == 1)
    #expect(result.json["seed"] == "1")
    #expect(try fixture.call("HEAD", "/__admin/health").status == 200)
  }

  @Test(
    "wrong methods get 405 with Allow; unknown admin paths get 404",
    arguments: [
      ("PUT", "/__admin/faults", 405, "GET, POST, DELETE"),
      ("POST", "/__admin/faults/fault-1", 405, "GET, DELETE"),
      ("POST", "/__admin/requests", 405, "GET, DELETE"),
      ("DELETE", "/__admin/requests/1", 405, "GET"),
      ("GET", "/__admin/reset", 405, "POST"),
      ("POST", "/__admin/health", 405, "GET"),
      ("GET", "/__admin", 404, nil),
      ("GET", "/__admin/", 404, nil),
      ("GET", "/__admin/nothing", 404, nil),
      ("GET", "/__admin/faults/a/b", 404, nil),
      ("GET", "/__admin/health/x", 404, nil),
    ] as [(String, String, Int, String?)])
  func routing(method: String, path: String, status: Int, allow: String?) throws {
    let fixture = Fixture()
    let result = try fixture.call(method, path)
    #expect(result.status == status)
    #expect(result.response.headers["Allow"] == allow)
    #expect(errorType(result.json) == (status == 405 ? "InvalidInput" : "ResourceNotFound"))
  }

  @Test("a trailing slash is accepted")
  func trailingSlash() throws {
    let fixture = Fixture()
    #expect(try fixture.call("GET", "/__admin/faults/").status == 200)
  }
}
