import DXCore
import Foundation
import Testing

@testable import DXCassette

/// A fixture file of this test target (`Tests/DXCassetteTests/Fixtures/NAME`).
func interchangeFixture(_ name: String) throws -> Data {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "Fixtures/\(name)")
  return try Data(contentsOf: url)
}

/// HAR 1.2 and VCR.py import/export: real files from real tools, round trips, edge cases.
@Suite("Interchange: HAR and VCR.py")
struct InterchangeTests {
  /// The sample interactions with timings, tags and a maximum age.
  static func richSample() -> [DXCassetteInteraction] {
    var sample = ToolExportTests.sample()
    sample[0].timeToHeaders = .microseconds(900)
    sample[0].tags = ["test-whoami", "smoke"]
    sample[0].expiresAfter = .seconds(86_400)
    return sample
  }

  // MARK: - VCR.py

  @Test("a VCR.py cassette recorded by vcrpy from a dxpy session imports, token redacted")
  func vcrpyFixture() throws {
    let converted = try DXCassetteVCR.interactions(
      fromYAML: try interchangeFixture("dxpy-session.vcrpy.yaml"),
      now: Date(timeIntervalSince1970: 1_800_000_000))
    #expect(converted.value.count == 9)
    let first = try #require(converted.value.first)
    #expect(first.request.method == "POST")
    #expect(first.path == "/system/whoami")
    #expect(first.response?.status == 200)
    #expect(String(decoding: first.response?.body ?? Data(), as: UTF8.self) == #"{"id":"user-alice"}"#)
    #expect(first.request.headers["DNAnexus-API"] == "1.0.0")
    #expect(first.recordedAt == Date(timeIntervalSince1970: 1_800_000_000))
    let notFound = try #require(converted.value.last)
    #expect(notFound.response?.status == 404)
    // The record's details hold "café": VCR.py wrote the response body as text, imported as UTF-8.
    #expect(
      converted.value.contains {
        String(decoding: $0.response?.body ?? Data(), as: UTF8.self).contains("caf\u{e9}")
      })
    try withToolDirectory { directory in
      let path = directory + "/dxpy.dxcassette"
      let report = try DXCassetteTool.importFile(
        try interchangeFixture("dxpy-session.vcrpy.yaml"), from: .vcrpy, to: path)
      #expect(report.text.hasPrefix("imported 9 interactions"))
      let export = try DXCassetteTool.export(path)
      #expect(!export.contains("vcrpy-interop-token"))
      #expect(export.contains("Bearer [REDACTED]"))
      #expect(try DXCassetteTool.audit(path).isClean)
    }
  }

  @Test("VCR.py: import → export → import is identical, and export is deterministic")
  func vcrpyRoundTrip() throws {
    let now = Date(timeIntervalSince1970: 1_800_000_000.5)
    let first = try DXCassetteVCR.interactions(
      fromYAML: try interchangeFixture("dxpy-session.vcrpy.yaml"), now: now)
    let yaml = DXCassetteVCR.document(for: first.value)
    #expect(yaml.notes.isEmpty)
    let second = try DXCassetteVCR.interactions(fromYAML: Data(yaml.value.utf8), now: now)
    #expect(second.value == first.value)
    #expect(DXCassetteVCR.document(for: second.value).value == yaml.value)
  }

  @Test("VCR.py export: binary as !!binary, null bodies, quoting that reads back, faults reported")
  func vcrpyExportEdges() throws {
    var sample = Self.richSample()
    sample[0].request.headers.add(name: "X-Odd", value: "yes")
    sample[0].request.headers.add(name: "X-Quote", value: "it's \"quoted\"\ttab\u{1}")
    let document = DXCassetteVCR.document(for: sample)
    #expect(document.value.contains("!!binary |"))
    #expect(document.value.contains("body: null"))
    #expect(document.value.contains("- 'yes'"))
    #expect(document.value.hasSuffix("version: 1\n"))
    let notes = document.notes.map(\.description)
    #expect(notes.contains { $0.hasPrefix("#7: no response (connectionReset)") })
    #expect(notes.contains { $0.hasPrefix("#2: body cut short (9 of 19 bytes)") })
    #expect(notes.contains { $0.hasPrefix("#3: body delimited by closing the connection") })
    #expect(notes.contains { $0.hasPrefix("#1: tags and maximum age left out") })
    let back = try DXCassetteVCR.interactions(fromYAML: Data(document.value.utf8), now: Date())
    #expect(back.value.count == 3)
    #expect(back.value[0].request.headers["X-Quote"] == "it's \"quoted\"\ttab\u{1}")
    #expect(back.value[0].request.headers["X-Odd"] == "yes")
    #expect(back.value[0].request.body == sample[0].request.body)
    #expect(back.value[2].request.body == Data([0, 255, 1]))
    #expect(back.value[1].response?.body == Data(#"{"id":"us"#.utf8))
  }

  @Test("VCR.py import: what is invalid is named; reason phrases that differ are noted")
  func vcrpyInvalid() throws {
    func failure(_ yaml: String) -> String? {
      do {
        _ = try DXCassetteVCR.interactions(fromYAML: Data(yaml.utf8))
        return nil
      } catch {
        return error.message
      }
    }
    #expect(failure("interactions: [") != nil)
    #expect(failure("interactions: []\n")?.contains("version") == true)
    #expect(failure("interactions: []\nversion: 2\n")?.contains("version 2") == true)
    #expect(failure("interactions: 3\nversion: 1\n")?.contains("interactions") == true)
    let noStatus = """
      interactions:
      - request: {method: GET, uri: 'http://h/x', body: null, headers: {}}
        response: {body: {string: ''}, headers: {}}
      version: 1
      """
    #expect(failure(noStatus)?.contains("interactions[0].response.status.code") == true)
    let reason = """
      interactions:
      - request: {method: GET, uri: 'http://h/x', body: null, headers: {}}
        response: {body: {string: ''}, headers: {}, status: {code: 200, message: Fine}}
      version: 1
      """
    let converted = try DXCassetteVCR.interactions(fromYAML: Data(reason.utf8))
    #expect(
      converted.notes.map(\.description) == [
        #"interactions[0]: status message "Fine" not kept (replayed as "OK")"#
      ])
    #expect(failure("\u{0}\u{ff}") != nil)
  }

  // MARK: - HAR

  @Test("a HAR written by mitmproxy imports with its timings, binary bodies and a 404")
  func harFixture() throws {
    let converted = try DXCassetteHAR.interactions(fromHAR: try interchangeFixture("mitmproxy-session.har"))
    #expect(converted.value.count == 10)
    let whoami = converted.value[0]
    #expect(whoami.path == "/system/whoami")
    #expect(whoami.response?.status == 200)
    let headers = try #require(whoami.timeToHeaders)
    #expect(headers > .zero && headers <= whoami.duration)
    #expect(DXCassetteTimestamp.string(for: whoami.recordedAt) == "2026-12-03T18:09:38.031Z")
    let upload = converted.value[5]
    #expect(upload.request.method == "PUT")
    #expect(upload.request.body.count == 18)
    #expect(upload.request.body.prefix(5) == Data([0, 1, 2, 0xFF, 0xFE]))
    #expect(converted.value[8].response?.body.count == 18)
    #expect(converted.value[9].response?.status == 404)
    #expect(converted.notes.map(\.location) == ["entries[5]", "entries[8]"])
  }

  @Test(
    "HAR: export → import is lossless (faults, tags, timings, binary), import → export → import identical")
  func harRoundTrip() throws {
    let sample = Self.richSample()
    let document = DXCassetteHAR.document(for: sample)
    #expect(document.notes.isEmpty)
    let back = try DXCassetteHAR.interactions(fromHAR: Data(document.value.utf8))
    #expect(back.notes.isEmpty)
    #expect(back.value.count == sample.count)
    for (original, imported) in zip(sample, back.value) {
      var expected = original
      expected.id = nil
      expected.sequence = 0
      if expected.timeToHeaders == nil { expected.timeToHeaders = expected.duration }
      expected.recordedAt = try #require(
        DXCassetteTimestamp.date(from: DXCassetteTimestamp.string(for: expected.recordedAt)))
      #expect(imported == expected)
    }
    let fixture = try DXCassetteHAR.interactions(fromHAR: try interchangeFixture("mitmproxy-session.har"))
    let again = try DXCassetteHAR.interactions(
      fromHAR: Data(DXCassetteHAR.document(for: fixture.value).value.utf8))
    #expect(again.value == fixture.value)
    #expect(again.notes.isEmpty)
  }

  @Test("HAR import: browser shapes (status 0, pseudo-headers, encoded bodies, form params, offsets)")
  func harBrowserShapes() throws {
    let har = #"""
      {"log": {"version": "1.2", "entries": [
        {"startedDateTime": "2026-01-02T03:04:05.678+01:00", "time": 12.5,
         "request": {"method": "POST", "url": "https://api.example/system/whoami",
           "headers": [{"name": ":authority", "value": "api.example"}, {"name": "Content-Type", "value": "application/json"}],
           "postData": {"mimeType": "application/json", "text": "{}"}},
         "response": {"status": 200, "headers": [{"name": "Content-Encoding", "value": "gzip"}],
           "content": {"size": 2, "mimeType": "application/json", "text": "e30=", "encoding": "base64"}},
         "timings": {"blocked": -1, "dns": 1, "connect": 2, "send": 0.5, "wait": 4, "receive": 5}},
        {"startedDateTime": "2026-01-02T03:04:06Z", "time": 3,
         "request": {"method": "POST", "url": "https://api.example/form",
           "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a b", "value": "c&d"}]}},
         "response": {"status": 0, "statusText": "", "headers": [], "content": {"size": 0}, "_error": "net::ERR_CONNECTION_RESET"},
         "timings": {"send": 0, "wait": -1, "receive": -1}},
        {"startedDateTime": "2026-01-02T03:04:07Z", "time": 1,
         "request": {"method": "GET", "url": "https://api.example/big"},
         "response": {"status": 200, "headers": [], "content": {"size": 500, "mimeType": "text/plain"}}}
      ]}}
      """#
    let converted = try DXCassetteHAR.interactions(fromHAR: Data(har.utf8))
    let first = converted.value[0]
    #expect(first.request.headers.fields.map(\.name) == ["Content-Type"])
    #expect(first.response?.body == Data("{}".utf8))
    #expect(first.response?.headers.contains("Content-Encoding") == false)
    #expect(first.timeToHeaders == .microseconds(7500))
    #expect(first.duration == .microseconds(12500))
    #expect(DXCassetteTimestamp.string(for: first.recordedAt) == "2026-01-02T02:04:05.678Z")
    #expect(converted.value[1].request.body == Data("a%20b=c%26d".utf8))
    #expect(converted.value[1].failure?.kind == .connectionReset)
    #expect(converted.value[2].response?.body.isEmpty == true)
    let notes = converted.notes.map(\.description)
    #expect(notes.contains("entries[0]: HTTP/2 pseudo-headers left out: :authority"))
    #expect(notes.contains("entries[0]: Content-Encoding left out: HAR keeps the decoded body"))
    #expect(notes.contains { $0.hasPrefix("entries[1]: form params re-encoded") })
    #expect(notes.contains { $0.hasPrefix("entries[1]: no response (status 0, net::ERR_CONNECTION_RESET)") })
    #expect(notes.contains("entries[2]: the response body (500 bytes) is not in the HAR: imported as empty"))
  }

  @Test("HAR import: invalid documents are named, never a crash")
  func harInvalid() {
    let cases: [(String, String)] = [
      ("not json", "the document"),
      (#"{"log": {}}"#, "log.entries"),
      (#"{"log": {"entries": [1]}}"#, "entries[0]"),
      (#"{"log": {"entries": [{"request": {"url": "http://h/"}}]}}"#, "entries[0].request.method"),
      (
        #"{"log": {"entries": [{"request": {"method": "GET", "url": "http://h/"}, "response": {"status": 42}}]}}"#,
        "entries[0].response.status"
      ),
      (
        #"{"log": {"entries": [{"startedDateTime": "yesterday", "request": {"method": "GET", "url": "http://h/"}, "response": {"status": 200, "content": {}}}]}}"#,
        "entries[0].startedDateTime"
      ),
    ]
    for (text, location) in cases {
      #expect {
        _ = try DXCassetteHAR.interactions(fromHAR: Data(text.utf8))
      } throws: { error in
        (error as? DXCassetteToolError)?.message.contains(location) == true
      }
    }
  }

  // MARK: - Tool

  @Test("import refuses a secret the redaction cannot remove, naming the entry and field")
  func importRefusesSecrets() throws {
    let har = #"""
      {"log": {"entries": [
        {"request": {"method": "POST", "url": "http://h/system/whoami"},
         "response": {"status": 200, "content": {"text": "{}"}}},
        {"request": {"method": "POST", "url": "http://h/system/whoami"},
         "response": {"status": 200, "content": {"text": "{\"note\":\"Bearer abcdefghijklmnopqrstuvwx\"}"}}}
      ]}}
      """#
    try withToolDirectory { directory in
      let path = directory + "/secret.dxcassette"
      #expect {
        _ = try DXCassetteTool.importFile(Data(har.utf8), from: .har, to: path)
      } throws: { error in
        let message = (error as? DXCassetteToolError)?.message ?? ""
        return message.hasPrefix("entries[1]: ") && message.contains("response.body.note")
      }
      #expect(!FileManager.default.fileExists(atPath: path))
    }
  }

  @Test("export --to har/vcrpy through files, and an imported cassette replays")
  func toolFormats() async throws {
    try await withAsyncToolDirectory { directory in
      let path = directory + "/s.dxcassette"
      let report = try DXCassetteTool.importFile(
        try interchangeFixture("dxpy-session.vcrpy.yaml"), from: .vcrpy, to: path)
      #expect(report.notes.isEmpty)
      let har = try DXCassetteTool.export(path, to: .har)
      #expect(har.text.contains("\"version\": \"1.2\""))
      let harPath = directory + "/h.dxcassette"
      _ = try DXCassetteTool.importFile(Data(har.text.utf8), from: .har, to: harPath)
      #expect(try DXCassetteTool.diff(path, harPath).isIdentical)
      let cassette = try DXCassette(path: path, access: .readOnly)
      defer { cassette.close() }
      let replay = DXReplayTransport(cassette: cassette)
      let whoami = try await replay.send(
        DXTransportRequest(method: "POST", url: "http://127.0.0.1:1/system/whoami", body: Data("{}".utf8)))
      #expect(String(decoding: whoami.body, as: UTF8.self) == #"{"id":"user-alice"}"#)
      let project = try await replay.send(
        DXTransportRequest(
          method: "POST", url: "http://127.0.0.1:1/project/new",
          body: Data(#"{"name": "vcrpy interop"}"#.utf8)))
      #expect(String(decoding: project.body, as: UTF8.self).hasPrefix(#"{"id":"project-"#))
    }
  }
}
