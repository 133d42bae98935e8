import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// A clock tests advance by hand.
private final class JournalTestClock: Sendable {
  private let now = DXLock<Int64>(1_700_000_000_000)

  func read() -> Int64 { now.withLock { $0 } }

  func advance(_ ms: Int64) { now.withLock { $0 += ms } }
}

@Suite("Request journal")
struct JournalTests {
  private static let token = "secret-token-123456"

  private func request(
    _ path: String, body: String = "{}", headers: DXHTTPHeaders? = nil, id: String = "req"
  ) -> DXMockRequest {
    DXMockRequest(
      method: "POST", path: path,
      headers: headers ?? ["Authorization": "Bearer \(Self.token)", "Content-Type": "application/json"],
      body: Data(body.utf8), requestID: id)
  }

  @Test("entries exist from receipt, complete later, keep order and timestamps")
  func lifecycle() throws {
    let clock = JournalTestClock()
    let journal = RequestJournal(capacity: 10, clock: { clock.read() })
    let first = journal.begin(request("/system/whoami", id: "r1"))
    clock.advance(5)
    let second = journal.begin(request("/system/greet", id: "r2"))
    var entries = journal.entries()
    #expect(entries.map(\.path) == ["/system/whoami", "/system/greet"])
    #expect(entries.allSatisfy { $0.isPending && $0.outcome == "pending" && $0.status == nil })
    clock.advance(195)
    journal.complete(
      first, status: 503, fault: "status=503", declaredBytes: 80, sentBytes: 80, outcome: "response",
      faultRuleIDs: ["fault-1"], delayMs: 200)
    journal.complete(
      second, status: nil, fault: "reset", declaredBytes: nil, sentBytes: nil, outcome: "reset")
    entries = journal.entries()
    #expect(entries[0].id == first)
    #expect(entries[0].requestID == "r1")
    #expect(entries[0].status == 503)
    #expect(entries[0].receivedAt == 1_700_000_000_000)
    #expect(entries[0].completedAt == 1_700_000_000_200)
    #expect(entries[0].faultRuleIDs == ["fault-1"])
    #expect(entries[0].delayMs == 200)
    #expect(entries[1].outcome == "reset")
    #expect(entries[1].status == nil)
    let json = entries[0].json
    #expect(json["durationMs"] == 200)
    #expect(json["fault"] == "status=503")
    #expect(json["declaredBytes"] == 80)
    #expect(json["sentBytes"] == 80)
    #expect(json["status"] == 503)
    #expect(json["method"] == "POST")
    #expect(json["body"] == "{}")
    #expect(json["bodyEncoding"] == "text")
    #expect(entries[1].json["status"] == .null)
    #expect(entries[1].json["declaredBytes"] == .null)
  }

  @Test("annotate shows a pending request's delay and fault")
  func annotate() {
    let journal = RequestJournal()
    let id = journal.begin(request("/x"))
    journal.annotate(id, fault: nil, faultRuleIDs: ["fault-2"], delayMs: 300)
    let entry = journal.entries()[0]
    #expect(entry.isPending)
    #expect(entry.delayMs == 300)
    #expect(entry.faultRuleIDs == ["fault-2"])
  }

