import DXSQLite
import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform state file")
struct PlatformPersistenceTests {
  @Test func restartKeepsEverything() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var project = ""
      var record = ""
      var file = ""
      let bytes = Data("persisted bytes".utf8)
      do {
        let h = try PlatformHarness(statePath: path)
        project = try h.newProject("kept")
        try h.call("/\(project)/newFolder", ["folder": "/x/y", "parents": true])
        record = try h.newRecord(
          project, ["name": "r", "details": ["a": [1, 2]], "folder": "/x", "properties": ["k": "v"]])
        file = try PlatformFileTests.upload(h, project: project, parts: [bytes])
        try h.call("/record/new", ["project": .string(project), "nonce": "N"])
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try h.call("/\(project)/describe", ["folders": true])["folders"] == ["/", "/x", "/x/y"])
      #expect(try h.call("/\(record)/getDetails") == ["a": [1, 2]])
      #expect(
        try h.call("/system/findDataObjects", ["properties": ["k": "v"]])["results"]?[0]?["id"]
          == .string(record))
      let url = try h.call("/\(file)/download", [:])["url"]?.stringValue ?? ""
      #expect(h.transfer("GET", url)?.body == bytes)
      // The nonce survives, and new IDs continue the sequence instead of repeating.
      #expect(
        h.error("/record/new", ["project": .string(project), "nonce": "N", "name": "changed"])?.type
          == "InvalidInput")
      let fresh = try h.newRecord(project)
      #expect(fresh != record)
      // Removal persists too.
      try h.call("/\(project)/removeObjects", ["objects": [.string(record)]])
      let again = try PlatformHarness(statePath: path)
      #expect(again.error("/\(record)/describe")?.type == "ResourceNotFound")
      // Reset wipes memory and the file.
      try again.platform.reset()
      #expect(again.error("/\(project)/describe")?.type == "ResourceNotFound")
      let afterReset = try PlatformHarness(statePath: path)
      #expect(afterReset.error("/\(project)/describe")?.type == "ResourceNotFound")
    }
  }

  /// The tables each older schema version had (version 3 changed a row format, not the tables).
  static let tablesAddedAfter: [Int: [String]] = [
    1: ["apps", "appFamilies"], 3: ["executions"],
    4: ["orgs", "userProfiles", "authTokens", "revokedTokens", "globalWorkflows", "globalWorkflowFamilies"],
  ]

  @Test(arguments: 1...4) func everyOlderVersionIsUpgraded(version: Int) throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/v\(version).sqlite"
      var project = ""
      do {
        let h = try PlatformHarness(statePath: path)
        project = try h.newProject("old")
        _ = try h.newRecord(project, ["name": "r"])
        h.platform.close()
      }
      // Make the file what that version wrote: without the tables added since.
      do {
        let database = try DXSQLiteDatabase(path: path)
        for (added, tables) in Self.tablesAddedAfter where added >= version {
          for table in tables { try database.execute("DROP TABLE \(table)") }
        }
        try database.setUserVersion(version)
        database.close()
      }
      do {
        let h = try PlatformHarness(statePath: path)
        #expect(try h.call("/\(project)/describe")["name"] == "old")
        #expect(try h.ids("/system/findDataObjects", ["name": "r"]).count == 1)
        // What the newer tables hold works and persists.
        try h.call("/org/new", ["handle": "lab", "name": "The Lab"])
        let applet = try h.newApplet(project)
        try h.call("/app/new", ["name": "tool", "version": "1", "applet": .string(applet)])
        _ = try h.run(applet, project: project)
        h.platform.close()
      }
      let again = try PlatformHarness(statePath: path)
      #expect(try again.call("/org-lab/describe")["name"] == "The Lab")
      #expect(try again.call("/app-tool/describe")["version"] == "1")
      #expect(try again.ids("/system/findJobs", ["project": .string(project)]).count == 1)
      again.platform.close()
      #expect(try DXSQLiteDatabase(path: path).userVersion() == StateFile.schemaVersion)
    }
  }

  /// A file from a newer server is refused, not misread.
  @Test func aNewerVersionIsRefused() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/new.sqlite"
      do {
        let database = try DXSQLiteDatabase(path: path)
        try database.setUserVersion(StateFile.schemaVersion + 1)
        database.close()
      }
      #expect(throws: DXPlatformError.self) { try PlatformHarness(statePath: path) }
    }
  }

  @Test func aVersion2FileWithFolderPathListsIsRead() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var project = ""
      do {
        let h = try PlatformHarness(statePath: path)
        project = try h.newProject("old")
        h.platform.close()
      }
      // Rewrite the row as schema version 2 stored it: every folder path in full.
      do {
        let database = try DXSQLiteDatabase(path: path)
        let rows = try database.prepare("SELECT json FROM projects").map { $0.string(at: 0) ?? "" }
        let json = try #require(rows.first)
        guard case .object(var members) = try DXJSON(parsing: json) else {
          Issue.record("not an object")
          return
        }
        #expect(members["folders"] == ["names": [], "parents": []])
        members["folders"] = ["/", "/x", "/x/y", "/z"]
        try database.execute(
          "UPDATE projects SET json = ?", [.text(DXJSON.object(members).serializedString())])
        try database.setUserVersion(2)
        database.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try h.call("/\(project)/describe", ["folders": true])["folders"] == ["/", "/x", "/x/y", "/z"])
      try h.call("/\(project)/newFolder", ["folder": "/x/w"])
      h.platform.close()
      let again = try PlatformHarness(statePath: path)
      #expect(
        try again.call("/\(project)/describe", ["folders": true])["folders"] == [
          "/", "/x", "/x/w", "/x/y", "/z",
        ])
      again.platform.close()
      #expect(try DXSQLiteDatabase(path: path).userVersion() == StateFile.schemaVersion)
    }
  }

  @Test func largePartsAreCheckpointedIntoTheDatabaseAfterTheUpload() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      let part = Data((0..<MockPlatform.minimumPartSize).map { UInt8(truncatingIfNeeded: $0 &* 31) })
      var file = ""
      do {
        let h = try PlatformHarness(statePath: path)
        let project = try h.newProject("big")
        file = try PlatformFileTests.upload(h, project: project, parts: [part, Data("end".utf8)])
        // The upload was answered before the checkpoint; the checkpoint then copies the part from
        // the WAL into the database file itself (bounded wait: 10 s).
        func databaseSize() -> Int {
          ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        for _ in 0..<1000 where databaseSize() < part.count { usleep(10_000) }
        #expect(databaseSize() >= part.count)
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path)
      let url = try h.call("/\(file)/download", [:])["url"]?.stringValue ?? ""
      #expect(h.transfer("GET", url)?.body == part + Data("end".utf8))
    }
  }

  @Test func unreadableStateFileIsAClearError() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/bad.sqlite"
      try Data("this is not sqlite at all, just text".utf8).write(to: URL(fileURLWithPath: path))
      #expect(throws: DXPlatformError.self) { try PlatformHarness(statePath: path) }
    }
  }
}
