import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Faults — matching on query, headers, body, object, user and attempt")
struct FaultMatchTests {
  private static func request(
    _ path: String, method: String = "POST", query: [(name: String, value: String)] = [],
    headers: DXHTTPHeaders = [:], body: String = "{}"
  ) -> DXMockRequest {
    DXMockRequest(method: method, path: path, query: query, headers: headers, body: Data(body.utf8))
  }

  private static func fires(_ spec: String, _ request: DXMockRequest) throws -> Bool {
    let engine = FaultEngine(seed: 1, authenticate: { $0 == "tok-alice" ? "user-alice" : nil })
    engine.add(try DXFaultRule(spec: spec))
    return engine.decide(request).fault != nil
  }

  @Test func queryArgumentsMatchExactPresentAbsentAndRegex() throws {
    let withQuery = Self.request(
      "/F/download/file-1", method: "GET", query: [("download", "1"), ("part", "x7")])
    let without = Self.request("/F/download/file-1", method: "GET")
    #expect(try Self.fires("GET /F/* reset query.download=1", withQuery))
    #expect(try !Self.fires("GET /F/* reset query.download=2", withQuery))
    #expect(try Self.fires("GET /F/* reset query.part=*", withQuery))
    #expect(try !Self.fires("GET /F/* reset query.part=*", without))
    #expect(try Self.fires("GET /F/* reset query.part=!", without))
    #expect(try !Self.fires("GET /F/* reset query.part=!", withQuery))
    #expect(try Self.fires("GET /F/* reset query.part=~x[0-9]", withQuery))
    #expect(try !Self.fires("GET /F/* reset query.part=~x", withQuery), "a regex must match the whole value")
  }

  @Test func headersMatchCaseInsensitivelyByName() throws {
    let request = Self.request("/system/whoami", headers: ["User-Agent": "dxpy/0.417.1", "X-Trace": "abc"])
    #expect(try Self.fires("/system/whoami reset header.user-agent=~dxpy/.*", request))
    #expect(try !Self.fires("/system/whoami reset header.User-Agent=~curl.*", request))
    #expect(try Self.fires("/system/whoami reset header.X-Trace=abc", request))
    #expect(try Self.fires("/system/whoami reset header.X-Other=!", request))
    #expect(try !Self.fires("/system/whoami reset header.X-Other=*", request))
  }

