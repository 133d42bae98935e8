import DXCore
import DXSQLite
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteStore")
struct CassetteStoreTests {
  typealias S = CassetteTestSupport

  @Test func roundTripsEveryOutcomeKind() throws {
    let path = S.cassettePath()
    let date = Date(timeIntervalSince1970: 1_800_000_000.25)
    let request = DXTransportRequest(
      method: "POST", url: "http://h/file-1/describe?x=1",
      headers: DXHTTPHeaders([("X-A", "1"), ("x-a", "2"), ("Y", "3")]),
      body: Data(#"{"b":1,"a":2}"#.utf8))
    let outcomes: [DXCassetteInteraction.Outcome] = [
      .response(
        DXTransportResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data("{}".utf8))
      ),
      .response(
        DXTransportResponse(
          status: 503, headers: ["Retry-After": "2"], body: Data(), bodyEnd: .complete)),
      .response(
        DXTransportResponse(
          status: 200, body: Data(#"{"id":"fi"#.utf8), bodyEnd: .truncated(declared: 20, received: 9))),
      .response(DXTransportResponse(status: 200, body: Data("not json".utf8), bodyEnd: .closeDelimited)),
      .failure(.connectionReset("reset by peer")), .failure(.connectionRefused()),
      .failure(.noResponse("closed")),
      .failure(.readTimeout("30 s")), .failure(.connectTimeout()),
      .failure(DXTransportError(.init(rawValue: "someFutureKind"), message: "kept as is")),
    ]
    do {
      let cassette = try DXCassette(path: path)
      for outcome in outcomes {
        try cassette.append(
          DXCassetteInteraction(
            request: request, outcome: outcome, duration: .milliseconds(12), recordedAt: date))
      }
      #expect(try cassette.count() == outcomes.count)
    }
    let reopened = try DXCassette(path: path, access: .readOnly)
    let stored = try reopened.interactions()
    #expect(stored.map(\.outcome) == outcomes)
    #expect(stored.map(\.sequence) == Array(0..<outcomes.count), "the nth identical request is attempt n")
    #expect(stored.map(\.id) == (1...Int64(outcomes.count)).map { $0 })
    #expect(stored[0].request.headers == request.headers, "header order and repeats are kept")
    #expect(stored[0].request.body == request.body)
    #expect(stored[0].duration == .milliseconds(12))
    #expect(stored[0].recordedAt == date)
    let summaries = try reopened.summaries()
    #expect(summaries.count == outcomes.count)
    #expect(summaries[2].bodyEnd == "truncated")
    #expect(summaries[4].errorKind == .connectionReset)
    #expect(summaries[4].status == nil)
    #expect(try reopened.interaction(id: 3).response?.bodyEnd == .truncated(declared: 20, received: 9))
  }

  @Test func newCassetteIsWALWithSchemaVersion() throws {
    let path = S.cassettePath()
    let cassette = try DXCassette(path: path)
    #expect(try cassette.database.scalar("PRAGMA journal_mode") == .text("wal"))
    #expect(try cassette.database.userVersion() == DXCassette.schemaVersion)
    #expect(try cassette.metadata("matcher_fingerprint") == DXCassetteMatching.default.fingerprint)
    #expect(!cassette.hadInteractionsWhenOpened)
  }

  @Test func openErrorsAreTyped() throws {
    let directory = S.temporaryDirectory()
    let missing = directory.appendingPathComponent("missing.dxcassette").path
    #expect(throws: DXCassetteError.self) { _ = try DXCassette(path: missing, access: .readOnly) }
    do {
      _ = try DXCassette(path: missing, access: .readWrite)
    } catch {
      #expect(error.kind == .notFound)
    }

    let text = directory.appendingPathComponent("text.dxcassette").path
    try Data(String(repeating: "definitely not sqlite ", count: 20).utf8).write(
      to: URL(fileURLWithPath: text))
    do {
      _ = try DXCassette(path: text, access: .readOnly)
      Issue.record("expected corrupt")
    } catch {
      #expect(error.kind == .corrupt)
    }

    let other = directory.appendingPathComponent("other.sqlite").path
    try DXSQLiteDatabase(path: other).execute("CREATE TABLE unrelated(x)")
    do {
      _ = try DXCassette(path: other)
      Issue.record("expected notACassette")
    } catch {
      #expect(error.kind == .notACassette)
    }

    let newer = directory.appendingPathComponent("newer.dxcassette").path
    try DXCassette(path: newer).close()
    try DXSQLiteDatabase(path: newer).setUserVersion(DXCassette.schemaVersion + 1)
    for access in [DXCassette.Access.readOnly, .readWrite] {
      do {
        _ = try DXCassette(path: newer, access: access)
        Issue.record("expected unsupportedSchemaVersion")
      } catch {
        #expect(error.kind == .unsupportedSchemaVersion)
        #expect(error.schemaVersion == DXCassette.schemaVersion + 1)
        #expect(error.message.contains("newer than this DXKit supports"))
      }
    }
  }

  @Test func migratesVersion1Files() async throws {
    let path = S.cassettePath("v1.dxcassette")
    do {
      let db = try DXSQLiteDatabase(path: path)
      try db.execute(DXCassetteMigrations.schemaV1)
      try db.execute("PRAGMA application_id = \(DXCassette.applicationID)")
      try db.setUserVersion(1)
      let insert = """
        INSERT INTO interactions(id, method, url, request_headers, request_body, status, response_headers,
          response_body, error, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
      try db.execute(
        insert,
        [
          1, "POST", "http://h/system/whoami", #"{"Content-Type":"application/json"}"#,
          .blob(Data("{}".utf8)), 503,
          #"{"Retry-After":"1"}"#, .blob(Data()), nil, "2026-01-02T03:04:05Z",
        ])
      try db.execute(
        insert,
        [
          2, "POST", "http://h/system/whoami", "{}", .blob(Data("{}".utf8)), nil, nil, nil,
          "connectionReset: peer reset", "2026-01-02T03:04:06.500Z",
        ])
      try db.execute(
        insert,
        [
          3, "POST", "http://h/system/whoami", "{}", .blob(Data("{}".utf8)), 200, "{}",
          .blob(Data(#"{"id":"user-a"}"#.utf8)), nil, "2026-01-02T03:04:07Z",
        ])
    }
    // Read-only cannot migrate: a clear error, file untouched.
    do {
      _ = try DXCassette(path: path, access: .readOnly)
      Issue.record("expected migrationNeeded")
    } catch {
      #expect(error.kind == .migrationNeeded)
      #expect(error.schemaVersion == 1)
    }
    let cassette = try DXCassette(path: path, access: .readWrite)
    #expect(try cassette.database.userVersion() == DXCassette.schemaVersion)
    #expect(try cassette.metadata("migrated_from") == "1")
    let all = try cassette.interactions()
    #expect(all.count == 3)
    #expect(all[0].response?.status == 503)
    #expect(all[0].response?.headers["retry-after"] == "1")
    #expect(all[0].request.headers["Content-Type"] == "application/json")
    #expect(all[1].failure == .connectionReset("peer reset"))
    #expect(all[1].recordedAt == Date(timeIntervalSince1970: 1_767_323_046.5))
    #expect(all.map(\.sequence) == [0, 1, 2])
    // The migrated cassette replays its retry sequence in order.
    let replay = DXReplayTransport(cassette: cassette)
    let request = S.post("/system/whoami")
    #expect(try await replay.send(request).status == 503)
    await #expect(throws: DXTransportError.connectionReset("peer reset")) { try await replay.send(request) }
    #expect(S.text(try await replay.send(request)) == #"{"id":"user-a"}"#)
  }

  @Test func keysAreRebuiltWhenMatchingChanges() async throws {
    let path = S.cassettePath()
    do {
      let cassette = try DXCassette(path: path)
      try cassette.append(
        .init(request: S.post("/a/describe", #"{"x":1,"seed":5}"#), outcome: .response(S.ok("1"))))
    }
    let bytesBefore = try Data(contentsOf: URL(fileURLWithPath: path))
    let ignoringSeed = DXCassetteMatching(ignoredBodyFields: ["nonce", "seed"])
    // Read-only: new keys in a temporary table; the file is untouched.
    do {
      let readOnly = try DXCassette(path: path, access: .readOnly, matching: ignoringSeed)
      let replay = DXReplayTransport(cassette: readOnly)
      #expect(S.text(try await replay.send(S.post("/a/describe", #"{"x":1,"seed":99}"#))) == "1")
      readOnly.close()
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytesBefore)
    // Default settings do not ignore `seed`.
    do {
      let strict = try DXCassette(path: path, access: .readOnly)
      await #expect(throws: DXCassetteError.self) {
        try await DXReplayTransport(cassette: strict).send(S.post("/a/describe", #"{"x":1,"seed":99}"#))
      }
    }
    // Read-write: the stored keys and fingerprint change.
    let writable = try DXCassette(path: path, access: .readWrite, matching: ignoringSeed)
    #expect(try writable.metadata("matcher_fingerprint") == ignoringSeed.fingerprint)
    #expect(
      S.text(try await DXReplayTransport(cassette: writable).send(S.post("/a/describe", #"{"x":1}"#))) == "1")
  }

  @Test func readOnlyCassetteRefusesWrites() throws {
    let path = S.cassettePath()
    try DXCassette(path: path).close()
    let cassette = try DXCassette(path: path, access: .readOnly)
    do {
      try cassette.append(.init(request: S.post("/x"), outcome: .response(S.ok("{}"))))
      Issue.record("expected readOnly")
    } catch {
      #expect(error.kind == .readOnly)
    }
    #expect(throws: DXCassetteError.self) { _ = try DXRecordingMiddleware(cassette: cassette, mode: .all) }
  }

  @Test func updateAndDelete() throws {
    let cassette = try DXCassette(path: S.cassettePath())
    let first = try cassette.append(.init(request: S.post("/a"), outcome: .response(S.ok("1"))))
    let second = try cassette.append(.init(request: S.post("/b"), outcome: .response(S.ok("2"))))
    var changed = try #require(Optional(first))
    changed.outcome = .response(S.ok("changed"))
    try cassette.update(changed)
    #expect(try cassette.interaction(id: try #require(first.id)).response.map(S.text) == "changed")
    #expect(try cassette.delete(ids: [try #require(second.id), 999]) == 1)
    #expect(try cassette.count() == 1)
    #expect(try cassette.matches(for: S.post("/b")).isEmpty)
    #expect(try cassette.lookup(S.post("/b")) == nil)
    #expect(try cassette.lookup(S.post("/a"))?.id == first.id)
    do {
      _ = try cassette.interaction(id: 999)
      Issue.record("expected interactionNotFound")
    } catch {
      #expect(error.kind == .interactionNotFound)
    }
  }
}
