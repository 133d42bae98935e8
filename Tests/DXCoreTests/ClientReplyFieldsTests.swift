import DXWire
import Testing

@testable import DXCore

@Suite("Client — the reply fields read in one pass")
struct ClientReplyFieldsTests {
  static let cases: [[(String, String)]] = [
    [],
    [("Server", "nginx"), ("Date", "x"), ("Content-Type", "application/json"), ("Content-Length", "19")],
    [("content-type", "a"), ("CONTENT-TYPE", "b"), ("x-request-id", "r1"), ("X-Request-ID", "r2")],
    [("Content-Length", "1"), ("content-length", "2"), ("Content-Lengths", "3"), ("Content-Typ", "4")],
    [("X-Request-Id", "id"), ("Content-Type", ""), ("Content-Length", " 7 ")],
    // Non-ASCII names: compared as `headers[name]` compares them (case folding, never by length alone).
    [("Content-Typ\u{212A}", "kelvin"), ("C\u{F6}ntent-Type", "o"), ("Content-Type", "plain")],
    [("X-Request-\u{130}D", "dotted"), ("Content-Length", "0"), ("X-Other", "z")],
  ]

  @Test("the same answers as the headers' subscript, for each name", arguments: 0..<cases.count)
  func sameAsSubscript(index: Int) {
    let headers = DXHTTPHeaders(Self.cases[index])
    let fields = DXClient.replyFields(headers)
    #expect(fields.requestID == headers["X-Request-ID"])
    #expect(fields.contentType == headers["Content-Type"])
    #expect(fields.contentLength == headers["Content-Length"])
  }
}
