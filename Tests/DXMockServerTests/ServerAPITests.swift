import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Server — the API contract (in-process server)")
struct ServerAPITests {
  @Test func whoamiAnswersWithTheDefaultUserAndStandardHeaders() async throws {
    try await withServer { server in
      #expect(server.port > 0)
      #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 200)
      expectExactJSON(response)
      #expect(response.json?["id"] as? String == "user-alice")
      #expect(response.json?["clientIp"] == nil)
    }
  }

  @Test func whoamiReportsTheClientIPWhenAsked() async throws {
    try await withServer { server in
      let response = try await server.rawExchange(
        path: "/system/whoami", body: #"{"fields":{"clientIp":true}}"#)
      #expect(response.status == 200)
      #expect(response.json?["clientIp"] as? String == "127.0.0.1")
      let wrong = try await server.rawExchange(
        path: "/system/whoami", body: #"{"fields":{"clientIp":"yes"}}"#)
      #expect(wrong.status == 422)
      #expect(wrong.errorType == "InvalidInput")
      expectExactJSON(wrong)
    }
  }

  @Test func requestIDsAreUnique() async throws {
    try await withServer { server in
      var seen: Set<String> = []
      for _ in 0..<5 {
        let response = try await server.rawExchange(path: "/system/whoami")
        seen.insert(response.header("X-Request-ID") ?? "")
      }
      #expect(seen.count == 5)
    }
  }

  @Test func tokensAndUsersAuthenticate() async throws {
    try await withServer({ configuration in
      configuration.tokens = ["t-one", "t-two"]
      configuration.users = [(handle: "bob", token: "t-bob")]
    }) { server in
      for token in ["t-one", "t-two"] {
        let response = try await server.rawExchange(path: "/system/whoami", token: token)
        #expect(response.json?["id"] as? String == "user-alice")
      }
      let bob = try await server.rawExchange(path: "/system/whoami", token: "t-bob")
      #expect(bob.json?["id"] as? String == "user-bob")
      let lowerScheme = try await server.rawExchange(
        path: "/system/whoami", token: nil, headers: [("Authorization", "bearer t-bob")])
      #expect(lowerScheme.json?["id"] as? String == "user-bob")
    }
  }

  @Test(arguments: [
    ("no header", nil as String?),
    ("unknown token", "Bearer nope"),
    ("other scheme", "Basic dXNlcjpwYXNz"),
    ("empty bearer", "Bearer "),
  ])
  func badAuthenticationIs401(_ label: String, _ header: String?) async throws {
    try await withServer { server in
      let headers = header.map { [("Authorization", $0)] } ?? []
      let response = try await server.rawExchange(path: "/system/whoami", token: nil, headers: headers)
      #expect(response.status == 401, "\(label)")
      #expect(response.errorType == "InvalidAuthentication", "\(label)")
      expectExactJSON(response)
      let after = try await server.rawExchange(path: "/system/whoami")
      #expect(after.status == 200)
    }
  }

  @Test(arguments: [
    ("not JSON", "{nope", 400, "MalformedJSON"),
    ("truncated JSON", #"{"fields": {"#, 400, "MalformedJSON"),
    ("array", "[1, 2]", 422, "InvalidInput"),
    ("string", #""hello""#, 422, "InvalidInput"),
    ("number", "42", 422, "InvalidInput"),
    ("null", "null", 422, "InvalidInput"),
  ])
  func badBodiesGetTheRightError(_ label: String, _ body: String, _ status: Int, _ type: String) async throws
  {
    try await withServer { server in
      let response = try await server.rawExchange(path: "/system/whoami", body: body)
      #expect(response.status == status, "\(label): \(response.bodyText)")
      #expect(response.errorType == type, "\(label)")
      expectExactJSON(response)
      let message = (response.json?["error"] as? [String: Any])?["message"] as? String
      #expect(message?.isEmpty == false)
      let after = try await server.rawExchange(path: "/system/whoami")
      #expect(after.status == 200)
    }
  }

  @Test func anEmptyBodyMeansAnEmptyObject() async throws {
    try await withServer { server in
      let response = try await server.rawExchange(path: "/system/whoami", body: "")
      #expect(response.status == 200)
      #expect(response.json?["id"] as? String == "user-alice")
    }
  }

  @Test func unknownRoutesAre404WithTheirPath() async throws {
    try await withServer { server in
      for path in ["/system/noSuchThing", "/nonsense", "/", "/record-xxxx/explode/more/parts"] {
        let response = try await server.rawExchange(path: path)
        #expect(response.status == 404, "\(path)")
        #expect(response.errorType == "ResourceNotFound", "\(path)")
        expectExactJSON(response)
      }
      let response = try await server.rawExchange(path: "/system/noSuchThing")
      let message = (response.json?["error"] as? [String: Any])?["message"] as? String ?? ""
      #expect(message.contains("/system/noSuchThing"))
    }
  }

  @Test func otherMethodsGetA405() async throws {
    try await withServer { server in
      for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let response = try await server.rawExchange(method: method, path: "/system/whoami")
        #expect(response.status == 405, "\(method)")
        #expect(response.header("Allow") == "POST")
        #expect(response.errorType == "InvalidInput")
        expectExactJSON(response)
      }
    }
  }

  @Test func oversizedBodiesGet413AndTheServerKeepsServing() async throws {
    try await withServer({ $0.maxBodyBytes = 1024 }) { server in
      let big = "{\"pad\":\"" + String(repeating: "x", count: 4000) + "\"}"
      let declared = try await server.rawExchange(path: "/system/whoami", body: big)
      #expect(declared.status == 413)
      #expect(declared.errorType == "InvalidInput")
      expectExactJSON(declared)
      let port = server.port
      let chunked = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port)
        try client.sendRequest(
          path: "/system/whoami", headers: [("Authorization", "Bearer \(serverToken)")],
          body: Array(big.utf8),
          chunked: true)
        return try client.readResponse()
      }
      #expect(chunked.status == 413)
      #expect(chunked.errorType == "InvalidInput")
      let expecting = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port)
        let head =
          "POST /system/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n"
          + "Expect: 100-continue\r\nConnection: close\r\n\r\n"
        try client.send(Array(head.utf8))
        return try client.readResponse()
      }
      #expect(expecting.status == 413)
      let small = try await server.rawExchange(path: "/system/whoami")
      #expect(small.status == 200)
      let entries = server.journal().filter { $0.status == 413 }
      #expect(entries.count == 3)
    }
  }

  @Test func greetAndHeaders() async throws {
    try await withServer { server in
      let greet = try await server.rawExchange(path: "/system/greet", body: #"{"client":"dxclient"}"#)
      #expect(greet.status == 200)
      #expect(greet.json?["messages"] is [Any])
      let echoed = try await server.rawExchange(
        path: "/system/headers", headers: [("User-Agent", "dxpy/0.417.1"), ("X-Custom-Thing", "Value")])
      #expect(echoed.status == 200)
      expectExactJSON(echoed)
      let object = echoed.json ?? [:]
      #expect(object["user-agent"] as? String == "dxpy/0.417.1")
      #expect(object["x-custom-thing"] as? String == "Value")
      #expect(object.keys.allSatisfy { $0 == $0.lowercased() })
    }
  }

  @Test func comeBackLaterAnswers503UntilWaitUntil() async throws {
    try await withServer { server in
      // Half a minute ahead: a loaded machine does not reach waitUntil between the requests.
      let now = Int(Date().timeIntervalSince1970 * 1000)
      let early = try await server.rawExchange(
        path: "/system/comeBackLater", body: #"{"waitUntil": \#(now + 30_500)}"#)
      #expect(early.status == 503)
      #expect(early.errorType == "ServiceUnavailable")
      let retryAfter = Int(early.header("Retry-After") ?? "") ?? 0
      #expect((20...31).contains(retryAfter))
      expectExactJSON(early)
      let noHeader = try await server.rawExchange(
        path: "/system/comeBackLater", body: #"{"waitUntil": \#(now + 30_000), "setRetryAfter": false}"#)
      #expect(noHeader.status == 503)
      #expect(noHeader.header("Retry-After") == nil)
      let late = try await server.rawExchange(
        path: "/system/comeBackLater", body: #"{"waitUntil": \#(now - 1)}"#)
      #expect(late.status == 200)
      let wrongType = try await server.rawExchange(
        path: "/system/comeBackLater", body: #"{"waitUntil": "soon"}"#)
      #expect(wrongType.status == 422)
    }
  }

  @Test func comeBackLaterWithInjectedClock() throws {
    let clock = DXLock(1_000_000)
    let routes = SystemRoutes(now: { clock.withLock { $0 } })
    var router = PlatformRouter()
    routes.register(into: &router)
    let api = APIPipeline(router: router, authenticate: { $0 == "t" ? "user-alice" : nil })
    func call(_ body: String = "") -> DXMockResponse {
      api.respond(
        to: DXMockRequest(
          method: "POST", path: "/system/comeBackLater", headers: ["Authorization": "Bearer t"],
          body: Data(body.utf8)))
    }
    // Without waitUntil the platform answers at once with its clock.
    #expect(call().status == 200)
    #expect(try DXJSON(parsing: call().body) == ["currentTime": 1_000_000])
    let waiting = #"{"waitUntil": 1002500}"#
    #expect(call(waiting).status == 503)
    #expect(call(waiting).headers["Retry-After"] == "3")
    #expect(call(#"{"waitUntil": 1002500, "setRetryAfter": false}"#).headers["Retry-After"] == nil)
    clock.withLock { $0 += 2500 }
    #expect(try DXJSON(parsing: call(waiting).body) == ["currentTime": 1_002_500])
    // greet answers without a token; whoami does not.
    let greet = api.respond(to: DXMockRequest(method: "POST", path: "/system/greet"))
    #expect(greet.status == 200)
    #expect(api.respond(to: DXMockRequest(method: "POST", path: "/system/whoami")).status == 401)
  }

  @Test func routesRegisteredForAnyJSONTakeNonObjects() throws {
    var router = PlatformRouter()
    router.register("/record-xxxx/setDetails", acceptsAnyJSON: true) { call throws(DXPlatformError) in
      ["got": call.input]
    }
    router.register("/record-xxxx/describe") { _ throws(DXPlatformError) in [:] }
    let api = APIPipeline(router: router, authenticate: { _ in "user-alice" })
    func post(_ path: String, _ body: String) -> DXMockResponse {
      api.respond(
        to: DXMockRequest(
          method: "POST", path: path, headers: ["Authorization": "Bearer t"], body: Data(body.utf8)))
    }
    let array = post("/record-B0000000000000000000000/setDetails", "[1,2]")
    #expect(array.status == 200)
    #expect((try? DXJSON(parsing: array.body))?["got"] == [1, 2])
    #expect(post("/record-B0000000000000000000000/describe", "[1,2]").status == 422)
    #expect(post("/record-B0000000000000000000000/setDetails", "[1,").status == 400)
  }

  @Test func handlerErrorsKeepTheirStatusAndBody() throws {
    var router = PlatformRouter()
    router.register("/system/fails") { _ throws(DXPlatformError) in
      throw DXPlatformError(
        type: "SpendingLimitExceeded", message: "no money", status: 403, details: ["a": 1])
    }
    let api = APIPipeline(router: router, authenticate: { _ in "user-alice" })
    let response = api.respond(
      to: DXMockRequest(method: "POST", path: "/system/fails", headers: ["Authorization": "Bearer t"]))
    #expect(response.status == 403)
    #expect(response.headers["Content-Type"] == "application/json")
    let body = try DXJSON(parsing: response.body)
    #expect(body["error"]?["type"] == "SpendingLimitExceeded")
    #expect(body["error"]?["details"] == ["a": 1])
  }

  @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
    try await withServer { server in
      let port = server.port
      let statuses = try await onDedicatedThread { () -> [Int] in
        let client = try RawHTTPClient(port: port)
        var statuses: [Int] = []
        for _ in 0..<3 {
          try client.sendRequest(
            path: "/system/whoami", headers: [("Authorization", "Bearer \(serverToken)")],
            body: Array("{}".utf8),
            keepAlive: true)
          let response = try client.readResponse()
          #expect(response.ending == .complete)
          statuses.append(response.status)
        }
        return statuses
      }
      #expect(statuses == [200, 200, 200])
    }
  }
}
