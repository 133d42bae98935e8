import DXCore
import DXSQLite
import Foundation
import Testing

@testable import DXCassette

/// Schema v3 (timings, tags, maximum ages), merge, split and stats ages.
@Suite("Cassette hygiene: schema v3, merge, split, ages")
struct HygieneTests {
  @Test("time to headers, tags and own maximum age are stored, exported and imported")
  func newFieldsRoundTrip() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory) { interactions in
        interactions = InterchangeTests.richSample()
      }
      let cassette = try DXCassette(path: path, access: .readOnly)
      let first = try cassette.interaction(id: 1)
      cassette.close()
      #expect(first.timeToHeaders == .microseconds(900))
      #expect(first.tags == ["test-whoami", "smoke"])
      #expect(first.expiresAfter == .seconds(86_400))
      let export = try DXCassetteTool.export(path)
      #expect(export.contains(#""timeToHeadersMicroseconds": 900"#))
      #expect(export.contains(#""tags": ["test-whoami", "smoke"]"#))
      #expect(export.contains(#""expiresAfterMilliseconds": 86400000"#))
      let copy = directory + "/copy.dxcassette"
      _ = try DXCassetteTool.importExport(Data(export.utf8), to: copy)
      #expect(try DXCassetteTool.export(copy) == export)
    }
  }

  /// A version-2 cassette file (the layout before this schema), with one interaction.
  static func makeVersion2(_ path: String) throws {
    let database = try DXSQLiteDatabase(path: path, flags: [.readWrite, .create])
    defer { database.close() }
    try database.execute("PRAGMA journal_mode=WAL")
    try database.execute(DXCassetteMigrations.schemaV2)
    try database.execute("PRAGMA application_id = \(DXCassette.applicationID)")
    try database.setUserVersion(2)
    try database.execute("INSERT INTO meta(key, value) VALUES ('matcher_fingerprint', '')")
    try database.execute(
      """
      INSERT INTO interaction(method, url, request_headers, request_body, status, response_headers, response_body,
        body_end, sequence, duration_ns, recorded_at)
        VALUES ('POST', 'http://h/system/whoami', '[]', X'7B7D', 200, '[]', CAST('{"id":"user-a"}' AS BLOB),
        'complete', 0, 1500000, 1790000000.0)
      """)
  }

  @Test("a version-2 file replays read-only without being changed, and migrates to version 3")
  func version2Files() async throws {
    try await withAsyncToolDirectory { directory in
      let path = directory + "/v2.dxcassette"
      try Self.makeVersion2(path)
      let before = toolChecksum(path)
      let readOnly = try DXCassette(path: path, access: .readOnly)
      let replayed = try await DXReplayTransport(cassette: readOnly).send(
        DXTransportRequest(method: "POST", url: "http://x/system/whoami", body: Data("{}".utf8)))
      #expect(String(decoding: replayed.body, as: UTF8.self) == #"{"id":"user-a"}"#)
      let old = try readOnly.interaction(id: 1)
      #expect(old.timeToHeaders == nil && old.tags.isEmpty && old.expiresAfter == nil)
      #expect(try readOnly.summaries().count == 1)
      readOnly.close()
      DXCassetteTool.CompanionFiles(path).removeIfIdle()
      #expect(toolChecksum(path) == before)
      #expect(try DXCassetteTool.migrate(path) == "\(path): migrated from schema version 2 to 3")
      #expect(try DXCassetteTool.migrate(path) == "\(path): already at schema version 3")
      let migrated = try DXCassette(path: path, access: .readWrite)
      defer { migrated.close() }
      #expect(try migrated.database.userVersion() == 3)
      var changed = try migrated.interaction(id: 1)
      #expect(changed.duration == .microseconds(1500))
      changed.tags = ["later"]
      try migrated.update(changed)
      #expect(try migrated.interaction(id: 1).tags == ["later"])
    }
  }

  @Test("a cassette's maximum age is kept by redact and prune and validated")
  func cassetteMaximumAge() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory)
      do {
        let cassette = try DXCassette(path: path, access: .readWrite)
        defer { cassette.close() }
        #expect(try cassette.expiresAfter() == nil)
        try cassette.setExpiresAfter(.seconds(3_600))
        #expect(try cassette.expiresAfter() == .seconds(3_600))
        #expect(throws: DXCassetteError.self) { try cassette.setExpiresAfter(.zero) }
      }
      _ = try DXCassetteTool.redact(path, secrets: ["user-alice"])
      let log = directory + "/used.log"
      try Data("1\n2\n".utf8).write(to: URL(fileURLWithPath: log))
      _ = try DXCassetteTool.prune(path, usageLog: log)
      let cassette = try DXCassette(path: path, access: .readOnly)
      defer { cassette.close() }
      #expect(try cassette.expiresAfter() == .seconds(3_600))
      #expect(try cassette.count() == 2)
    }
  }

  @Test("stats shows ages, expiry and tags at a given time")
  func statsAges() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory) { interactions in
        interactions = InterchangeTests.richSample()
        interactions[0].expiresAfter = .seconds(60)
      }
      let sampleStart = ToolExportTests.sample()[0].recordedAt
      let now = sampleStart.addingTimeInterval(3 * 86_400)
      var stats = try DXCassetteTool.stats(path, now: now)
      #expect(
        stats.contains("ages: oldest 3 d, newest 2 d") || stats.contains("ages: oldest 3 d, newest 71 h"))
      #expect(stats.contains("expiry: no cassette maximum age, 1 interactions with their own; 1 expired"))
      #expect(stats.contains("tags:\n  smoke: 1\n  test-whoami: 1"))
      let cassette = try DXCassette(path: path, access: .readWrite)
      try cassette.setExpiresAfter(.seconds(86_400))
      cassette.close()
      stats = try DXCassetteTool.stats(path, now: now)
      #expect(stats.contains("expiry: maximum age 24 h, 1 interactions with their own; 4 expired"))
      stats = try DXCassetteTool.stats(path, now: sampleStart)
      #expect(stats.contains("; 0 expired"))
    }
  }

  @Test("ages and maximum ages: an interaction's own limit wins over the cassette's")
  func expiryRule() {
    var interaction = ToolExportTests.sample()[0]
    let later = interaction.recordedAt.addingTimeInterval(120)
    #expect(interaction.age(at: later) == .seconds(120))
    #expect(interaction.age(at: interaction.recordedAt.addingTimeInterval(-5)) == .zero)
    #expect(!interaction.isExpired(at: later, cassetteMaximumAge: nil))
    #expect(interaction.isExpired(at: later, cassetteMaximumAge: .seconds(60)))
    interaction.expiresAfter = .seconds(600)
    #expect(!interaction.isExpired(at: later, cassetteMaximumAge: .seconds(60)))
    #expect(DXCassetteAge.parse("30d") == .seconds(30 * 86_400))
    #expect(DXCassetteAge.parse("90m") == .seconds(5_400))
    #expect(DXCassetteAge.parse("500ms") == .milliseconds(500))
    #expect(DXCassetteAge.parse("-1h") == nil && DXCassetteAge.parse("5 weeks") == nil)
  }

  @Test("merge keeps every interaction in input order with new ids; split by route and tag")
  func mergeAndSplit() throws {
    try withToolDirectory { directory in
      let a = try makeToolCassette(directory, "a.dxcassette") { interactions in
        interactions = InterchangeTests.richSample()
      }
      let b = try makeToolCassette(directory, "b.dxcassette") { interactions in
        interactions = Array(ToolExportTests.sample().prefix(2))
        interactions[0].tags = ["test-two"]
      }
      let merged = directory + "/merged.dxcassette"
      #expect(
        try DXCassetteTool.merge([a, b], into: merged)
          == "merged 6 interactions from 2 cassettes into \(merged)")
      #expect { try DXCassetteTool.merge([a], into: merged) } throws: { error in
        (error as? DXCassetteToolError)?.kind == .fileExists
      }
      let cassette = try DXCassette(path: merged, access: .readOnly)
      let all = try cassette.interactions()
      cassette.close()
      #expect(all.map(\.id) == [1, 2, 3, 4, 5, 6])
      #expect(all[4].tags == ["test-two"])
      // Two recordings of the same whoami now replay in order: the merged attempts are numbered on.
      #expect(
        all.filter { $0.path == "/system/whoami" && $0.request.method == "POST" }.map(\.sequence) == [
          0, 0, 1, 1, 2,
        ])

      let byRoute = try DXCassetteTool.split(merged, by: .route, into: directory + "/routes")
      #expect(byRoute.contains("into 2 cassettes"))
      #expect(byRoute.contains("/routes/POST_system_whoami.dxcassette: 5 interactions (POST /system/whoami)"))
      #expect(byRoute.contains("/routes/PUT_F_upload_x.dxcassette: 1 interactions (PUT /F/upload/x)"))
      let byTag = try DXCassetteTool.split(merged, by: .tag, into: directory + "/tags")
      #expect(byTag.contains("test-whoami.dxcassette: 1 interactions"))
      #expect(byTag.contains("smoke.dxcassette: 1 interactions"))
      #expect(byTag.contains("test-two.dxcassette: 1 interactions"))
      #expect(byTag.contains("untagged.dxcassette: 4 interactions"))
      #expect { try DXCassetteTool.split(merged, by: .tag, into: directory + "/tags") } throws: { error in
        (error as? DXCassetteToolError)?.kind == .fileExists
      }
      _ = try DXCassetteTool.split(merged, by: .tag, into: directory + "/tags", replace: true)
      #expect(DXCassetteTool.fileName(for: "POST /file-xxxx/describe") == "POST_file-xxxx_describe")
      #expect(DXCassetteTool.fileName(for: "../..") == "cassette")
    }
  }
}
