import Testing

@testable import DXMockServer

@Suite("HTTP field values — optional whitespace, integers, bearer credentials")
struct HTTPFieldValueTests {
  @Test(
    "Content-Length-style integers",
    arguments: [
      ("42", 42), (" 42\t", 42), ("0", 0), ("", nil), ("  ", nil), ("-1", nil), ("+5", nil), ("4 2", nil),
      ("0x10", nil), ("١٢", nil), ("99999999999999999999999", nil),
    ] as [(String, Int?)])
  func integers(text: String, expected: Int?) {
    #expect(HTTPFieldValue.integer(text) == expected)
  }

  @Test("optional whitespace is spaces and tabs only")
  func trimming() {
    #expect(HTTPFieldValue.trimmed(" \t a b \t ") == "a b")
    #expect(HTTPFieldValue.trimmed("\u{00A0}x\u{00A0}") == "\u{00A0}x\u{00A0}")
    #expect(HTTPFieldValue.trimmed("   ") == "")
  }

  @Test(
    "bearer credentials, the scheme in any case",
    arguments: [
      ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc  ", "abc"), (" \tBeArEr x-y.z", "x-y.z"),
      ("Bearer ", nil), ("Bearer", nil), ("Basic abc", nil), ("Bearerabc", nil), ("", nil),
      ("Bearer tök", "tök"), ("Bearer \u{301}abc", "abc"), ("Bearer a\r\n", "a\r\n"), ("\tbearer \tq\t", "q"),
      ("Bearer\tabc", nil), ("Bearer  ", nil),
    ] as [(String, String?)])
  func bearer(header: String, expected: String?) {
    #expect(HTTPFieldValue.bearerToken(header) == expected)
    // The ASCII fast path answers plain ASCII values the same, and leaves everything else alone.
    let plain = header.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D }
    #expect(HTTPFieldValue.asciiBearerToken(header) == (plain ? .some(expected) : nil))
    #expect(APIPipeline.bearerToken(header) == expected)
  }
}
