import DXWire
import Testing

@testable import DXMockServer

@Suite("Header names on the request path — the one-pass ASCII comparison answers as the general one")
struct HTTPFieldNameTests {
  static let names = [
    "Authorization", "authorization", "AUTHORIZATION", "Authorizatio", "Authorizations", "Content-Length",
    "content-length", "Retry-After", "retry-after", "RETRY-AFTER", "Retry_After", "Expect", "expect", "Date",
    "DATE", "Dat", "X-Request-ID", "x-request-id", "X-Content-Type-Options", "Transfer-Encoding",
    "Content-Type", "", "Authorizatión", "Ａuthorization", "\u{212A}", "date\u{301}", "Ｄate", "Host",
    // Shorter in bytes than a name looked for, with non-ASCII characters (never a match).
    "ǅ", "İ", "\u{212A}\u{212A}", "Dät", "x-request-\u{130}",
  ]
  static let wanted: [StaticString] = [
    "authorization", "content-length", "retry-after", "expect", "date", "x-request-id", "k", "dz", "kk",
    "i",
  ]

  @Test("matches agrees with DXHTTPHeaders.namesMatch", arguments: names)
  func matches(_ name: String) {
    for lowercased in Self.wanted {
      #expect(
        HTTPFieldName.matches(name, lowercased) == DXHTTPHeaders.namesMatch(name, lowercased.description),
        "\(name) vs \(lowercased)")
    }
  }

  @Test("first finds what the subscript finds")
  func first() {
    let headers = DXHTTPHeaders(Self.names.enumerated().map { ($0.element, "value \($0.offset)") })
    for lowercased in Self.wanted {
      #expect(headers.first(lowercased) == headers[lowercased.description], "\(lowercased)")
    }
    #expect(DXHTTPHeaders().first("authorization") == nil)
    #expect(DXHTTPHeaders([("Authorization", "a"), ("authorization", "b")]).first("authorization") == "a")
  }

  @Test("the server-controlled response fields", arguments: names)
  func serverControlled(_ name: String) {
    let expected = ["content-length", "transfer-encoding", "x-request-id", "x-content-type-options", "date"]
      .contains { DXHTTPHeaders.namesMatch($0, name) }
    #expect(HTTPFieldName.isServerControlled(name) == expected, "\(name)")
  }

  @Test("foldedEqual: ASCII decides, anything else is left to the general comparison")
  func foldedEqual() {
    func folded(_ text: String, _ lower: StaticString) -> Bool?? {
      text.utf8.withContiguousStorageIfAvailable { HTTPFieldName.foldedEqual($0, lower) }
    }
    #expect(folded("HoSt", "host") == true)
    #expect(folded("Hosts", "host") == false)
    #expect(folded("Hist", "host") == false)
    #expect(folded("Hos\u{0074}", "host") == true)
    #expect(folded("Hoſt", "host") == .some(nil))
    #expect(folded("Ｈost", "host") == .some(nil))
  }
}
