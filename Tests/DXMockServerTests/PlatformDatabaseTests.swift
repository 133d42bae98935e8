import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform databases, database clusters and fixtures")
struct PlatformDatabaseTests {
  static let projectID = "project-B0000000000000000000000P"
  static let databaseID = "database-B000000000000000000000DB"

  static func fixtures() throws -> DXMockFixtures {
    try DXMockFixtures(json: [
      "users": [["handle": "carol", "first": "Carol", "last": "Smith"]],
      "orgs": [
        [
          "handle": "lab", "name": "Lab",
          "members": [
            ["user": "alice", "level": "ADMIN"],
            ["user": "user-carol", "level": "MEMBER", "projectAccess": "VIEW"],
          ],
        ]
      ],
      "projects": [
        [
          "name": "Shared", "id": .string(projectID), "billTo": "org-lab", "folders": ["/raw/2024"],
          "members": ["user-bob": "UPLOAD", "org-lab": "CONTRIBUTE"], "tags": ["t"], "properties": ["k": "v"],
          "databases": [
            [
              "name": "geno", "id": .string(databaseID), "folder": "/dbs",
              "files": [
                "/calls/part-0.parquet": "first", "/calls/part-1.parquet": "second", "/meta.json": "{}",
              ],
            ]
          ],
        ],
        ["name": "Plain"],
      ],
    ])
  }

  @Test func fixturesDeclareUsersOrgsAndProjects() throws {
    let h = try PlatformHarness(fixtures: try Self.fixtures())
    let shared = try h.call("/\(Self.projectID)/describe", ["folders": true])
    #expect(shared["name"] == "Shared")
    #expect(shared["billTo"] == "org-lab")
    #expect(shared["tags"] == ["t"])
    #expect(shared["folders"] == ["/", "/dbs", "/raw", "/raw/2024"])
    #expect(shared["level"] == "ADMINISTER")
    #expect(try h.call("/\(Self.projectID)/describe", as: "bob")["level"] == "UPLOAD")
    #expect(try h.call("/\(Self.projectID)/describe", as: "carol")["level"] == "VIEW")
    #expect(try h.call("/user-carol/describe")["last"] == "Smith")
    #expect(try h.call("/org-lab/describe", as: "carol")["projectAccess"] == "VIEW")
    // A project without an id gets one derived from the file: the same every time.
    let plain = try h.ids("/system/findProjects", ["name": "Plain"])
    let again = try PlatformHarness(fixtures: try Self.fixtures())
    #expect(try again.ids("/system/findProjects", ["name": "Plain"]) == plain)
    // A reset brings the fixtures back.
    try h.call("/\(Self.projectID)/destroy")
    try h.platform.reset()
    #expect(try h.call("/\(Self.projectID)/describe")["name"] == "Shared")
  }

