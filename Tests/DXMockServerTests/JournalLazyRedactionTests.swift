import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Request journal: raw recording, redaction on read")
struct JournalLazyRedactionTests {
  private static let token = "lazy-secret-token-98765"

  @Test("every read redacts the same way, however often and in whichever form")
  func readsAreRedacted() throws {
    let journal = RequestJournal(secrets: [Self.token], bodyCap: 32)
    let id = journal.begin(
      DXMockRequest(
        method: "POST", path: "/file-\(Self.token)/x", query: [(name: "t", value: Self.token)],
        headers: ["Authorization": "Bearer \(Self.token)", "X-Echo": "k=\(Self.token)"],
        body: Data(
          (String(repeating: "z", count: 20) + Self.token + String(repeating: "y", count: 100)).utf8),
        requestID: "r1"))
    journal.complete(id, status: 200, fault: nil, declaredBytes: 2, sentBytes: 2, outcome: "response")
    let listed = try #require(journal.entries().first)
    let single = try #require(journal.entry(id: id))
    #expect(listed == single)
    #expect(journal.entries().first == listed)
    #expect(listed.path == "/file-<redacted>/x")
    #expect(listed.query == [DXJournalEntry.QueryItem(name: "t", value: "<redacted>")])
    #expect(listed.headers["Authorization"] == "Bearer <redacted>")
    #expect(listed.headers["X-Echo"] == "k=<redacted>")
    #expect(listed.body == String(repeating: "z", count: 20) + "<redacted>")
    #expect(listed.bodyTruncated)
    #expect(listed.bodySize == 20 + Self.token.utf8.count + 100)
    #expect(listed.status == 200)
    let rendered = String(decoding: listed.json.serialized(sortedKeys: true), as: UTF8.self)
    #expect(!rendered.contains(Self.token))
  }

  @Test("a body far longer than the cap reports its full size and shows only the cap")
  func largeBody() throws {
    let journal = RequestJournal(secrets: [Self.token], bodyCap: 1024)
    let body = Data(repeating: UInt8(ascii: "q"), count: 1 << 20)
    journal.begin(DXMockRequest(method: "PUT", path: "/upload", body: body))
    let entry = try #require(journal.entries().first)
    #expect(entry.bodySize == 1 << 20)
    #expect(entry.body == String(repeating: "q", count: 1024))
    #expect(entry.bodyTruncated)
  }

  @Test("capacity 0 records nothing, yet IDs and the count go on")
  func capacityZero() {
    let journal = RequestJournal(capacity: 0, secrets: [Self.token])
    let first = journal.begin(DXMockRequest(method: "GET", path: "/a"))
    let second = journal.begin(DXMockRequest(method: "GET", path: "/b"))
    journal.annotate(second, fault: "reset", faultRuleIDs: ["fault-1"], delayMs: 0)
    journal.complete(second, status: 200, fault: nil, declaredBytes: 0, sentBytes: 0, outcome: "response")
    #expect(second == first + 1)
    #expect(journal.entries().isEmpty)
    #expect(journal.entry(id: second) == nil)
    #expect(journal.totalReceived == 2)
  }

  @Test("header names match ignoring ASCII case, as lowercased() would")
  func headerNames() {
    #expect(DXHTTPHeaders.namesMatch("Content-Length", "content-length"))
    #expect(DXHTTPHeaders.namesMatch("X-REQUEST-ID", "x-request-id"))
    #expect(DXHTTPHeaders.namesMatch("", ""))
    #expect(!DXHTTPHeaders.namesMatch("Date", "Dates"))
    #expect(!DXHTTPHeaders.namesMatch("Date", "Data"))
    #expect(!DXHTTPHeaders.namesMatch("[", "{"))  // 0x5B and 0x7B differ only in bit 0x20
    #expect(DXHTTPHeaders.namesMatch("Ä-Name", "ä-name"))
    #expect(!DXHTTPHeaders.namesMatch("Ä", "A"))
    let headers: DXHTTPHeaders = ["Content-Type": "a", "content-type": "b", "Accept": "c"]
    #expect(headers["CONTENT-TYPE"] == "a")
    #expect(headers.values(for: "content-TYPE") == ["a", "b"])
    #expect(headers["Missing"] == nil)
  }
}
