import CMicroHTTPD
import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// The shortcuts on the path of every request (`make bench-server`): each answers what the general
/// path answers, and faults, the journal and tokens still see every request.
@Suite("Server — the per-request fast paths")
struct HotPathTests {
  // MARK: - Router

  private static func call(_ path: String) -> APICall {
    APICall(
      request: DXMockRequest(method: "POST", path: path), caller: "user-alice", target: "", alias: nil,
      method: "", input: [:])
  }

  @Test func fixedRoutesResolveToTheirPartsAndTheLatestHandler() throws {
    var router = PlatformRouter()
    router.register("/system/whoami") { _ throws(DXPlatformError) in "first" }
    router.register("/system/whoami") { _ throws(DXPlatformError) in "second" }
    router.register("/record-xxxx/describe") { _ throws(DXPlatformError) in "object" }
    guard case .found(let handler, let target, let alias, let method) = router.resolve(path: "/system/whoami")
    else {
      Issue.record("/system/whoami did not resolve")
      return
    }
    #expect(target == "system")
    #expect(method == "whoami")
    #expect(alias == nil)
    #expect(try handler(Self.call("/system/whoami")) == "second")
    // An object route of the same class as a fixed one still resolves through the general path.
    guard
      case .found(let object, let objectTarget, _, let objectMethod) = router.resolve(
        path: "/record-B0000000000000000000000/describe")
    else {
      Issue.record("the object route did not resolve")
      return
    }
    #expect(objectTarget == "record-B0000000000000000000000")
    #expect(objectMethod == "describe")
    #expect(try object(Self.call("/record-B0000000000000000000000/describe")) == "object")
    // Near misses of a fixed route are not found.
    for path in ["/system/whoami/", "/system//whoami", "system/whoami", "/system/whoam", "/System/whoami"] {
      if case .found = router.resolve(path: path) { Issue.record("\(path) resolved") }
    }
  }

  // MARK: - Request body

  @Test(arguments: [0, 1, 2, 13, 14, 15, 100])
  func smallBodiesFinishWithTheirBytes(count: Int) {
    let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
    for md5 in [false, true] {
      var body = RequestBody()
      body.reserve(expected: count, computeMD5: md5)
      let appended = bytes.withUnsafeBytes { body.append($0) }
      #expect(appended)
      let (data, digest) = body.finish()
      #expect(Array(data) == bytes)
      #expect(digest == (md5 ? OperationKey.md5Hex(Data(bytes)) : nil))
    }
  }

  @Test(
    arguments: [
      (16, 1, nil), (16, 16, 16), (17, 1, nil), (17, 16, 17), (30, 10, nil), (30, 10, 2), (5, 5, 40),
      (0, 1, 0),
    ] as [(Int, Int, Int?)])
  func shortBodiesArriveInPlaceAndMoveOutWhenTheyGrow(size: Int, chunk: Int, declared: Int?) {
    // Declared too short (2 for 30 bytes) or not at all: the bytes outgrow the inline room mid-body.
    let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    var body = RequestBody()
    body.reserve(expected: declared ?? 0, computeMD5: false)
    var offset = 0
    while offset < size {
      let end = min(size, offset + chunk)
      let appended = bytes[offset..<end].withUnsafeBytes { body.append($0) }
      #expect(appended)
      offset = end
    }
    #expect(body.count == size)
    #expect(Array(body.finish().data) == bytes)
    body.discard()
    #expect(body.count == 0)
    #expect(body.finish().data.isEmpty)
  }

  // MARK: - API input

