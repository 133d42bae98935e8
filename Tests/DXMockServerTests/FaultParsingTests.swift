import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Fault globs and JSON parsing")
struct FaultParsingTests {
  // MARK: - Globs

  @Test(
    "path globs",
    arguments: [
      ("*", "/system/whoami", true),
      ("*", "", true),
      ("/system/whoami", "/system/whoami", true),
      ("/system/whoami", "/system/whoami2", false),
      ("/system/whoami", "/system/whoam", false),
      ("/file-*/close", "/file-B123/close", true),
      ("/file-*/close", "/file-/close", true),
      ("/file-*/close", "/file-B1/describe", false),
      ("/file-*/close", "/record-B1/close", false),
      ("/file-*/close", "/file-a/b/close", true),
      ("/system/*", "/system/whoami", true),
      ("/system/*", "/system", false),
      ("*/describe", "/record-x/describe", true),
      ("*/describe", "/record-x/describeX", false),
      ("/a*b*c", "/aXbYc", true),
      ("/a*b*c", "/abc", true),
      ("/a*b*c", "/acb", false),
      ("/a*b*c", "/abcbc", true),
      ("/a**", "/a", true),
      ("/System/whoami", "/system/whoami", false),
    ])
  func glob(pattern: String, path: String, expected: Bool) {
    #expect(PathGlob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
  }

  @Test("method matching is case-insensitive; nil and * match any")
  func methods() throws {
    let post = try DXFaultRule.Match(method: "post", path: "/x")
    #expect(post.method == "POST")
    #expect(post.matches(method: "POST", path: "/x"))
    #expect(post.matches(method: "post", path: "/x"))
    #expect(!post.matches(method: "GET", path: "/x"))
    let any = try DXFaultRule.Match(method: "*")
    #expect(any.method == nil)
    #expect(any.matches(method: "DELETE", path: "/anything/at/all"))
  }

  // MARK: - Faults

