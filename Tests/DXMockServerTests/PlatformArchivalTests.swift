import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform archival")
struct PlatformArchivalTests {
  /// A project with files `a` (in `/d`) and `b` (in `/d/e`); returns (project, a, b).
  static func setUp(_ h: PlatformHarness) throws -> (String, String, String) {
    let project = try h.newProject()
    try h.call("/\(project)/newFolder", ["folder": "/d/e", "parents": true])
    let a = try PlatformFileTests.upload(h, project: project, parts: [Data("aaaa".utf8)], name: "a")
    let b = try PlatformFileTests.upload(h, project: project, parts: [Data("bb".utf8)], name: "b")
    try h.call("/\(project)/move", ["objects": [.string(a)], "destination": "/d"])
    try h.call("/\(project)/move", ["objects": [.string(b)], "destination": "/d/e"])
    return (project, a, b)
  }

  static func state(_ h: PlatformHarness, _ file: String, in project: String) throws -> String? {
    try h.call("/\(file)/describe", ["project": .string(project)])["archivalState"]?.stringValue
  }

  @Test func archiveThenUnarchive() throws {
    let h = try PlatformHarness()
    let (project, a, b) = try Self.setUp(h)
    #expect(try Self.state(h, a, in: project) == "live")
    // A folder without recurse takes only its own files.
    #expect(try h.call("/\(project)/archive", ["folder": "/d"]) == ["count": 1])
    // The request's answer is `archival`; the platform finishes it a moment later.
    let during = try h.call(
      "/\(project)/listFolder", ["folder": "/d", "describe": ["fields": ["archivalState": true]]])
    #expect(during["objects"]?[0]?["describe"]?["archivalState"] == "archived")
    #expect(try Self.state(h, b, in: project) == "live")
    #expect(try h.ids("/system/findDataObjects", ["archivalState": "archived"]) == [a])
    #expect(try h.ids("/system/findDataObjects", ["archivalState": "live", "class": "file"]) == [b])
    // An archived file cannot be downloaded.
    #expect(h.errorType("/\(a)/download") == "InvalidState")
    #expect(try h.call("/\(project)/archive", ["folder": "/d", "recurse": true]) == ["count": 1])
    // Unarchiving: a dry run tells files, size and cost; then unarchiving → live.
    let dry = try h.call(
      "/\(project)/unarchive", ["files": [.string(a)], "dryRun": true, "rate": "Expedited"])
    #expect(dry["files"] == 1)
    #expect(dry["size"]?.doubleValue ?? 0 > 0)
    #expect(dry["cost"] != nil)
    #expect(try Self.state(h, a, in: project) == "archived")
    let done = try h.call("/\(project)/unarchive", ["folder": "/", "recurse": true])
    #expect(done["files"] == 2)
    let unarchiving = try h.call("/\(a)/describe", ["fields": ["archivalState": true]])
    #expect(unarchiving["archivalState"] == "live")
    #expect(try h.call("/\(project)/unarchive", ["files": [.string(a)]])["files"] == 0)
    _ = try h.call("/\(a)/download")
  }

  @Test func copiesElsewhereKeepAFileInArchival() throws {
    let h = try PlatformHarness()
    let (project, a, _) = try Self.setUp(h)
    let other = try h.newProject("other")
    try h.call("/\(project)/clone", ["objects": [.string(a)], "project": .string(other)])
    try h.call("/\(project)/archive", ["files": [.string(a)]])
    // The live copy in the other project holds the file back.
    #expect(try Self.state(h, a, in: project) == "archival")
    #expect(try Self.state(h, a, in: other) == "live")
    try h.call("/\(other)/archive", ["files": [.string(a)]])
    #expect(try Self.state(h, a, in: project) == "archived")
    #expect(try Self.state(h, a, in: other) == "archived")
    // Unarchiving brings every copy back.
    try h.call("/\(other)/unarchive", ["files": [.string(a)]])
    #expect(try Self.state(h, a, in: project) == "live")
    // allCopies archives every copy (billed to the same entity) at once.
    try h.call("/\(project)/archive", ["files": [.string(a)], "allCopies": true])
    #expect(try Self.state(h, a, in: other) == "archived")
    // Not for a caller who does not pay for the project.
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "CONTRIBUTE"])
    try h.call("/\(project)/unarchive", ["files": [.string(a)]])
    _ = try h.call("/\(project)/describe")
    #expect(
      h.errorType("/\(project)/archive", ["files": [.string(a)], "allCopies": true], as: "bob")
        == "PermissionDenied")
  }

  @Test func badInputAndPermissions() throws {
    let h = try PlatformHarness()
    let (project, a, _) = try Self.setUp(h)
    #expect(h.errorType("/\(project)/archive", [:]) == "InvalidInput")
    #expect(h.errorType("/\(project)/archive", ["files": ["record-x"]]) == "InvalidInput")
    #expect(h.errorType("/\(project)/archive", ["files": []]) == "InvalidInput")
    #expect(h.errorType("/\(project)/archive", ["files": [.string(a)], "folder": "/"]) == "InvalidInput")
    #expect(
      h.errorType("/\(project)/archive", ["files": ["file-000000000000000000000000"]]) == "ResourceNotFound")
    #expect(h.errorType("/\(project)/archive", ["folder": "/missing"]) == "ResourceNotFound")
    #expect(h.errorType("/project-000000000000000000000000/archive", ["folder": "/"]) == "ResourceNotFound")
    #expect(h.errorType("/\(project)/unarchive", ["folder": "/", "rate": "Fast"]) == "InvalidInput")
    #expect(h.errorType("/\(project)/unarchive", ["folder": "/", "dryRun": "yes"]) == "InvalidInput")
    let record = try h.newRecord(project)
    #expect(h.errorType("/\(project)/archive", ["files": [.string(record)]]) == "InvalidInput")
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "VIEW"])
    #expect(h.errorType("/\(project)/archive", ["folder": "/"], as: "bob") == "PermissionDenied")
    #expect(h.errorType("/\(project)/archive", ["folder": "/"], as: "carol") == "PermissionDenied")
  }

  @Test func archivalStatePersists() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var project = ""
      var a = ""
      let other: String
      do {
        let h = try PlatformHarness(statePath: path)
        (project, a, _) = try Self.setUp(h)
        other = try h.newProject("other")
        try h.call("/\(project)/clone", ["objects": [.string(a)], "project": .string(other)])
        try h.call("/\(project)/archive", ["files": [.string(a)]])
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try Self.state(h, a, in: project) == "archival")
      try h.call("/\(other)/archive", ["files": [.string(a)]])
      #expect(try Self.state(h, a, in: project) == "archived")
    }
  }
}
