import DXWire
import Testing

@testable import DXMockServer

@Suite("Fault spec one-liners")
struct FaultSpecTests {
  @Test("the brief's examples parse")
  func examples() throws {
    let first = try DXFaultRule(spec: "POST /system/whoami status=503 retryAfter=2 times=2")
    #expect(first.match.method == "POST")
    #expect(first.match.path == "/system/whoami")
    #expect(first.fault == .status(503, retryAfter: 2))
    #expect(first.times == 2)
    let second = try DXFaultRule(spec: "/file-*/close truncate sendBytes=10 skip=1")
    #expect(second.match.method == nil)
    #expect(second.match.path == "/file-*/close")
    #expect(second.fault == .truncate(sendBytes: 10))
    #expect(second.skip == 1)
  }

  @Test(
    "spec forms",
    arguments: [
      ("reset", nil, "*", DXFault.reset, nil, 0, 1, 1.0),
      ("empty", nil, "*", .empty, nil, 0, 1, 1.0),
      ("GET * noContentLength", "GET", "*", .noContentLength, nil, 0, 1, 1.0),
      ("get /x nocontentlength", "GET", "/x", .noContentLength, nil, 0, 1, 1.0),
      ("PATCH /x Reset times=0", "PATCH", "/x", .reset, 0, 0, 1, 1.0),
      ("/x truncate=7", nil, "/x", .truncate(sendBytes: 7), nil, 0, 1, 1.0),
      ("/x delay=200 probability=0.25", nil, "/x", .delay(ms: 200), nil, 0, 1, 0.25),
      ("/x delay ms=200 probability=50%", nil, "/x", .delay(ms: 200), nil, 0, 1, 0.5),
      ("* status=500 every=3 skip=2 times=4", nil, "*", .status(500), 4, 2, 3, 1.0),
      (
        "status=429 retryAfter=1 errorType=RateLimitConditional", nil, "*",
        .status(429, retryAfter: 1, errorType: "RateLimitConditional"), nil, 0, 1, 1.0
      ),
      (
        #"status=503 message="Down for maintenance""#, nil, "*",
        .status(503, message: "Down for maintenance"), nil, 0, 1, 1.0
      ),
      (
        #"status=503 retryAfter='Wed, 21 Oct 2015 07:28:00 GMT'"#, nil, "*",
        .status(code: 503, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", errorType: nil, message: nil), nil, 0,
        1,
        1.0
      ),
      ("method=PUT path=/upload/* status=400", "PUT", "/upload/*", .status(400), nil, 0, 1, 1.0),
      ("  POST   /x   STATUS=502   TIMES=1 ", "POST", "/x", .status(502), 1, 0, 1, 1.0),
    ] as [(String, String?, String, DXFault, Int?, Int, Int, Double)])
  func forms(
    spec: String, method: String?, path: String, fault: DXFault, times: Int?, skip: Int, every: Int,
    probability: Double
  ) throws {
    let rule = try DXFaultRule(spec: spec)
    #expect(rule.match.method == method)
    #expect(rule.match.path == path)
    #expect(rule.fault == fault)
    #expect(rule.times == times)
    #expect(rule.skip == skip)
    #expect(rule.every == every)
    #expect(rule.probability == probability)
    // The rendered spec parses back to the same rule.
    #expect(try DXFaultRule(spec: rule.spec) == rule, "\(rule.spec)")
  }

  @Test("an id in the spec names the rule")
  func id() throws {
    let rule = try DXFaultRule(spec: "/x reset id=my-rule")
    #expect(rule.id == "my-rule")
    #expect(rule.spec == "/x reset id=my-rule")
  }

  @Test(
    "bad specs name the problem",
    arguments: [
      ("", "it is empty"),
      ("   ", "it is empty"),
      ("POST /x", "no fault is given"),
      ("POST /x explode", "\"explode\" is not a fault or key=value"),
      ("POST /x status", "a status fault needs status=CODE"),
      ("POST /x status=abc", "status must be an integer"),
      ("POST /x status=700", "fault.status must be an HTTP status"),
      ("/x truncate", "a truncate fault needs sendBytes=N"),
      ("/x truncate=-1", "truncate must be a non-negative integer"),
      ("/x truncate=1 sendBytes=2", "either truncate=N or sendBytes=N"),
      ("/x delay", "a delay fault needs ms=N"),
      ("/x delay=x", "delay must be an integer"),
      ("/x reset times=-1", "times must be a non-negative integer"),
      ("/x reset times=1 times=2", "times is given twice"),
      ("/x reset skip=one", "skip must be an integer"),
      ("/x reset every=0", "every must be an integer of at least 1"),
      ("/x reset probability=2", "probability must be a number from 0 to 1"),
      ("/x reset probability=150%", "probability must be a number from 0 to 1"),
      ("/x reset probability=lots", "probability must be a number"),
      ("/x reset empty", "two faults are given"),
      ("/x status=500 truncate=3", "two faults are given"),
      ("/x reset sendBytes=3", "sendBytes does not apply to a reset fault"),
      ("/x status=500 ms=3", "ms does not apply to a status fault"),
      ("/x reset colour=red", "\"colour\" is not a known key"),
      ("/x reset /y", "the path \"/y\" must come before the fault"),
      ("/x reset path=/y", "path is given twice"),
      ("/x reset id=a/b", "id must be 1 to 64"),
      (#"/x status=500 message="unclosed"#, "a quote is not closed"),
      ("/x status=500 retryAfter=-3", "retryAfter must not be negative"),
    ])
  func bad(spec: String, message: String) {
    let error = #expect(throws: DXFaultRule.ParseError.self) { try DXFaultRule(spec: spec) }
    #expect(error?.platformError.status == 422)
    #expect(error?.message.hasPrefix("Bad fault spec") == true)
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "-")")
  }

  @Test("the help text documents every fault and schedule key")
  func help() {
    for word in [
      "status=", "retryAfter", "errorType", "truncate", "sendBytes", "noContentLength", "reset", "empty",
      "delay",
      "times=", "skip=", "every=", "probability=",
    ] {
      #expect(DXFaultRule.specHelp.contains(word), "\(word)")
    }
  }

  @Test("summaries quote values with spaces")
  func summaries() {
    #expect(DXFault.status(503, retryAfter: 2).summary == "status=503 retryAfter=2")
    #expect(DXFault.status(503, message: #"a "b""#).summary == #"status=503 message="a \"b\"""#)
    #expect(DXFault.truncate(sendBytes: 3).summary == "truncate sendBytes=3")
    #expect(DXFault.delay(ms: 9).summary == "delay ms=9")
  }

  @Test("random specs and rule JSON never crash: they parse or throw InvalidInput")
  func robustness() throws {
    var generator = SplitMix64(seed: 99)
    let words = [
      "POST", "get", "/x", "/file-*/close", "*", "status=503", "status", "truncate", "truncate=3",
      "sendBytes=-1",
      "delay=", "ms=99999999999999999999", "times=", "skip=1", "every=0", "probability=nan",
      "probability=1e-400",
      "=", "==", "\"", "'", "id=", "retryAfter=", "message=\"a b\"", "reset", "empty", "noContentLength", "%",
      "\u{0}", "é", "status=5e2",
    ]
    for _ in 0..<2_000 {
      let count = Int(generator.next() % 6)
      let spec = (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(
        separator: " ")
      do {
        let rule = try DXFaultRule(spec: spec)
        #expect(try DXFaultRule(spec: rule.spec) == rule, "\(spec)")
      } catch {
        #expect(error.platformError.status == 422, "\(spec)")
      }
    }
    let values: [DXJSON] = [
      .null, true, 0, -1, 1.5, 1e300, "", "x", [], [:], ["type": "status"],
      ["type": "delay", "ms": .double(1e20)],
      ["type": "truncate", "sendBytes": .integer(Int.max)], ["type": "status", "status": .integer(Int.min)],
    ]
    let keys = [
      "match", "fault", "times", "skip", "every", "probability", "id", "spec", "method", "path", "type",
    ]
    for _ in 0..<2_000 {
      var object: [String: DXJSON] = [:]
      for _ in 0..<Int(generator.next() % 5) {
        let key = keys[Int(generator.next() % UInt64(keys.count))]
        object[key] = values[Int(generator.next() % UInt64(values.count))]
      }
      if generator.next() % 2 == 0 { object["fault"] = ["type": "reset"] }
      do {
        _ = try DXFaultRule(json: .object(object))
      } catch {
        #expect(error.platformError.status == 422, "\(object)")
      }
    }
  }
}