  @Test(
    "every fault type parses from and renders to its JSON form",
    arguments: [
      (
        #"{"type":"status","status":503,"retryAfter":2,"errorType":"ServiceUnavailable"}"#,
        DXFault.status(code: 503, retryAfter: "2", errorType: "ServiceUnavailable", message: nil)
      ),
      (#"{"type":"status","status":500}"#, DXFault.status(500)),
      (
        #"{"type":"status","status":429,"retryAfter":"Wed, 21 Oct 2015 07:28:00 GMT","message":"slow down"}"#,
        .status(code: 429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", errorType: nil, message: "slow down")
      ),
      (#"{"type":"truncate","sendBytes":10}"#, .truncate(sendBytes: 10)),
      (#"{"type":"truncate","sendBytes":0}"#, .truncate(sendBytes: 0)),
      (#"{"type":"noContentLength"}"#, .noContentLength),
      (#"{"type":"reset"}"#, .reset),
      (#"{"type":"empty"}"#, .empty),
      (#"{"type":"delay","ms":200}"#, .delay(ms: 200)),
      (#"{"type":"delay","ms":0}"#, .delay(ms: 0)),
    ])
  func faultJSON(text: String, expected: DXFault) throws {
    let fault = try DXFault(json: DXJSON(parsing: text))
    #expect(fault == expected)
    #expect(try DXFault(json: fault.json) == fault)
  }

  @Test(
    "bad faults are rejected with a message naming the field",
    arguments: [
      (#"{"status":503}"#, "fault.type is required"),
      (#"{"type":"explode"}"#, "fault.type \"explode\" is not a fault type"),
      (#"{"type":5}"#, "fault.type must be a string"),
      (#"{"type":"status"}"#, "fault.status is required"),
      (#"{"type":"status","status":"503"}"#, "fault.status must be an integer"),
      (#"{"type":"status","status":503.5}"#, "fault.status must be an integer"),
      (#"{"type":"status","status":99}"#, "fault.status must be an HTTP status"),
      (#"{"type":"status","status":600}"#, "fault.status must be an HTTP status"),
      (#"{"type":"status","status":503,"retryAfter":-1}"#, "fault.retryAfter must be a non-negative integer"),
      (#"{"type":"status","status":503,"retryAfter":true}"#, "fault.retryAfter must be an integer"),
      (#"{"type":"status","status":503,"retryAfter":""}"#, "fault.retryAfter must be seconds"),
      (#"{"type":"status","status":503,"errorType":""}"#, "fault.errorType must be a non-empty name"),
      (#"{"type":"status","status":503,"errorType":7}"#, "fault.errorType must be a string"),
      (#"{"type":"status","status":503,"sendBytes":1}"#, "fault.sendBytes is not a known field"),
      (#"{"type":"truncate"}"#, "fault.sendBytes is required"),
      (#"{"type":"truncate","sendBytes":-1}"#, "fault.sendBytes must be a non-negative integer"),
      (#"{"type":"truncate","sendBytes":"10"}"#, "fault.sendBytes must be an integer"),
      (#"{"type":"delay"}"#, "fault.ms is required"),
      (#"{"type":"delay","ms":-5}"#, "fault.ms must be a non-negative integer"),
      (#"{"type":"delay","ms":3600001}"#, "fault.ms must be an integer from 0 to 3600000"),
      (#"{"type":"reset","ms":1}"#, "fault.ms is not a known field"),
      (#"{"type":"delay","ms":1,"extra":null}"#, "fault.extra is not a known field"),
      (#"[]"#, "fault must be a JSON object"),
    ])
  func badFault(text: String, message: String) throws {
    let json = try DXJSON(parsing: text)
    let error = #expect(throws: DXFaultRule.ParseError.self) { try DXFault(json: json) }
    #expect(error?.platformError.type == "InvalidInput")
    #expect(error?.platformError.status == 422)
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "-")")
  }

  @Test(
    "status faults render the platform's error body with the default type per status",
    arguments: [
      (503, "ServiceUnavailable"), (500, "InternalError"), (502, "InternalError"), (599, "InternalError"),
      (429, "RateLimitConditional"), (422, "InvalidInput"), (404, "ResourceNotFound"),
      (401, "InvalidAuthentication"), (400, "MalformedJSON"), (403, "SpendingLimitExceeded"),
      (409, "InvalidState"), (418, "InvalidInput"), (200, "InternalError"),
    ])
  func statusBody(code: Int, type: String) throws {
    let response = try #require(DXFault.status(code).statusResponse)
    #expect(response.status == code)
    #expect(response.headers["Content-Type"] == "application/json")
    #expect(response.headers["Retry-After"] == nil)
    let body = try DXJSON(parsing: response.body)
    #expect(body["error"]?["type"]?.stringValue == type)
    #expect(body["error"]?["message"]?.stringValue?.isEmpty == false)
  }

  @Test("a status fault's Retry-After, type and message are used")
  func statusOverrides() throws {
    let fault = DXFault.status(503, retryAfter: 2, errorType: "SomethingNew", message: "down")
    let response = try #require(fault.statusResponse)
    #expect(response.headers["Retry-After"] == "2")
    let body = try DXJSON(parsing: response.body)
    #expect(body == ["error": ["type": "SomethingNew", "message": "down"]])
    #expect(DXFault.truncate(sendBytes: 1).statusResponse == nil)
    #expect(DXFault.delay(ms: 1).platformError == nil)
  }

  // MARK: - Rules

  @Test("a full rule parses, renders and parses back equal")
  func ruleJSON() throws {
    let text = #"""
      {"match":{"method":"post","path":"/file-*/close"},"fault":{"type":"truncate","sendBytes":10},
       "times":2,"skip":1,"every":3,"probability":0.5,"id":"close-cut"}
      """#
    let rule = try DXFaultRule(json: DXJSON(parsing: text))
    #expect(rule.id == "close-cut")
    #expect(rule.match.method == "POST")
    #expect(rule.match.path == "/file-*/close")
    #expect(rule.fault == .truncate(sendBytes: 10))
    #expect(rule.times == 2)
    #expect(rule.skip == 1)
    #expect(rule.every == 3)
    #expect(rule.probability == 0.5)
    #expect(try DXFaultRule(json: rule.json) == rule)
  }

  @Test("defaults: any method, every path, unlimited, no skip, each request, always")
  func ruleDefaults() throws {
    let rule = try DXFaultRule(json: DXJSON(parsing: #"{"fault":{"type":"reset"}}"#))
    #expect(rule.id == nil)
    #expect(rule.match.method == nil)
    #expect(rule.match.path == "*")
    #expect(rule.times == nil)
    #expect(rule.skip == 0)
    #expect(rule.every == 1)
    #expect(rule.probability == 1)
    #expect(
      rule.json == [
        "match": ["path": "*"], "fault": ["type": "reset"], "skip": 0, "every": 1, "probability": 1,
      ])
  }

  @Test("listing counters are accepted and ignored, so a listing loads back")
  func listingRoundTrip() throws {
    let text =
      #"{"id":"fault-3","match":{"path":"*"},"fault":{"type":"empty"},"matched":4,"applied":2,"remaining":null,"skip":0,"every":1,"probability":1}"#
    let rule = try DXFaultRule(json: DXJSON(parsing: text))
    #expect(rule.id == "fault-3")
    #expect(rule.fault == .empty)
  }

  @Test(
    "bad rules are rejected with a message naming the field",
    arguments: [
      (#"{}"#, "fault is required"),
      (#"{"fault":{"type":"reset"},"times":-1}"#, "times must be a non-negative integer"),
      (#"{"fault":{"type":"reset"},"times":"2"}"#, "times must be an integer"),
      (#"{"fault":{"type":"reset"},"times":1.5}"#, "times must be an integer"),
      (#"{"fault":{"type":"reset"},"skip":-2}"#, "skip must be a non-negative integer"),
      (#"{"fault":{"type":"reset"},"every":0}"#, "every must be an integer of at least 1"),
      (#"{"fault":{"type":"reset"},"every":false}"#, "every must be an integer"),
      (#"{"fault":{"type":"reset"},"probability":1.5}"#, "probability must be a number from 0 to 1"),
      (#"{"fault":{"type":"reset"},"probability":-0.1}"#, "probability must be a number from 0 to 1"),
      (#"{"fault":{"type":"reset"},"probability":"0.5"}"#, "probability must be a number"),
      (#"{"fault":{"type":"reset"},"match":[]}"#, "match must be a JSON object"),
      (#"{"fault":{"type":"reset"},"match":{"verb":"GET"}}"#, "match.verb is not a known field"),
      (#"{"fault":{"type":"reset"},"match":{"method":5}}"#, "match.method must be a string"),
      (#"{"fault":{"type":"reset"},"match":{"method":"PO ST"}}"#, "match.method must be an HTTP method"),
      (#"{"fault":{"type":"reset"},"match":{"path":"system/whoami"}}"#, "match.path must be a path glob"),
      (#"{"fault":{"type":"reset"},"match":{"path":""}}"#, "match.path must be a path glob"),
      (#"{"fault":{"type":"reset"},"match":{"path":"/a b"}}"#, "match.path must be a path glob"),
      (#"{"fault":{"type":"reset"},"id":"has space"}"#, "id must be 1 to 64"),
      (#"{"fault":{"type":"reset"},"tims":2}"#, "tims is not a known field"),
      (#"{"fault":{"type":"status","status":"x"}}"#, "fault.status must be an integer"),
      (#"{"fault":"reset"}"#, "fault must be a JSON object"),
      (#"{"spec":"reset","times":1}"#, "times cannot be combined with spec"),
      (#"{"spec":"explode"}"#, "spec: Bad fault spec"),
      (#"7"#, "the rule must be a JSON object"),
    ])
  func badRule(text: String, message: String) throws {
    let json = try DXJSON(parsing: text)
    let error = #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(json: json) }
    #expect(error?.platformError.status == 422)
    #expect(error?.platformError.type == "InvalidInput")
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "-")")
  }

  @Test("programmatic rules are validated too")
  func programmaticValidation() {
    #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(fault: .truncate(sendBytes: -1)) }
    #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(fault: .status(700)) }
    #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(fault: .reset, every: 0) }
    #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(fault: .reset, probability: .nan) }
    #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(method: "P/ST", fault: .reset) }
    #expect(throws: Never.self) { try DXFaultRule(method: "POST", path: "/x", fault: .reset, times: 0) }
  }

  // MARK: - Lists and files

  @Test("fault lists: an array, {faults:[…]}, spec strings; errors name the element")
  func lists() throws {
    let array = try DXFaultRule.rules(
      json: DXJSON(parsing: #"[{"fault":{"type":"reset"}}, "POST /x status=500 times=1"]"#))
    #expect(array.count == 2)
    #expect(array[1].fault == .status(500))
    #expect(array[1].times == 1)
    let wrapped = try DXFaultRule.rules(json: DXJSON(parsing: #"{"faults":[{"fault":{"type":"empty"}}]}"#))
    #expect(wrapped.map(\.fault) == [.empty])
    let error = #expect(throws: DXFaultRule.ParseError.self) {
      try DXFaultRule.rules(
        json: DXJSON(parsing: #"[{"fault":{"type":"reset"}},{"fault":{"type":"truncate"}}]"#))
    }
    #expect(
      error?.message.contains("faults[1].fault.sendBytes is required") == true, "\(error?.message ?? "")")
    let specError = #expect(throws: DXFaultRule.ParseError.self) {
      try DXFaultRule.rules(json: DXJSON(parsing: #"["reset", "bogus"]"#))
    }
    #expect(specError?.message.hasPrefix("faults[1]: Bad fault spec") == true)
    #expect(throws: DXFaultRule.ParseError.self) {
      try DXFaultRule.rules(json: DXJSON(parsing: #"{"faults":{}}"#))
    }
    #expect(throws: DXFaultRule.ParseError.self) {
      try DXFaultRule.rules(json: DXJSON(parsing: #"{"rules":[]}"#))
    }
    #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule.rules(json: DXJSON(parsing: "3")) }
  }

  @Test("fault files: read, bad JSON is MalformedJSON, a missing file names the path")
  func files() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "faults-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let good = directory.appendingPathComponent("good.json")
    try Data(#"{"faults":[{"match":{"path":"/system/whoami"},"fault":{"type":"delay","ms":5}}]}"#.utf8)
      .write(to: good)
    let rules = try DXFaultRule.rules(contentsOfFile: good.path)
    #expect(rules.map(\.fault) == [.delay(ms: 5)])
    let bad = directory.appendingPathComponent("bad.json")
    try Data("{not json".utf8).write(to: bad)
    let badError = #expect(throws: DXFaultRule.ParseError.self) {
      try DXFaultRule.rules(contentsOfFile: bad.path)
    }
    #expect(badError?.kind == .malformedJSON)
    #expect(badError?.platformError.type == "MalformedJSON")
    #expect(badError?.message.hasPrefix(bad.path) == true)
    let missing = directory.appendingPathComponent("missing.json").path
    let missingError = #expect(throws: DXFaultRule.ParseError.self) {
      try DXFaultRule.rules(contentsOfFile: missing)
    }
    #expect(missingError?.message.contains(missing) == true)
  }
}
