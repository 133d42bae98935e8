import DXCore
import DXSQLite
import Foundation
import Testing

@testable import DXCassette

/// A per-test temporary directory, removed afterwards.
func withToolDirectory<T>(_ body: (String) throws -> T) throws -> T {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dxcassette-tool-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory.path)
}

/// The bytes of a file and of its `-wal` companion (absent counts as empty): what "unchanged" means.
func toolChecksum(_ path: String) -> Data {
  (FileManager.default.contents(atPath: path) ?? Data()) + Data("|".utf8)
    + (FileManager.default.contents(atPath: path + "-wal") ?? Data())
}

/// A cassette of the sample interactions (closed again), at `directory/name`.
@discardableResult
func makeToolCassette(
  _ directory: String, _ name: String = "a.dxcassette",
  mutate: (inout [DXCassetteInteraction]) -> Void = { _ in }
)
  throws -> String
{
  let path = directory + "/" + name
  var interactions = ToolExportTests.sample()
  mutate(&interactions)
  let cassette = try DXCassette(path: path, access: .create)
  defer { cassette.close() }
  try cassette.append(contentsOf: interactions)
  return path
}

@Suite("Tool commands on cassette files")
struct ToolCommandTests {
  @Test("list, show, stats and export read a cassette without changing it")
  func readCommands() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory)
      let before = toolChecksum(path)
      let list = try DXCassetteTool.list(path)
      #expect(list.split(separator: "\n").count == 4)
      #expect(list.contains("#2  2026-09-21T"))
      #expect(list.contains("#2  2026-09-21T14:13:21.123Z  POST /system/whoami  → 200 (truncated body)\n"))
      #expect(list.contains("→ no response: connectionReset  (attempt 2)"))
      #expect(list.contains("#4") && list.contains("no response: connectionReset"))
      let show = try DXCassetteTool.show(path, id: 1)
      #expect(show.contains("> Authorization: Bearer [REDACTED]"))
      #expect(show.contains(#"<   "id": "user-alice""#))
      let stats = try DXCassetteTool.stats(path)
      #expect(stats.hasPrefix("4 interactions, 3 faults"))
      let export = try DXCassetteTool.export(path)
      #expect(export.hasPrefix("{\n  \"format\": \"dxcassette-export\""))
      #expect(try DXCassetteTool.export(path) == export)
      #expect(try DXCassetteTool.audit(path).isClean)
      #expect(try DXCassetteTool.diff(path, path).isIdentical)
      #expect(toolChecksum(path) == before)
    }
  }

  @Test("show of an unknown id is an error naming it")
  func showUnknown() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory)
      #expect {
        try DXCassetteTool.show(path, id: 99)
      } throws: { error in
        (error as? DXCassetteToolError)?.description.contains("#99") == true
      }
    }
  }

  @Test("export → import → export is byte-identical through files, ids with gaps kept")
  func roundTripFiles() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory)
      let cassette = try DXCassette(path: path, access: .readWrite)
      try cassette.delete(ids: [2])
      cassette.close()
      let first = try DXCassetteTool.export(path)
      let copy = directory + "/b.dxcassette"
      let summary = try DXCassetteTool.importExport(Data(first.utf8), to: copy)
      #expect(summary == "imported 3 interactions into \(copy)")
      let second = try DXCassetteTool.export(copy)
      #expect(first == second)
      if first != second {
        let a = first.split(separator: "\n")
        let b = second.split(separator: "\n")
        for (x, y) in zip(a, b) where x != y { Issue.record("\(x) ≠ \(y)") }
      }
      #expect(try DXCassetteTool.list(copy).contains("#4"))
      #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))
      // Importing again onto the file needs `replace`; the file is untouched without it.
      let before = toolChecksum(copy)
      #expect(throws: DXCassetteToolError.fileExists(copy)) {
        try DXCassetteTool.importExport(Data(first.utf8), to: copy)
      }
      #expect(toolChecksum(copy) == before)
      _ = try DXCassetteTool.importExport(Data(first.utf8), to: copy, replace: true)
      #expect(try DXCassetteTool.export(copy) == first)
    }
  }

  @Test("import refuses a secret in the data and leaves no file behind")
  func importRefusesSecret() throws {
    try withToolDirectory { directory in
      var sample = ToolExportTests.sample()
      sample[0].outcome = .response(
        DXTransportResponse(status: 200, body: Data(#"{"note":"Bearer abcdefghijklmnopqrstuvwx"}"#.utf8)))
      let json = DXCassetteExport.json(for: sample)
      let path = directory + "/secret.dxcassette"
      #expect {
        try DXCassetteTool.importExport(Data(json.utf8), to: path)
      } throws: { error in
        let error = error as? DXCassetteToolError
        return error?.underlying?.kind == .secretDetected
          && error?.description.contains("response.body.note") == true
      }
      #expect(!FileManager.default.fileExists(atPath: path))
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
      #expect(leftovers.isEmpty)
    }
  }

  @Test("diff reports added, removed and changed interactions between files")
  func diffFiles() throws {
    try withToolDirectory { directory in
      let a = try makeToolCassette(directory, "a.dxcassette")
      let b = try makeToolCassette(directory, "b.dxcassette") { interactions in
        interactions[0].outcome = .response(
          DXTransportResponse(
            status: 404, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"x"}"#.utf8)))
        interactions.remove(at: 2)
      }
      let report = try DXCassetteTool.diff(a, b)
      #expect(!report.isIdentical)
      #expect(report.text.contains("response.status: 200 → 404"))
      #expect(report.text.contains(#"response.body.id: "user-alice" → "x""#))
      #expect(report.text.contains("- #3 PUT /F/upload/x?y=1"))
      #expect(report.text.hasSuffix("2 unchanged, 1 changed, 0 added, 1 removed"))
    }
  }

  @Test("audit finds secrets with their field paths; redact removes them atomically")
  func auditAndRedact() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory)
      // A secret the recorder could not know about, planted below the store's checks.
      let database = try DXSQLiteDatabase(path: path)
      try database.execute(
        "UPDATE interaction SET response_body = ? WHERE id = 1",
        [
          .blob(
            Data(
              #"{"id":"user-alice","auth":{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl"}}"#
                .utf8))
        ])
      database.close()
      let report = try DXCassetteTool.audit(path)
      #expect(!report.isClean)
      #expect(report.findings.map(\.path) == ["response.body.auth.token"])
      #expect(report.text.contains("#1 response.body.auth.token: JWT (eyJh…)"))
      // A literal value given on the command line is a secret too.
      #expect(try DXCassetteTool.audit(path, secrets: ["user-alice"]).findings.count == 2)

      let summary = try DXCassetteTool.redact(path)
      #expect(summary == "\(path): redacted 1 fields in 1 of 4 interactions")
      #expect(try DXCassetteTool.audit(path).isClean)
      let show = try DXCassetteTool.show(path, id: 1)
      #expect(show.contains(#""token": "[REDACTED]""#))
      #expect(show.contains(#""id": "user-alice""#))
      #expect(try DXCassetteTool.list(path).split(separator: "\n").count == 4)
      #expect(try DXCassetteTool.redact(path) == "\(path): nothing to redact in 4 interactions")
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }.isEmpty
      )
    }
  }

  @Test("prune keeps what the usage log lists, with its ids; dry runs and bad logs change nothing")
  func prune() throws {
    try withToolDirectory { directory in
      let path = try makeToolCassette(directory)
      let log = directory + "/usage.log"
      try Data("# replay run\n1\n4\n1\n\n".utf8).write(to: URL(fileURLWithPath: log))
      let before = toolChecksum(path)
      let dry = try DXCassetteTool.prune(path, usageLog: log, dryRun: true)
      #expect(dry.hasPrefix("\(path): would drop 2 of 4 interactions"))
      #expect(toolChecksum(path) == before)

      for (content, message) in [
        ("1\nabc\n", "usage.log:2: expected an interaction id"), ("\n# nothing\n", "lists no interaction"),
        ("1\n77\n", "#77"),
      ] {
        try Data(content.utf8).write(to: URL(fileURLWithPath: log))
        #expect {
          try DXCassetteTool.prune(path, usageLog: log)
        } throws: { error in
          (error as? DXCassetteToolError)?.description.contains(message) == true
        }
        #expect(toolChecksum(path) == before)
      }
      #expect(throws: DXCassetteToolError.fileNotFound(directory + "/none.log")) {
        try DXCassetteTool.prune(path, usageLog: directory + "/none.log")
      }

      try Data("1\n4\n".utf8).write(to: URL(fileURLWithPath: log))
      let result = try DXCassetteTool.prune(path, usageLog: log)
      #expect(result.hasPrefix("\(path): dropped 2 of 4 interactions, kept 2"))
      let list = try DXCassetteTool.list(path)
      #expect(list.split(separator: "\n").map { $0.prefix(2) } == ["#1", "#4"])
      // #4 was the second attempt at its request (after #2); now it is the first.
      #expect(list.hasSuffix("→ no response: connectionReset"))
    }
  }

  @Test("migrate upgrades an older cassette in place; read commands ask for it until then")
  func migrate() throws {
    try withToolDirectory { directory in
      let path = directory + "/old.dxcassette"
      let database = try DXSQLiteDatabase(path: path)
      try database.execute(DXCassetteMigrations.schemaV1)
      try database.execute("PRAGMA application_id = \(DXCassette.applicationID)")
      try database.execute("PRAGMA user_version = 1")
      try database.execute(
        """
        INSERT INTO interactions(id, method, url, request_headers, request_body, status, response_headers,
          response_body, error, recorded_at)
        VALUES (1, 'POST', 'http://h/system/whoami', '{}', X'7B7D', 200, '{"Content-Type":"application/json"}',
          CAST('{"id":"user-alice"}' AS BLOB), NULL, '2026-01-02T03:04:05Z')
        """)
      database.close()
      let before = toolChecksum(path)
      #expect {
        try DXCassetteTool.list(path)
      } throws: { error in
        (error as? DXCassetteToolError)?.description.contains("dxcassette migrate \(path)") == true
      }
      #expect(toolChecksum(path) == before)
      #expect(
        try DXCassetteTool.migrate(path)
          == "\(path): migrated from schema version 1 to \(DXCassette.schemaVersion)")
      #expect(try DXCassetteTool.list(path).contains("POST /system/whoami  → 200"))
      #expect(
        try DXCassetteTool.migrate(path) == "\(path): already at schema version \(DXCassette.schemaVersion)")
    }
  }

  @Test("bad input: missing, directory, not SQLite, foreign SQLite, newer schema — one line, file unchanged")
  func badInput() throws {
    try withToolDirectory { directory in
      #expect(throws: DXCassetteToolError.fileNotFound(directory + "/none.dxcassette")) {
        try DXCassetteTool.list(directory + "/none.dxcassette")
      }
      #expect(throws: DXCassetteToolError.self) { try DXCassetteTool.list(directory) }

      let text = directory + "/text.dxcassette"
      try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: text))
      let foreign = directory + "/foreign.dxcassette"
      let database = try DXSQLiteDatabase(path: foreign)
      try database.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
      database.close()
      let newer = try makeToolCassette(directory, "newer.dxcassette")
      let upgrade = try DXSQLiteDatabase(path: newer)
      try upgrade.execute("PRAGMA user_version = 99")
      upgrade.close()

      for (path, expected) in [
        (text, DXCassetteError.Kind.corrupt), (foreign, .notACassette), (newer, .unsupportedSchemaVersion),
      ] {
        let before = toolChecksum(path)
        let log = directory + "/usage.log"
        try Data("1\n".utf8).write(to: URL(fileURLWithPath: log))
        let commands: [() throws -> Any] = [
          { try DXCassetteTool.list(path) }, { try DXCassetteTool.show(path, id: 1) },
          { try DXCassetteTool.export(path) }, { try DXCassetteTool.stats(path) },
          { try DXCassetteTool.audit(path) }, { try DXCassetteTool.diff(path, path) },
          { try DXCassetteTool.redact(path) }, { try DXCassetteTool.prune(path, usageLog: log) },
        ]
        for command in commands {
          do {
            _ = try command()
            Issue.record("\(path) was accepted")
          } catch let error as DXCassetteToolError {
            #expect(error.underlying?.kind == expected, "\(error)")
            #expect(!error.description.contains("\n"))
          }
        }
        #expect(toolChecksum(path) == before, "\(path) changed")
      }
    }
  }
}
