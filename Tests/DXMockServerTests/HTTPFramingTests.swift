import DXWire
import Testing

@testable import DXMockServer

@Suite("HTTP framing checks on a request head — the one-pass field classification and its answers")
struct HTTPFramingTests {
  @Test(
    "framingField names the same fields the general case-insensitive comparison does",
    arguments: [
      "Content-Length", "content-length", "CONTENT-LENGTH", "Content-Lengt", "Content-Lengths",
      "Content_Length",
      "Transfer-Encoding", "transfer-ENCODING", "Transfer-Encodin", "Host", "host", "HOST", "Hos", "Hosts",
      "Contént-Length", "Ｈost", "\u{212A}ost", "", "Content-Type", "Authorization", "X-Host",
      // Classified by length first; a non-ASCII name (of 4 bytes, as "Hös", or any other length) takes
      // the general comparison.
      "Hös", "hOsT", "Content-Lengtħ", "Transfer-Encodinǵ", "Hos\u{0}", "Ḧost", "X-Forwarded-For",
    ])
  func classification(_ name: String) {
    let expected: HTTPFraming.FramingField? =
      if DXHTTPHeaders.namesMatch(name, "Content-Length") {
        .contentLength
      } else if DXHTTPHeaders.namesMatch(name, "Transfer-Encoding") {
        .transferEncoding
      } else if DXHTTPHeaders.namesMatch(name, "Host") {
        .host
      } else {
        nil
      }
    #expect(HTTPFraming.framingField(name) == expected)
  }

  static func head(_ fields: [(String, String)]) -> DXHTTPHeaders { DXHTTPHeaders(fields) }

  @Test("problem: lengths compare as numbers, conflicts and bad framing are named, a clean head passes")
  func problems() {
    let cases: [([(String, String)], String?)] = [
      ([("Host", "h"), ("Content-Length", "2")], nil),
      ([("host", "h"), ("content-length", "02"), ("CONTENT-LENGTH", "2")], nil),
      (
        [("Host", "h"), ("Content-Length", "2"), ("Content-Length", "3")],
        "The request has conflicting Content-Length headers (2, 3)"
      ),
      ([("Host", "h"), ("Content-Length", " 5 ")], nil),
      ([("Host", "h"), ("Content-Length", "1,1")], nil),
      (
        [("Host", "h"), ("Content-Length", "1, 2")],
        "The request has conflicting Content-Length headers (1, 2)"
      ),
      ([("Host", "h"), ("Content-Length", "0"), ("Content-Length", "000")], nil),
      (
        [("Host", "h"), ("Content-Length", "x1")], "The Content-Length header \"x1\" is not a decimal number"
      ),
      ([("Host", "h"), ("Content-Length", "")], "The Content-Length header \"\" is not a decimal number"),
      (
        [("Host", "h"), ("Transfer-Encoding", "chunked"), ("Content-Length", "4")],
        "The request has both Transfer-Encoding and Content-Length headers"
      ),
      (
        [("Host", "h"), ("transfer-encoding", "gzip")],
        "The Transfer-Encoding \"gzip\" is not supported; use chunked"
      ),
      ([("Host", "h"), ("Transfer-Encoding", "Chunked")], nil),
      ([("Content-Length", "2")], "An HTTP/1.1 request needs a Host header"),
      ([("Host", "a"), ("HOST", "b")], "The request has more than one Host header"),
    ]
    for (fields, expected) in cases {
      #expect(HTTPFraming.problem(headers: Self.head(fields), version: "HTTP/1.1") == expected, "\(fields)")
    }
    #expect(HTTPFraming.problem(headers: Self.head([("Content-Length", "2")]), version: "HTTP/1.0") == nil)
  }

  @Test(
    "expectsBody: a non-zero first Content-Length, or any Transfer-Encoding",
    arguments: [
      ([("Content-Length", "0")], false), ([("Content-Length", "000")], false),
      ([("Content-Length", "10")], true),
      ([("content-length", "2")], true), ([("Content-Length", " 0\t")], false),
      ([("Content-Length", "0 0")], true),
      ([("Content-Length", "0"), ("Content-Length", "5")], false), ([("Transfer-Encoding", "chunked")], true),
      ([("Host", "h")], false), ([], false), ([("Content-Length", "٠")], true),
    ] as [([(String, String)], Bool)])
  func expectsBody(_ fields: [(String, String)], _ expected: Bool) {
    #expect(HTTPFraming.expectsBody(headers: Self.head(fields)) == expected)
    // The one-pass inspection the daemon uses agrees whenever the head has no problem.
    let inspected = HTTPFraming.inspect(headers: Self.head(fields), version: "HTTP/1.0")
    if inspected.problem == nil { #expect(inspected.expectsBody == expected, "\(fields)") }
  }

  @Test(
    "inspect: the problem and, without one, expectsBody, as the two separate checks answer",
    arguments: [
      [("Host", "h"), ("Content-Length", "2")], [("Host", "h"), ("Content-Length", "0")],
      [("Host", "h"), ("Transfer-Encoding", "chunked")], [("Host", "h"), ("Transfer-Encoding", "")],
      [("Host", "h"), ("Transfer-Encoding", "chunked"), ("Content-Length", "0")], [("Host", "h")],
      [("Transfer-Encoding", "chunked")], [("Host", "h"), ("Content-Length", "0"), ("Content-Length", "00")],
      [("Host", "h"), ("Content-Length", " 7 "), ("Content-Length", "7")], [("Host", "a"), ("host", "b")],
      [("Host", "h"), ("Content-Length", "1,1")], [("Host", "h"), ("Content-Length", "x")],
      [("Host", "h"), ("transfer-encoding", "chunked"), ("HOST", "i")],
    ] as [[(String, String)]])
  func inspect(_ fields: [(String, String)]) {
    for version in ["HTTP/1.1", "HTTP/1.0"] {
      let inspected = HTTPFraming.inspect(headers: Self.head(fields), version: version)
      let problem = HTTPFraming.problem(headers: Self.head(fields), version: version)
      #expect(inspected.problem == problem, "\(fields) \(version)")
      let body = problem == nil && HTTPFraming.expectsBody(headers: Self.head(fields))
      #expect(inspected.expectsBody == body, "\(fields) \(version)")
    }
  }

  @Test("plainDigits: only-digit values without leading zeros; anything else is left to the general path")
  func plainDigits() {
    #expect(HTTPFraming.plainDigits("42") == "42")
    #expect(HTTPFraming.plainDigits("0042") == "42")
    #expect(HTTPFraming.plainDigits("000") == "0")
    #expect(HTTPFraming.plainDigits("") == nil)
    #expect(HTTPFraming.plainDigits(" 4") == nil)
    #expect(HTTPFraming.plainDigits("4,4") == nil)
    #expect(HTTPFraming.plainDigits("٤") == nil)
  }
}