  @Test func fixturesAreCheckedAndKeptOnRestart() throws {
    func parse(_ json: DXJSON) -> Bool { (try? DXMockFixtures(json: json)) != nil }
    #expect(!parse(["users": "carol"]))
    #expect(!parse(["users": [["handle": "bad handle"]]]))
    #expect(!parse(["orgs": [["handle": "x", "members": [["user": "alice", "level": "OWNER"]]]]]))
    #expect(!parse(["projects": [["name": "p", "id": "project-short"]]]))
    #expect(!parse(["projects": [["name": "p", "region": "moon"]]]))
    #expect(!parse(["projects": [["name": "p", "members": ["user-a": "ALL"]]]]))
    #expect(!parse(["users": [["handle": "c", "permittedRegions": ["moon"]]]]))
    // Members must exist.
    var configuration = DXMockServer.Configuration()
    configuration.fixtures = try DXMockFixtures(json: [
      "projects": [["name": "p", "members": ["user-zed": "VIEW"]]]
    ])
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
    configuration.fixtures = try DXMockFixtures(json: [
      "orgs": [["handle": "o", "members": [["user": "alice", "level": "MEMBER"]]]]
    ])
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
    configuration.fixtures = try DXMockFixtures(json: [
      "users": [["handle": "bob", "tokens": [.string(DXMockServer.Configuration.defaultToken)]]]
    ])
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
    configuration.fixtures = try Self.fixtures()
    configuration.users = [("bob", "tok-bob")]
    try configuration.validate()
    #expect(throws: DXMockServerError.self) {
      try DXMockFixtures(contentsOfFile: "/nonexistent/fixtures.json")
    }
    // With a state file, fixtures only add what is missing: changes survive a restart.
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      do {
        let h = try PlatformHarness(statePath: path, fixtures: try Self.fixtures())
        try h.call("/\(Self.projectID)/update", ["name": "Renamed"])
        try h.call("/user-carol/update", ["first": "Caz"], as: "carol")
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path, fixtures: try Self.fixtures())
      #expect(try h.call("/\(Self.projectID)/describe")["name"] == "Renamed")
      #expect(try h.call("/user-carol/describe")["first"] == "Caz")
      #expect(try h.ids("/system/findProjects", ["name": "Plain"]).count == 1)
    }
  }

  @Test func databasesListAndServeTheirFiles() throws {
    let h = try PlatformHarness(fixtures: try Self.fixtures())
    let database = Self.databaseID
    let described = try h.call("/\(database)/describe")
    #expect(described["class"] == "database")
    #expect(described["databaseName"] == "geno")
    #expect(described["uniqueDatabaseName"] == .string("database_b000000000000000000000db__geno"))
    #expect(described["folder"] == "/dbs")
    #expect(try h.ids("/system/findDatabases") == [database])
    #expect(try h.ids("/system/findDatabases", ["name": "other"]).isEmpty)
    #expect(h.errorType("/system/findDatabases", ["class": "file"]) == "InvalidInput")
    let top = try h.call("/\(database)/listFolder", ["folder": "/"])["results"]?.arrayValue ?? []
    #expect(top.compactMap { $0["path"]?.stringValue } == ["\(database)/calls", "\(database)/meta.json"])
    #expect(top.first?["isDirectory"] == true)
    let all =
      try h.call("/\(database)/listFolder", ["folder": "/calls", "recurse": true])["results"]?.arrayValue
      ?? []
    #expect(all.compactMap { $0["size"]?.intValue } == [5, 6])
    #expect(h.errorType("/\(database)/listFolder", ["folder": "/nope"]) == "ResourceNotFound")
    let link = try h.call("/\(database)/downloadFile", ["filename": "calls/part-1.parquet"])
    let response = h.transfer("GET", link["url"]?.stringValue ?? "")
    #expect(response?.status == 200)
    #expect(response?.body == Data("second".utf8))
    // The URL is signed: another file under the same signature is refused.
    let forged = (link["url"]?.stringValue ?? "").replacingOccurrences(of: "part-1", with: "part-0")
    #expect(h.transfer("GET", forged)?.status == 403)
    #expect(h.errorType("/\(database)/downloadFile", ["filename": "/missing"]) == "ResourceNotFound")
    #expect(h.errorType("/\(database)/downloadFile", [:]) == "InvalidInput")
    // Databases are closed: their details cannot change, but tags can.
    #expect(h.errorType("/\(database)/setDetails", ["x": 1]) == "InvalidState")
    try h.call("/\(database)/addTags", ["tags": ["db"]])
    #expect(try h.call("/\(database)/close") == ["id": .string(database)])
    try h.call("/\(database)/relocate")
    #expect(h.errorType("/\(database)/relocate", as: "bob") == "PermissionDenied")
    // carol sees it through the org the project is shared with.
    #expect(try h.call("/\(database)/describe", as: "carol")["id"] == .string(database))
  }

  @Test func databaseClustersMoveThroughTheirStatuses() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let input: DXJSON = [
      "project": .string(project), "name": "cluster", "engine": "aurora-mysql",
      "dxInstanceClass": "db_std1_x2",
    ]
    let id = try h.call("/dbcluster/new", input)["id"]?.stringValue ?? ""
    #expect(IDGenerator.isValid(id, klass: "dbcluster"))
    // Created: the next request sees it available.
    let described = try h.call("/\(id)/describe")
    #expect(described["status"] == "available")
    #expect(described["engine"] == "aurora-mysql")
    #expect(described["port"] == 3306)
    #expect(h.errorType("/\(id)/start") == "InvalidState")
    try h.call("/\(id)/stop")
    #expect(try h.call("/\(id)/describe")["status"] == "stopped")
    try h.call("/\(id)/start")
    #expect(try h.call("/\(id)/describe")["status"] == "available")
    try h.call("/\(id)/setDetails", ["note": "kept"])
    try h.call("/\(id)/rename", ["name": "renamed"])
    try h.call("/\(id)/terminate")
    #expect(try h.call("/\(id)/describe")["status"] == "terminated")
    #expect(h.errorType("/\(id)/terminate") == "InvalidState")
    #expect(h.errorType("/dbcluster/new", input.merging(["engine": "oracle"])) == "InvalidInput")
    #expect(
      h.errorType("/dbcluster/new", input.merging(["dxInstanceClass": "mem1_ssd1_x2"])) == "InvalidInput")
    #expect(h.errorType("/dbcluster/new", input.merging(["name": .null])) == "InvalidInput")
    #expect(h.errorType("/dbcluster/new", input, as: "bob") == "PermissionDenied")
    #expect(h.errorType("/\(id)/stop", as: "bob") == "PermissionDenied")
    let nonce = input.merging(["nonce": "db-1"])
    #expect(try h.call("/dbcluster/new", nonce) == h.call("/dbcluster/new", nonce))
  }
}

extension DXJSON {
  /// This object with `changes` merged in (for tests).
  func merging(_ changes: [String: DXJSON]) -> DXJSON {
    .object((objectValue ?? [:]).merging(changes) { $1 })
  }
}
