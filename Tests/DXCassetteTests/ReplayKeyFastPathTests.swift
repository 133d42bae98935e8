import DXCore
import Foundation
import Testing

@testable import DXCassette

/// The replay path's shortcuts (byte searches, the ASCII URL path, the copy-free canonical body) give
/// the answers of the general code they stand in front of.
@Suite("Replay key fast paths")
struct ReplayKeyFastPathTests {
  @Test(
    "byte search: found, absent, at either end, overlapping starts, empty needle",
    arguments: [
      ("abc", "xxabcxx", true), ("abc", "abc", true), ("abc", "zabc", true), ("abc", "abcz", true),
      ("abc", "ab", false), ("abc", "abdabd", false), ("aab", "aaab", true), ("", "x", true),
      ("tok", "", false), ("é", "café", true), ("é", "cafe", false),
    ])
  func byteSearch(needle: String, haystack: String, expected: Bool) {
    #expect(DXByteSearch.occurs(needle.utf8, in: haystack.utf8) == expected)
    #expect(DXByteSearch.occurs(needle.utf8, in: Data(haystack.utf8)) == expected)
  }

  @Test(
    "the ASCII path of a URL is the general one",
    arguments: [
      "http://h:1/a/b?x=1", "http://h/", "http://h", "https://h:8/a?b?c", "/a/b?q", "/a", "", "?x",
      "a://b", "http://h/a:b//c?d", "http://h?x=/y", "noscheme", "http:/h/a",
    ])
  func urlPath(url: String) {
    #expect(DXCassetteURL.asciiPath(of: url) == Self.generalPath(url))
    #expect(DXCassetteURL.path(of: url) == Self.generalPath(url))
  }

  @Test("a non-ASCII URL takes the general path")
  func nonASCIIURL() {
    #expect(DXCassetteURL.path(of: "http://hé/ä/b?x") == "/ä/b")
  }

  /// The path as `DXCassetteURL.path(of:)` computed it before its ASCII shortcut.
  static func generalPath(_ url: String) -> String {
    let withoutQuery =
      url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? url
    guard let schemeEnd = withoutQuery.range(of: "://") else {
      return withoutQuery.isEmpty ? "/" : withoutQuery
    }
    let afterScheme = withoutQuery[schemeEnd.upperBound...]
    guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
    return String(afterScheme[slash...])
  }

  @Test("secrets are replaced in text and bytes only where they occur; other input is returned as is")
  func replace() {
    let values = ["sekrit-token", "tok2"]
    #expect(DXSecretScanner.replace(values, with: "[R]", in: "a sekrit-token b tok2") == "a [R] b [R]")
    #expect(DXSecretScanner.replace(values, with: "[R]", in: "nothing here") == "nothing here")
    #expect(DXSecretScanner.replace(values, with: "[R]", in: "café sekrit-token") == "café [R]")
    let body = Data(#"{"a":"sekrit-token","b":1}"#.utf8)
    #expect(DXSecretScanner.replace(values, with: "[R]", in: body) == Data(#"{"a":"[R]","b":1}"#.utf8))
    let clean = Data(#"{"a":"x"}"#.utf8)
    #expect(DXSecretScanner.replace(values, with: "[R]", in: clean) == clean)
    #expect(DXSecretScanner.replace([], with: "[R]", in: "sekrit-token") == "sekrit-token")
  }

  @Test(
    "an Authorization value's credential found on the bytes is split's second part",
    arguments: [
      "Bearer abc", "Bearer  abc", " Bearer abc", "  Bearer", "Bearer ", "Bearer", "", " ", "   ", "a b c",
      "Basic dXNlcjpwYXNz", "Bearer\tabc", "Bearer abc ", "Bearer é", "Béarer abc", "x\r\n y",
    ])
  func credential(value: String) {
    let parts = value.split(separator: " ", maxSplits: 1)
    #expect(DXSecretScanner.credential(of: value) == (parts.count == 2 ? String(parts[1]) : value))
  }

  @Test("the credential of Authorization and Proxy-Authorization is a secret, spaces trimmed")
  func credentials() {
    let scanner = DXSecretScanner()
    func secrets(_ headers: DXHTTPHeaders) -> [String] {
      scanner.secrets(for: DXTransportRequest(method: "POST", url: "http://h/x", headers: headers))
    }
    #expect(secrets(["Authorization": "Bearer abcdef"]) == ["abcdef"])
    #expect(secrets(["authorization": "Bearer abcdef\t"]) == ["abcdef"])
    #expect(secrets(["Authorization": "Bearer  abcdef"]) == ["abcdef"])
    #expect(secrets(["Authorization": "Bearer \u{00A0}abcdef"]) == ["abcdef"])
    #expect(secrets(["Authorization": "Bearer [REDACTED]"]) == [])
    #expect(secrets(["Authorization": "Bearer abc"]) == [])
    #expect(
      Set(secrets(["Authorization": "Bearer abcdef", "Proxy-Authorization": "Basic longer-one"]))
        == ["abcdef", "longer-one"])
    #expect(
      secrets(["Authorization": "Bearer abcdef", "Proxy-Authorization": "Basic longer-one"]).first
        == "longer-one")
    #expect(DXSecretScanner.hasNoOuterSpace("abc") && DXSecretScanner.hasNoOuterSpace(""))
    #expect(!DXSecretScanner.hasNoOuterSpace(" abc") && !DXSecretScanner.hasNoOuterSpace("abc\t"))
    #expect(!DXSecretScanner.hasNoOuterSpace("\u{00A0}abc"))
  }