  @Test("complete leaves each request's own ending: what an annotation or a retry said is replaced")
  func completeReplacesAnnotations() {
    let journal = RequestJournal()
    let annotated = journal.begin(request("/a"))
    journal.annotate(annotated, fault: "reset", faultRuleIDs: ["fault-1"], delayMs: 300)
    journal.complete(annotated, status: 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    let plain = journal.begin(request("/b"))
    journal.complete(
      plain, status: 503, fault: "status=503", declaredBytes: 2, sentBytes: 2, outcome: "response",
      faultRuleIDs: ["fault-2"], delayMs: 0, retryAfter: "2")
    let untouched = journal.begin(request("/c"))
    journal.complete(untouched, status: 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    let attempts = journal.attempts()
    #expect(attempts.map(\.fault) == [nil, "status=503", nil])
    #expect(attempts.map(\.faultRuleIDs) == [[], ["fault-2"], []])
    #expect(attempts.map(\.retryAfter) == [nil, "2", nil])
    #expect(journal.entries().map(\.delayMs) == [0, 0, 0])
  }

  @Test("bounded: the oldest are dropped first; completing a dropped entry is ignored")
  func bounded() {
    let journal = RequestJournal(capacity: 3)
    let ids = (1...7).map { journal.begin(request("/r\($0)")) }
    #expect(ids == Array(1...7))
    #expect(journal.entries().map(\.path) == ["/r5", "/r6", "/r7"])
    #expect(journal.count == 3)
    #expect(journal.totalReceived == 7)
    journal.complete(ids[0], status: 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    journal.complete(ids[5], status: 201, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    #expect(journal.entries().map(\.status) == [nil, 201, nil])
    #expect(journal.entry(id: 1) == nil)
    #expect(journal.entry(id: 6)?.status == 201)
  }

  @Test("capacity 0 keeps nothing but still counts")
  func zeroCapacity() {
    let journal = RequestJournal(capacity: 0)
    let id = journal.begin(request("/x"))
    journal.complete(id, status: 200, fault: nil, declaredBytes: 0, sentBytes: 0, outcome: "response")
    #expect(journal.entries().isEmpty)
    #expect(journal.totalReceived == 1)
  }

  @Test("clear drops entries (pending ones are then ignored); IDs keep counting; reset zeroes the count")
  func clearing() {
    let journal = RequestJournal(capacity: 5)
    let pending = journal.begin(request("/a"))
    journal.begin(request("/b"))
    #expect(journal.clear() == 2)
    journal.complete(pending, status: 200, fault: nil, declaredBytes: 0, sentBytes: 0, outcome: "response")
    #expect(journal.entries().isEmpty)
    #expect(journal.begin(request("/c")) == 3)
    #expect(journal.entries().map(\.path) == ["/c"])
    #expect(journal.totalReceived == 3)
    journal.reset()
    #expect(journal.entries().isEmpty)
    #expect(journal.totalReceived == 0)
  }

  @Test("tokens are redacted in Authorization, other headers, path, query and body")
  func redaction() throws {
    let journal = RequestJournal(secrets: [Self.token, "abc"])
    let request = DXMockRequest(
      method: "POST", path: "/x/\(Self.token)", query: [(name: "t", value: "a\(Self.token)b")],
      headers: [
        "Authorization": "Bearer \(Self.token)", "X-Echo": "token=\(Self.token)",
        "Proxy-Authorization": "Basic Zm9v",
        "X-Other": "abc",
      ],
      body: Data(#"{"token":"\#(Self.token)","x":1}"#.utf8))
    journal.begin(request)
    let entry = try #require(journal.entries().first)
    #expect(entry.headers["Authorization"] == "Bearer <redacted>")
    #expect(entry.headers["Proxy-Authorization"] == "Basic <redacted>")
    #expect(entry.headers["X-Echo"] == "token=<redacted>")
    // Tokens shorter than six characters are only masked in Authorization.
    #expect(entry.headers["X-Other"] == "abc")
    #expect(entry.path == "/x/<redacted>")
    #expect(entry.query == [.init(name: "t", value: "a<redacted>b")])
    #expect(entry.body == #"{"token":"<redacted>","x":1}"#)
    #expect(entry.bodySize == request.body.count)
    let text = entry.json.serializedString()
    #expect(!text.contains(Self.token))
  }

  @Test("an unknown token in Authorization is masked too")
  func unknownToken() throws {
    let journal = RequestJournal(secrets: [])
    journal.begin(request("/x", headers: ["authorization": "Bearer not-a-known-token"]))
    #expect(journal.entries().first?.headers["Authorization"] == "Bearer <redacted>")
    #expect(JournalRedactor.maskCredentials("tokenonly") == "<redacted>")
    #expect(JournalRedactor.maskCredentials("bearer x") == "bearer <redacted>")
  }

  @Test("long bodies are capped with a flag; a secret across the cap is still removed")
  func capped() throws {
    let journal = RequestJournal(secrets: [Self.token], bodyCap: 16)
    journal.begin(request("/x", body: String(repeating: "a", count: 40)))
    journal.begin(request("/x", body: String(repeating: "b", count: 10) + Self.token + "tail"))
    journal.begin(request("/x", body: String(repeating: "c", count: 16)))
    let entries = journal.entries()
    #expect(entries[0].body == String(repeating: "a", count: 16))
    #expect(entries[0].bodyTruncated)
    #expect(entries[0].bodySize == 40)
    #expect(entries[1].body == String(repeating: "b", count: 10) + "<redacted>")
    #expect(entries[1].bodyTruncated)
    #expect(entries[2].body == String(repeating: "c", count: 16))
    #expect(!entries[2].bodyTruncated)
    #expect(entries[2].bodyJSON == nil)
  }

  @Test("a capped body keeps the MD5 computed on receipt of the whole body")
  func cappedKeepsMD5() throws {
    let journal = RequestJournal(bodyCap: 4)
    let body = Data(String(repeating: "x", count: 40).utf8)
    var upload = DXMockRequest(method: "PUT", path: "/F/upload/1", body: body)
    upload.bodyMD5 = OperationKey.md5Hex(body)
    journal.begin(upload)
    journal.begin(DXMockRequest(method: "PUT", path: "/F/upload/2", body: body))
    let attempts = journal.attempts()
    #expect(attempts.map(\.bodySize) == [40, 40])
    // The whole body's MD5 from the request; without one, none (the kept part is not the body).
    #expect(attempts.first?.bodyMD5 == OperationKey.md5Hex(body))
    #expect(attempts.last?.bodyMD5 == nil)
    #expect(journal.entries().first?.body == "xxxx")
  }

  @Test("a cap inside a multi-byte character keeps the text whole")
  func cappedUTF8() throws {
    let journal = RequestJournal(bodyCap: 4)
    journal.begin(request("/x", body: "abcé"))  // é is two bytes: the cap falls inside it
    let entry = try #require(journal.entries().first)
    #expect(entry.bodyEncoding == .text)
    #expect(entry.body == "abc")
    #expect(entry.bodyTruncated)
  }

  @Test("binary bodies are base64, redacted byte-wise")
  func binary() throws {
    let journal = RequestJournal(secrets: [Self.token])
    var body = Data([0xFF, 0xFE, 0x00])
    body.append(Data(Self.token.utf8))
    journal.begin(DXMockRequest(method: "PUT", path: "/upload", body: body))
    let entry = try #require(journal.entries().first)
    #expect(entry.bodyEncoding == .base64)
    var expected = Data([0xFF, 0xFE, 0x00])
    expected.append(Data("<redacted>".utf8))
    #expect(entry.bodyData == expected)
    #expect(entry.json["bodyEncoding"] == "base64")
  }

  @Test("an empty body is empty text; JSON bodies parse back")
  func bodies() throws {
    let journal = RequestJournal()
    journal.begin(request("/x", body: ""))
    journal.begin(request("/x", body: #"{"a":[1,2]}"#))
    let entries = journal.entries()
    #expect(entries[0].body == "")
    #expect(entries[0].bodyEncoding == .text)
    #expect(entries[1].bodyJSON == ["a": [1, 2]])
  }

  @Test("concurrent begins and completes lose nothing")
  func concurrent() async {
    let journal = RequestJournal(capacity: 10_000)
    await withTaskGroup(of: Void.self) { group in
      for worker in 0..<8 {
        group.addTask {
          for index in 0..<200 {
            let id = journal.begin(self.request("/w\(worker)/\(index)"))
            journal.complete(id, status: 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
          }
        }
      }
    }
    let entries = journal.entries()
    #expect(entries.count == 1600)
    #expect(entries.map(\.id) == Array(1...1600))
    #expect(entries.allSatisfy { $0.status == 200 })
  }
}