  @Test(arguments: [
    ("", true), (" \n\t\r", true), ("{}", true), ("{ }", false), ("{}x", false), ("[]", false), ("{", false),
    ("}{", false),
  ])
  func emptyObjectInputIsReadOnlyFromBodiesThatMeanIt(body: String, known: Bool) throws {
    let input = APIPipeline.emptyObjectInput(Data(body.utf8))
    #expect((input != nil) == known)
    if let input {
      #expect(input == [:])
    } else if let parsed = try? DXJSON(parsing: Data(body.utf8)) {
      // What the parser answers for the rest is its own business; `{ }` is still `{}`.
      if body == "{ }" { #expect(parsed == [:]) }
    }
  }

  // MARK: - Framing

  @Test(
    arguments: [
      [("Host", "h"), ("Content-Length", "2")],
      [("Host", "h"), ("content-length", "007"), ("Content-Length", "7")],
      [("Host", "h"), ("Content-Length", "1"), ("Content-Length", "2")],
      [("Host", "h"), ("Content-Length", "x")],
      [("Host", "h"), ("Transfer-Encoding", "chunked"), ("Content-Length", "3")], [("Host", "h")],
      [("Content-Length", "5")], [("Host", "h"), ("CONTENT-LENGTH", " 4 ")],
    ] as [[(String, String)]])
  func inspectionReportsTheFirstContentLength(fields: [(String, String)]) {
    let headers = DXHTTPHeaders(fields.map { DXHTTPHeaders.Field(name: $0.0, value: $0.1) })
    let inspected = HTTPFraming.inspect(headers: headers, version: "HTTP/1.1")
    #expect(inspected.contentLength == headers.first("content-length"))
  }

  @Test func conflictingLengthsAreAllNamed() {
    let headers = DXHTTPHeaders([
      .init(name: "Host", value: "h"), .init(name: "Content-Length", value: "9"),
      .init(name: "Content-Length", value: "10"), .init(name: "Content-Length", value: "9"),
      .init(name: "Content-Length", value: "010"),
    ])
    let inspected = HTTPFraming.inspect(headers: headers, version: "HTTP/1.1")
    #expect(inspected.problem == "The request has conflicting Content-Length headers (10, 9)")
    #expect(!inspected.expectsBody)
  }

  // MARK: - Field values

  @Test(
    arguments: [
      ("2", 2), ("0", 0), ("007", 7), ("123456789012345678", 123_456_789_012_345_678), (" 2", 2), ("2 ", 2),
      ("", nil), ("-1", nil), ("+1", nil), ("1 2", nil), ("1234567890123456789", 1_234_567_890_123_456_789),
      ("99999999999999999999", nil), ("٣", nil), ("1,2", nil),
    ] as [(String, Int?)])
  func integersReadFromDigitsAsInGeneral(value: String, expected: Int?) {
    #expect(HTTPFieldValue.integer(value) == expected, "\(value)")
    let plain = HTTPFieldValue.plainInteger(value)
    // The fast path answers only plain digits, and then what the general path answers.
    if let plain { #expect(plain == expected) }
    #expect(
      (plain != nil)
        == (value.utf8.count <= 18 && !value.isEmpty && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }))
  }

  @Test(
    arguments: [
      ("Bearer t0k", "t0k"), ("bearer  t0k ", "t0k"), ("BEARER\tt0k", nil), ("Bearer ", nil), ("Bearer", nil),
      ("Basic abc", nil), ("Bearer a b", "a b"), ("\tBearer x", "x"),
    ] as [(String, String?)])
  func bearerTokensReadFromTheBytes(header: String, expected: String?) {
    #expect(HTTPFieldValue.bearerToken(header) == expected, "\(header)")
  }

  @Test(arguments: [
    "Date", "DATE", "x-request-id", "X-Request-ID", "Content-Length", "TRANSFER-ENCODING",
    "X-Content-Type-Options",
    "Content-Type", "Dates", "dat", "x-request-ie", "Content-Lengths", "Retry-After", "X-Content-Type-Option",
    "Dat\u{E9}", "\u{212A}", "X-Request-\u{130}D", "",
  ])
  func serverControlledNamesAreDecidedByLength(name: String) {
    let expected = ["content-length", "transfer-encoding", "x-request-id", "x-content-type-options", "date"]
      .contains { name.lowercased() == $0 }
    #expect(HTTPFieldName.isServerControlled(name) == expected, "\(name)")
  }

  // MARK: - Response fields

  @Test func constantHeaderFieldsReachTheResponse() throws {
    let response = try #require(HTTPResponse.complete(Data("{}".utf8)))
    #expect(response.addHeader(constant: "X-Request-ID", "123-4"))
    #expect(response.addHeader(constant: "X-Content-Type-Options", constant: "nosniff"))
    #expect(!response.addHeader(constant: "X-Bad", "a\r\nb"))
    func value(_ name: String) -> String? {
      MHD_get_response_header(response.handle, name).map { String(cString: $0) }
    }
    #expect(value("X-Request-ID") == "123-4")
    #expect(value("X-Content-Type-Options") == "nosniff")
    #expect(value("X-Bad") == nil)
  }

  // MARK: - Faults, journal and tokens still see every request

  @Test func faultEngineCountsItsRulesWithoutTheLock() throws {
    let engine = FaultEngine(seed: 1)
    #expect(!engine.hasRules)
    #expect(engine.decide(DXMockRequest(method: "POST", path: "/system/whoami")) == .none)
    let id = engine.add(try DXFaultRule(spec: "POST /system/whoami status=503"))
    #expect(engine.hasRules)
    let decided = engine.decide(DXMockRequest(method: "POST", path: "/system/whoami"))
    guard case .status(let code, _, _, _)? = decided.fault else {
      Issue.record("no status fault: \(decided)")
      return
    }
    #expect(code == 503)
    #expect(decided.ruleIDs == [id])
    #expect(engine.remove(id: id))
    #expect(!engine.hasRules)
    engine.add(contentsOf: [try DXFaultRule(spec: "POST /system/whoami status=500")])
    #expect(engine.hasRules)
    engine.clear()
    #expect(!engine.hasRules)
    let started = FaultEngine(seed: 1, initialRules: [try DXFaultRule(spec: "POST /a/b status=500")])
    #expect(started.hasRules)
    started.clear()
    started.reset()
    #expect(started.hasRules)
  }

