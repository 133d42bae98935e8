import DXCore
import Foundation
import Testing

@testable import DXCassette

/// Pure tests of the export codec, timestamps, formatting and the diff (no files).
@Suite("Tool export and formats")
struct ToolExportTests {
  static func sample() -> [DXCassetteInteraction] {
    let date = Date(timeIntervalSince1970: 1_790_000_000.123)
    return [
      DXCassetteInteraction(
        id: 1,
        request: DXTransportRequest(
          method: "POST", url: "http://127.0.0.1:8080/system/whoami",
          headers: ["Authorization": "Bearer [REDACTED]", "Content-Type": "application/json"],
          body: Data(#"{"b":1,"a":[1,2.5,"x"]}"#.utf8)),
        outcome: .response(
          DXTransportResponse(
            status: 200, headers: ["Content-Type": "application/json"],
            body: Data(#"{"id":"user-alice"}"#.utf8))),
        sequence: 0, duration: .microseconds(1520), recordedAt: date),
      DXCassetteInteraction(
        id: 2, request: DXTransportRequest(method: "POST", url: "http://127.0.0.1:8080/system/whoami"),
        outcome: .response(
          DXTransportResponse(
            status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"us"#.utf8),
            bodyEnd: .truncated(declared: 19, received: 9))),
        sequence: 1, duration: .milliseconds(3), recordedAt: date.addingTimeInterval(1)),
      DXCassetteInteraction(
        id: 3,
        request: DXTransportRequest(method: "PUT", url: "http://h/F/upload/x?y=1", body: Data([0, 255, 1])),
        outcome: .response(
          DXTransportResponse(status: 200, body: Data("not json {".utf8), bodyEnd: .closeDelimited)),
        sequence: 0, recordedAt: date.addingTimeInterval(2)),
      DXCassetteInteraction(
        id: 7, request: DXTransportRequest(method: "POST", url: "http://h/system/whoami"),
        outcome: .failure(.connectionReset("peer reset")), sequence: 2, recordedAt: date.addingTimeInterval(3)
      ),
    ]
  }

  @Test("export → import → export is byte-identical, faults and binary bodies included")
  func roundTrip() throws {
    let first = DXCassetteExport.json(for: Self.sample())
    let imported = try DXCassetteExport.interactions(fromJSON: Data(first.utf8))
    #expect(imported.count == 4)
    let second = DXCassetteExport.json(for: imported)
    #expect(first == second)
    #expect(imported[1].response?.bodyEnd == .truncated(declared: 19, received: 9))
    #expect(imported[1].response?.body == Data(#"{"id":"us"#.utf8))
    #expect(imported[2].request.body == Data([0, 255, 1]))
    #expect(imported[2].response?.bodyEnd == .closeDelimited)
    #expect(imported[3].failure == .connectionReset("peer reset"))
    #expect(imported[3].id == 7)
    #expect(imported[3].sequence == 2)
    #expect(imported[0].duration == .microseconds(1520))
    #expect(DXCassetteTimestamp.milliseconds(imported[0].recordedAt) == 1_790_000_000_123)
  }

  @Test("export embeds JSON bodies as JSON with sorted keys, text as text, binary as base64")
  func exportShape() {
    let text = DXCassetteExport.json(for: Self.sample())
    #expect(text.contains(#""json": {"#))
    #expect(text.contains(#""a": [1, 2.5, "x"]"#))
    #expect(text.contains(#""text": "{\"id\":\"us""#))
    #expect(text.contains(#""base64": "AP8B""#))
    #expect(text.contains(#""recordedAt": "2026-09-21T"#))
    #expect(text.contains(#""bodyEnd": "closeDelimited""#))
    #expect(text.contains(#""error": "connectionReset""#))
    // Deterministic: the same value renders to the same bytes.
    #expect(text == DXCassetteExport.json(for: Self.sample()))
    #expect(text.range(of: #""a": "#)!.lowerBound < text.range(of: #""b": 1"#)!.lowerBound)
  }

  @Test(
    "invalid export JSON names the field",
    arguments: [
      ("not json", "invalid JSON"),
      (#"{"format":"x","version":1,"interactions":[]}"#, "format"),
      (#"{"format":"dxcassette-export","version":99,"interactions":[]}"#, "newer"),
      (#"{"format":"dxcassette-export","version":1}"#, "interactions"),
      (
        #"{"format":"dxcassette-export","version":1,"interactions":[{"outcome":{"kind":"response","status":200}}]}"#,
        "interactions[0].request"
      ),
      (
        #"{"format":"dxcassette-export","version":1,"interactions":[{"request":{"method":"GET","url":"/"},"outcome":{"kind":"response","status":200,"body":{"base64":"%%"}}}]}"#,
        "interactions[0].outcome.body.base64"
      ),
      (
        #"{"format":"dxcassette-export","version":1,"interactions":[{"request":{"method":"GET","url":"/"},"outcome":{"kind":"what"}}]}"#,
        "interactions[0].outcome.kind"
      ),
    ])
  func invalidExport(json: String, mention: String) {
    do {
      _ = try DXCassetteExport.interactions(fromJSON: Data(json.utf8))
      Issue.record("accepted \(json)")
    } catch {
      #expect(error.kind == .invalidExport)
      #expect(error.description.contains(mention), "\(error)")
    }
  }

  @Test("timestamps convert exactly both ways")
  func timestamps() {
    for millis: Int64 in [0, 1, 999, 1_790_000_000_123, 1_790_000_000_999, 946_684_799_500] {
      let date = Date(timeIntervalSince1970: Double(millis) / 1000)
      let text = DXCassetteTimestamp.string(for: date)
      let back = DXCassetteTimestamp.date(from: text)
      #expect(back.map(DXCassetteTimestamp.milliseconds) == millis, "\(text)")
    }
    #expect(DXCassetteTimestamp.string(for: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    #expect(DXCassetteTimestamp.date(from: "2026-13-01T00:00:00Z") == nil)
    #expect(DXCassetteTimestamp.date(from: "yesterday") == nil)
  }

  @Test("pretty JSON: sorted keys, indentation, short scalar arrays inline")
  func pretty() throws {
    let value = try DXJSON(parsing: #"{"z":[1,2],"a":{"y":[],"x":{}},"m":[{"k":1}]}"#)
    let expected = """
      {
        "a": {
          "x": {},
          "y": []
        },
        "m": [
          {
            "k": 1
          }
        ],
        "z": [1, 2]
      }
      """
    #expect(DXCassettePrettyJSON.render(value) == expected)
  }

  @Test("diff pairs identical requests in order and reports field-level changes")
  func diff() {
    let old = Self.sample()
    var new = old
    new[0].outcome = .response(
      DXTransportResponse(
        status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"user-bob"}"#.utf8)))
    new.remove(at: 2)
    new.append(
      DXCassetteInteraction(
        id: 9, request: DXTransportRequest(method: "POST", url: "http://h/file-new/close"),
        outcome: .response(DXTransportResponse(status: 200))))
    let diff = DXCassetteDiff(old: old, new: new)
    #expect(!diff.isIdentical)
    #expect(diff.removed.map(\.id) == [3])
    #expect(diff.added.map(\.id) == [9])
    #expect(diff.changed.count == 1)
    #expect(diff.changed.first?.differences.map(\.field) == ["response.body.id"])
    #expect(diff.unchangedCount == 2)
    let text = diff.text(oldName: "a", newName: "b")
    #expect(text.contains(#"response.body.id: "user-alice" → "user-bob""#))
    #expect(text.contains("- #3 PUT /F/upload/x?y=1"))
    #expect(text.contains("+ #9 POST /file-new/close → 200"))
    #expect(text.hasSuffix("2 unchanged, 1 changed, 1 added, 1 removed"))
    #expect(DXCassetteDiff(old: old, new: old).isIdentical)
  }

  @Test("diff ignores key order and nonces when pairing, and timing when comparing")
  func diffPairing() {
    let a = DXCassetteInteraction(
      id: 1,
      request: DXTransportRequest(
        method: "POST", url: "http://a:1/record/new", body: Data(#"{"name":"r","nonce":"1"}"#.utf8)),
      outcome: .response(DXTransportResponse(status: 200)), duration: .seconds(1))
    var b = a
    b.request.url = "http://a:1/record/new"
    b.request.body = Data(#"{"nonce":"2","name":"r"}"#.utf8)
    b.duration = .seconds(5)
    b.recordedAt = Date(timeIntervalSince1970: 5)
    let diff = DXCassetteDiff(old: [a], new: [b])
    #expect(diff.added.isEmpty && diff.removed.isEmpty)
    #expect(diff.changed.first?.differences.map(\.field) == ["request.body.nonce"])
  }

  @Test("list, show and stats text")
  func formats() {
    let sample = Self.sample()
    let list = DXCassetteToolFormat.list(sample)
    #expect(list.contains("#1  2026-09-21T"))
    #expect(list.contains("POST /system/whoami  → 200 (truncated 9/19 bytes)  (attempt 2)"))
    #expect(list.contains("→ no response: connectionReset"))
    let show = DXCassetteToolFormat.show(sample[0])
    #expect(show.contains("> POST http://127.0.0.1:8080/system/whoami"))
    #expect(show.contains("< HTTP 200"))
    #expect(show.contains(#"<   "id": "user-alice""#))
    let truncated = DXCassetteToolFormat.show(sample[1])
    #expect(truncated.contains("cut short: 9 of 19"))
    let stats = DXCassetteToolFormat.stats(sample, fileBytes: 4096)
    #expect(stats.hasPrefix("4 interactions, 3 faults"))
    #expect(stats.contains("  POST /system/whoami: 3"))
    #expect(stats.contains("  connectionReset: 1"))
    #expect(
      DXCassetteToolFormat.routeName("/file-B3xQ9kV2pJ8yZ4fG6mN1tR0w/describe") == "/file-xxxx/describe")
  }
}