  @Test func bodyMatchesAJSONSubset() throws {
    let request = Self.request(
      "/record/new", body: #"{"project":"project-1","name":"x","tags":["a","b"],"n":1}"#)
    #expect(try Self.fires(#"/record/new reset match='{"name":"x"}'"#, request))
    #expect(try Self.fires(#"/record/new reset match='{"tags":["a","b"],"n":1.0}'"#, request))
    #expect(try !Self.fires(#"/record/new reset match='{"name":"y"}'"#, request))
    #expect(try !Self.fires(#"/record/new reset match='{"tags":["a"]}'"#, request))
    #expect(
      try !Self.fires(
        #"/record/new reset match='{"name":"x"}'"#, Self.request("/record/new", body: "not json")))
    let nested = Self.request("/applet-1/run", body: #"{"input":{"name":"x","n":2},"project":"p"}"#)
    #expect(JSONSubset.contains(try DXJSON(parsing: nested.body), ["input": ["name": "x"]]))
  }

  @Test func objectClassAndIDComeFromThePath() throws {
    let close = Self.request("/file-B123/close")
    #expect(try Self.fires("* reset class=file", close))
    #expect(try !Self.fires("* reset class=record", close))
    #expect(try Self.fires("* reset object=file-B1*", close))
    #expect(try !Self.fires("* reset object=file-C*", close))
    let upload = Self.request("/F/upload/file-B123/3/key", method: "PUT")
    #expect(try Self.fires("PUT * reset object=file-B123", upload))
    #expect(MatchSubject.objectID(in: "/system/whoami") == nil)
  }

  @Test func tokenAndUserMatchTheCaller() throws {
    let alice = Self.request("/system/whoami", headers: ["Authorization": "Bearer tok-alice"])
    let other = Self.request("/system/whoami", headers: ["Authorization": "Bearer tok-bob"])
    #expect(try Self.fires("* reset token=tok-alice", alice))
    #expect(try !Self.fires("* reset token=tok-alice", other))
    #expect(try Self.fires("* reset user=user-alice", alice))
    #expect(try !Self.fires("* reset user=user-alice", other))
  }

  @Test func attemptCountsOneLogicalOperationAndRestartsAfterSuccess() throws {
    let engine = FaultEngine(seed: 1)
    engine.add(try DXFaultRule(spec: "PUT /F/upload/* status=400 s3Error=RequestTimeout attempt=2"))
    let part3 = Self.request("/F/upload/file-1/3/k", method: "PUT", body: "abc")
    let part4 = Self.request("/F/upload/file-1/4/k", method: "PUT", body: "abc")
    #expect(engine.decide(part3).fault == nil)  // attempt 1
    #expect(engine.decide(part4).fault == nil)  // another part: its own attempt 1
    let second = engine.decide(part3)
    #expect(second.fault != nil)  // attempt 2 of part 3
    #expect(engine.decide(part3).fault == nil)  // attempt 3
    if let operation = second.operation { engine.attempts.succeeded(operation) }
    #expect(engine.decide(part3).fault == nil)  // a new operation: attempt 1
    #expect(engine.decide(part3).fault != nil)  // its attempt 2
    // API calls: the same method, path and body (the nonce left out) are one operation.
    engine.add(try DXFaultRule(spec: "POST /record/new reset attempt=1"))
    #expect(engine.decide(Self.request("/record/new", body: #"{"nonce":"a","name":"x"}"#)).fault == .reset)
    #expect(engine.decide(Self.request("/record/new", body: #"{"name":"x","nonce":"b"}"#)).fault == nil)
  }

  @Test func jsonRulesCarryEveryMatcherAndRoundTrip() throws {
    let json: DXJSON = [
      "match": [
        "method": "POST", "path": "/record-*/describe", "query": ["a": ["present": true]],
        "headers": ["X-A": ["matches": "v.*"], "X-B": "exact"], "body": ["fields": ["name": true]],
        "objectClass": "record", "objectID": "record-*", "token": "t", "user": "user-alice", "attempt": 2,
      ],
      "fault": [
        "type": "status", "status": 502, "body": "<html>Bad gateway</html>", "contentType": "text/html",
      ],
    ]
    let rule = try DXFaultRule(json: json)
    #expect(rule.match.attempt == 2)
    #expect(rule.match.headers["X-A"]?.kind == .matches("v.*"))
    #expect(try DXFaultRule(json: rule.json) == rule)
    #expect(try DXFaultRule(spec: rule.spec) == rule)
  }

  @Test(arguments: [
    (#"{"match":{"query":{"a":{"matches":"("}}},"fault":{"type":"reset"}}"#, "match.query.a.matches"),
    (#"{"match":{"headers":{"a b":"x"}},"fault":{"type":"reset"}}"#, "match.headers"),
    (#"{"match":{"attempt":0},"fault":{"type":"reset"}}"#, "match.attempt"),
    (#"{"match":{"objectClass":"File"},"fault":{"type":"reset"}}"#, "match.objectClass"),
    (#"{"match":{"token":""},"fault":{"type":"reset"}}"#, "match.token"),
    (#"{"match":{"colour":"x"},"fault":{"type":"reset"}}"#, "match.colour"),
    (#"{"match":{"body":{"a":1}},"fault":{"type":"resetAfterReceived","bytes":4}}"#, "match.body"),
    (#"{"fault":{"type":"latency","distribution":"uniform","min":5,"max":1}}"#, "fault.min"),
    (#"{"fault":{"type":"status","status":400,"s3Error":"Bad Code"}}"#, "fault.s3Error"),
    (#"{"fault":{"type":"redirect","status":300,"location":"/x"}}"#, "fault.status"),
    (#"{"fault":{"type":"encoding","encoding":"br"}}"#, "fault.encoding"),
    (#"{"fault":{"type":"trickle","bytesPerSecond":0}}"#, "fault.bytesPerSecond"),
  ])
  func badRulesNameTheField(body: String, field: String) async throws {
    try await withServer { server in
      let response = try await server.rawExchange(path: "/__admin/faults", token: nil, body: body)
      #expect(response.status == 400, "\(response.bodyText)")
      #expect(response.errorType == "InvalidInput")
      let message = (response.json?["error"] as? [String: Any])?["message"] as? String ?? ""
      #expect(message.contains(field), "\(message)")
    }
  }

  @Test func indexedRulesDecideAsAScanWould() throws {
    let engine = FaultEngine(seed: 7)
    for index in 0..<1000 {
      engine.add(try DXFaultRule(spec: "POST /record-*/describe-\(index) status=500"))
    }
    engine.add(try DXFaultRule(spec: "POST /system/whoami status=503 id=exact"))
    engine.add(try DXFaultRule(spec: "*/describe-7 status=502 id=suffix"))
    #expect(engine.decide(Self.request("/system/greet")).isNone)
    #expect(engine.decide(Self.request("/system/whoami")).ruleID == "exact")
    #expect(engine.decide(Self.request("/record-1/describe-7")).ruleID == "fault-8")
    #expect(engine.decide(Self.request("/x/describe-7")).ruleID == "suffix")
    #expect(engine.rule(id: "suffix")?.matched == 2)
  }
}