  @Test("the canonical body leaves out ignored fields at any depth and dotted paths only there")
  func canonicalBody() throws {
    let matching = DXCassetteMatching(ignoredBodyFields: ["nonce", "input.seed"])
    let body = Data(
      #"{"nonce":"n","input":{"seed":1,"nonce":"m","keep":[{"nonce":2,"seed":3}]},"seed":4,"s":"x [REDACTED] y"}"#
        .utf8)
    let canonical = try #require(matching.canonicalBody(body, placeholder: "[REDACTED]"))
    #expect(
      canonical == ["input": ["keep": [["seed": 3]]], "seed": 4, "s": "[REDACTED]"])
    let plain = Data(#"{"a":[1,{"b":"c"}],"d":null}"#.utf8)
    #expect(
      DXCassetteMatching.default.canonicalBody(plain, placeholder: "[REDACTED]") == [
        "a": [1, ["b": "c"]], "d": .null,
      ])
    #expect(
      DXCassetteMatching.default.canonicalBody(Data("[1,2]".utf8), placeholder: "[REDACTED]") == [1, 2])
    #expect(DXCassetteMatching.default.canonicalBody(Data("not json".utf8), placeholder: "[REDACTED]") == nil)
    #expect(
      DXCassetteMatching.contains("[R]", in: "a[R]b") && !DXCassetteMatching.contains("[R]", in: "a[Rb"))
    #expect(DXCassetteMatching.contains("[R]", in: "é[R]") && !DXCassetteMatching.contains("[R]", in: "é"))
  }

  @Test(
    "stored headers read on their bytes are the general decoding's; anything else takes the general code",
    arguments: [
      #"[]"#, #"[["Content-Type","application/json"]]"#, #"[["A","1"],["a","2"],["X-Id","req-1"]]"#,
      #"[["Name","café ☕"]]"#, #"[["",""]]"#, #"[["Q","a\"b"]]"#, #"[["U","\u00e9"]]"#,
      #"[ ["A","1"] ]"#, #"[["A","1"],]"#, #"[["A"]]"#, #"[["A","1","2"]]"#, #"[["A",1]]"#, #"[["A","1"]"#,
      #"[["A","1"]]x"#, #"{}"#, #"["A"]"#, "[[\"A\",\"tab\there\"]]", "[[\"A\",\"\u{01}\"]]",
    ])
  func storedHeaders(text: String) throws {
    let general = Self.generalHeaders(text)
    if let fields = DXCassette.Row.compactHeaderFields(text) {
      #expect(DXHTTPHeaders(fields) == general, "\(text)")
    }
    #expect((try? DXCassette.Row.decodeHeaders(text)) == general, "\(text)")
  }

  @Test("headers as the cassette writes them are read on their bytes")
  func storedHeadersFastPath() {
    let headers = DXHTTPHeaders([
      ("Content-Type", "application/json"), ("X-Request-ID", "req-1"), ("Vary", ""),
    ])
    let text = DXCassette.Row.encodeHeaders(headers)
    #expect(DXCassette.Row.compactHeaderFields(text).map { DXHTTPHeaders($0) } == headers)
  }

  /// The headers as `DXCassette.Row.decodeHeaders` read them before its byte shortcut, `nil` when it threw.
  static func generalHeaders(_ text: String) -> DXHTTPHeaders? {
    guard let pairs = (try? DXJSON(parsing: text))?.arrayValue else { return nil }
    var fields: [DXHTTPHeaders.Field] = []
    for pair in pairs {
      guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
        let value = items[1].stringValue
      else { return nil }
      fields.append(.init(name: name, value: value))
    }
    return DXHTTPHeaders(fields)
  }

  @Test("a live request with a fresh nonce and another key order replays the recorded interaction")
  func replayMatches() async throws {
    let cassette = try DXCassette(path: CassetteTestSupport.cassettePath())
    let recorded = DXTransportRequest(
      method: "POST", url: "http://127.0.0.1:8080/record-1/describe",
      headers: ["Authorization": "Bearer live-token-1234"],
      body: Data(#"{"nonce":"a","fields":{"name":true},"project":"project-1"}"#.utf8))
    try cassette.append(
      .init(request: recorded, outcome: .response(CassetteTestSupport.ok(#"{"id":"record-1"}"#))))
    var live = recorded
    live.body = Data(#"{"project":"project-1","fields":{"name":true},"nonce":"b"}"#.utf8)
    let response = try await DXReplayTransport(cassette: cassette).send(live)
    #expect(response.body == Data(#"{"id":"record-1"}"#.utf8))
  }
}