  @Test func rulesTokensAndTheJournalSeeRequestsBeforeAndAfterAnyRuleExists() async throws {
    try await withServer { server in
      // No rule yet: the journal has the plain answer.
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
      var entry = try #require(server.journal().last)
      #expect(entry.status == 200)
      #expect(entry.outcome == "response")
      #expect(entry.fault == nil)
      #expect(entry.faultRuleIDs.isEmpty)
      #expect(entry.delayMs == 0)
      // A rule added now applies to the very next request, and the journal names it.
      let id = server.addFault(try DXFaultRule(spec: "POST /system/whoami status=503"))
      #expect(try await server.rawExchange(path: "/system/whoami").status == 503)
      entry = try #require(server.journal().last)
      #expect(entry.status == 503)
      #expect(entry.faultRuleIDs == [id])
      #expect(entry.fault != nil)
      #expect(server.removeFault(id: id))
      // A delay rule: the request waits and the journal says how long.
      let delay = server.addFault(try DXFaultRule(spec: "POST /system/whoami delay=20"))
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
      entry = try #require(server.journal().last)
      #expect(entry.delayMs == 20)
      #expect(entry.faultRuleIDs == [delay])
      server.clearFaults()
      // Rules gone: plain answers again, and an unknown token is still refused.
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
      #expect(try #require(server.journal().last).faultRuleIDs.isEmpty)
      #expect(try await server.rawExchange(path: "/system/whoami", token: "not-a-token").status == 401)
      #expect(server.journal().count == 5)
    }
  }

  @Test func theJournalRecordsInPlaceAndKeepsOnlyTheBodyWindow() {
    let journal = RequestJournal(capacity: 2, bodyCap: 4)
    let ids = (0..<3).map {
      journal.begin(
        DXMockRequest(method: "POST", path: "/p\($0)", body: Data("abcdefgh".utf8), requestID: "r\($0)"))
    }
    #expect(ids == [1, 2, 3])
    let entries = journal.entries()
    #expect(entries.map(\.path) == ["/p1", "/p2"])
    #expect(entries.map(\.requestID) == ["r1", "r2"])
    for entry in entries {
      #expect(entry.bodySize == 8)
      #expect(entry.bodyTruncated)
      #expect(entry.body == "abcd")
      #expect(entry.isPending)
    }
    journal.complete(3, status: 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    #expect(journal.entry(id: 3)?.status == 200)
    #expect(journal.totalReceived == 3)
  }

  @Test func theJournalRingKeepsEveryRequestFromConcurrentThreadsInOrderOfItsIDs() async throws {
    let journal = RequestJournal(capacity: 50)
    let ids = try await withThrowingTaskGroup(of: [Int].self) { group in
      for thread in 0..<4 {
        group.addTask {
          try await onDedicatedThread {
            (0..<100).map { index in
              let id = journal.begin(
                DXMockRequest(method: "POST", path: "/t\(thread)/\(index)", requestID: "\(thread)-\(index)"))
              journal.complete(
                id, status: 200 + thread, fault: nil, declaredBytes: 0, sentBytes: 0, outcome: "response")
              return id
            }
          }
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(Set(ids) == Set(1...400))
    #expect(journal.totalReceived == 400)
    let entries = journal.entries()
    // The 50 newest, oldest first, each completed with its own thread's status.
    #expect(entries.map(\.id) == Array(351...400))
    for entry in entries {
      let thread = Int(entry.requestID.prefix { $0 != "-" }) ?? -1
      #expect(entry.status == 200 + thread)
      #expect(entry.path.hasPrefix("/t\(thread)/"))
    }
    journal.complete(1, status: 500, fault: nil, declaredBytes: nil, sentBytes: nil, outcome: "response")
    #expect(journal.entry(id: 1) == nil)
    #expect(journal.clear() == 50)
    #expect(journal.entries().isEmpty)
  }

  // MARK: - Exchange hand-off

  @Test func anAwaitedPlanIsTakenOnce() {
    let exchange = HTTPExchange(
      method: "POST", path: "/system/whoami", requestID: "1-1", headers: [:], query: [],
      remoteAddress: "127.0.0.1", declaredLength: nil)
    exchange.withHandoff { $0.plan = .empty }
    let first = exchange.takeAwaitedPlan()
    #expect(first.plan != nil)
    #expect(!first.cancelled)
    exchange.withHandoff { $0.cancelled = true }
    let second = exchange.takeAwaitedPlan()
    #expect(second.plan == nil)
    #expect(second.cancelled)
  }
}
