import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Stubs and scenarios")
struct StubTests {
  private static func stub(_ json: String) throws -> DXStub {
    try DXStub(json: try DXJSON(parsing: json))
  }

  @Test func aStubAnswersBeforeThePlatformWithTemplates() async throws {
    try await withServer { server in
      server.addStub(
        try Self.stub(
          #"""
          {"match":{"method":"POST","path":"/record-*/describe"},
           "response":{"status":200,"headers":{"X-Stub":"{{request.path.0}}"},
                       "json":{"id":"{{request.objectID}}","class":"{{request.objectClass}}",
                               "asked":"{{request.body.fields}}","echo":"q={{request.query.x}} {{request.method}}"}}}
          """#))
      let response = try await server.rawExchange(
        path: "/record-B123/describe?x=7", body: #"{"fields":{"name":true}}"#)
      #expect(response.status == 200)
      #expect(response.header("X-Stub") == "record-B123")
      #expect(response.contentLength == response.body.count)
      let json = try DXJSON(parsing: response.body)
      #expect(json["id"] == "record-B123")
      #expect(json["class"] == "record")
      #expect(json["asked"] == ["name": true])
      #expect(json["echo"] == "q=7 POST")
      // Other routes still reach the platform.
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
    }
  }

  @Test func prioritiesPickTheStubAndRawBodies() async throws {
    try await withServer { server in
      server.addStub(
        try Self.stub(#"{"priority":5,"match":{"path":"/system/whoami"},"response":{"json":{"who":"low"}}}"#))
      server.addStub(
        try Self.stub(
          #"{"priority":1,"match":{"path":"/system/whoami","headers":{"X-Mode":"html"}},"response":{"status":502,"body":"<b>{{request.headers.X-Mode}}</b>","contentType":"text/html"}}"#
        ))
      let plain = try await server.rawExchange(path: "/system/whoami")
      #expect(try DXJSON(parsing: plain.body)["who"] == "low")
      let html = try await server.rawExchange(path: "/system/whoami", headers: [("X-Mode", "html")])
      #expect(html.status == 502)
      #expect(html.bodyText == "<b>html</b>")
      #expect(html.header("Content-Type") == "text/html")
    }
  }

  @Test func aScenarioAnswersAUntilTheTransitionThenB() async throws {
    try await withServer { server in
      let list = try DXStub.stubs(
        json: try DXJSON(
          parsing: #"""
            {"stubs":[
              {"scenario":"job","requiredState":"Started","newState":"running","match":{"path":"/job-*/describe"},
               "response":{"json":{"state":"runnable"}}},
              {"scenario":"job","requiredState":"running","newState":"done","match":{"path":"/job-*/describe"},
               "response":{"json":{"state":"running"}}},
              {"scenario":"job","requiredState":"done","match":{"path":"/job-*/describe"},
               "response":{"json":{"state":"done"}}}]}
            """#))
      for stub in list { server.addStub(stub) }
      var states: [String] = []
      for _ in 0..<4 {
        let response = try await server.rawExchange(path: "/job-1/describe")
        states.append(try DXJSON(parsing: response.body)["state"]?.stringValue ?? "?")
      }
      #expect(states == ["runnable", "running", "done", "done"])
      #expect(server.scenarioStates() == ["job": "done"])
      let reset = try await server.rawExchange(path: "/__admin/scenarios/reset", token: nil, body: "")
      #expect(reset.status == 200)
      #expect(server.scenarioStates() == ["job": "Started"])
      let set = try await server.rawExchange(
        method: "PUT", path: "/__admin/scenarios/job", token: nil, body: #"{"state":"done"}"#)
      #expect(set.status == 200)
      #expect(
        try DXJSON(parsing: try await server.rawExchange(path: "/job-1/describe").body)["state"] == "done")
    }
  }

  @Test func stubsOverTheAdminAPIAndTheirErrors() async throws {
    try await withServer { server in
      let added = try await server.rawExchange(
        path: "/__admin/stubs", token: nil,
        body: #"{"id":"s1","match":{"path":"/system/greet"},"response":{"json":{"hi":1}}}"#)
      #expect(added.status == 201)
      #expect(added.header("Location") == "/__admin/stubs/s1")
      let listed = try await server.rawExchange(method: "GET", path: "/__admin/stubs", token: nil, body: "")
      #expect((listed.json?["stubs"] as? [Any])?.count == 1)
      #expect(try await server.rawExchange(path: "/system/greet").bodyText == #"{"hi":1}"#)
      let bad = try await server.rawExchange(
        path: "/__admin/stubs", token: nil, body: #"{"match":{"path":"nope"},"response":{}}"#)
      #expect(bad.status == 400)
      #expect(bad.bodyText.contains("match.path"))
      let noResponse = try await server.rawExchange(
        path: "/__admin/stubs", token: nil, body: #"{"match":{}}"#)
      #expect(noResponse.status == 400)
      #expect(noResponse.bodyText.contains("response"))
      let deleted = try await server.rawExchange(
        method: "DELETE", path: "/__admin/stubs/s1", token: nil, body: "")
      #expect(deleted.status == 200)
      #expect(try await server.rawExchange(path: "/system/greet").bodyText != #"{"hi":1}"#)
    }
  }

  @Test func stubsLoadFromAFileAndComeBackAfterReset() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stubs-\(UUID().uuidString).json"
    ).path
    try Data(#"[{"id":"f","match":{"path":"/system/greet"},"response":{"status":418,"json":{}}}]"#.utf8)
      .write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let stubs = try DXStub.stubs(contentsOfFile: path)
    try await withServer({ $0.stubs = stubs }) { server in
      #expect(try await server.rawExchange(path: "/system/greet").status == 418)
      server.clearStubs()
      #expect(try await server.rawExchange(path: "/system/greet").status == 200)
      try server.reset()
      #expect(try await server.rawExchange(path: "/system/greet").status == 418)
    }
    #expect(throws: DXFaultRule.ParseError.self) { try DXStub.stubs(contentsOfFile: path + ".missing") }
  }

  @Test func faultsStillApplyToStubbedAnswers() async throws {
    try await withServer { server in
      server.addStub(
        try Self.stub(#"{"match":{"path":"/system/greet"},"response":{"json":{"hello":"world"}}}"#))
      try server.addFault(spec: "POST /system/greet truncate sendBytes=3 times=1")
      let cut = try await server.rawExchange(path: "/system/greet")
      #expect(cut.bodyText == #"{"h"#)
      #expect(cut.contentLength == #"{"hello":"world"}"#.utf8.count)
    }
  }
}
