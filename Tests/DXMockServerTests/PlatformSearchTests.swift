import DXWire
import Testing

@testable import DXMockServer

@Suite("Platform search routes")
struct PlatformSearchTests {
  /// A project with a small tree of records.
  static func seeded() throws -> (PlatformHarness, String) {
    let h = try PlatformHarness()
    let project = try h.newProject("search")
    try h.call("/\(project)/newFolder", ["folder": "/a/b", "parents": true])
    _ = try h.newRecord(
      project, ["name": "alpha.txt", "tags": ["red"], "properties": ["k": "1"], "close": true])
    h.clock.advance(1000)
    _ = try h.newRecord(
      project, ["name": "beta.txt", "tags": ["red", "blue"], "folder": "/a", "types": ["T"]])
    _ = try h.newRecord(project, ["name": "gamma.csv", "properties": ["k": "2"], "folder": "/a/b"])
    _ = try h.newRecord(project, ["name": "hidden", "hidden": true])
    return (h, project)
  }

  static func names(_ h: PlatformHarness, _ input: DXJSON) throws -> [String] {
    let result = try h.call("/system/findDataObjects", input)
    return (result["results"]?.arrayValue ?? []).compactMap { entry in
      guard let id = entry["id"]?.stringValue, let project = entry["project"]?.stringValue else { return nil }
      return try? h.call("/\(id)/describe", ["project": .string(project)])["name"]?.stringValue
    }.sorted()
  }

  @Test func filters() throws {
    let (h, project) = try Self.seeded()
    let scope: DXJSON = ["project": .string(project)]
    #expect(try Self.names(h, ["scope": scope]) == ["alpha.txt", "beta.txt", "gamma.csv"])
    #expect(try Self.names(h, ["name": "beta.txt"]) == ["beta.txt"])
    #expect(try Self.names(h, ["name": ["glob": "*.txt"]]) == ["alpha.txt", "beta.txt"])
    #expect(try Self.names(h, ["name": ["regexp": "^G", "flags": "i"]]) == ["gamma.csv"])
    #expect(try Self.names(h, ["tag": "red"]) == ["alpha.txt", "beta.txt"])
    #expect(try Self.names(h, ["tags": ["$and": ["red", "blue"]]]) == ["beta.txt"])
    #expect(try Self.names(h, ["properties": ["k": "2"]]) == ["gamma.csv"])
    #expect(try Self.names(h, ["properties": ["k": true]]) == ["alpha.txt", "gamma.csv"])
    #expect(try Self.names(h, ["type": "T"]) == ["beta.txt"])
    #expect(try Self.names(h, ["state": "closed"]) == ["alpha.txt"])
    #expect(try Self.names(h, ["visibility": "hidden"]) == ["hidden"])
    #expect(try Self.names(h, ["visibility": "either", "class": "record"]).count == 4)
    #expect(try Self.names(h, ["class": "file"]) == [])
    #expect(
      try Self.names(h, ["scope": ["project": .string(project), "folder": "/a"]]) == [
        "beta.txt", "gamma.csv",
      ])
    #expect(
      try Self.names(h, ["scope": ["project": .string(project), "folder": "/a", "recurse": false]]) == [
        "beta.txt"
      ])
    let created = try h.call("/\(project)/describe")["created"]?.intValue ?? 0
    #expect(try Self.names(h, ["created": ["after": .integer(created + 500)]]).count == 2)
    #expect(try Self.names(h, ["created": ["before": .integer(created + 500)]]) == ["alpha.txt"])
    #expect(try Self.names(h, ["level": "ADMINISTER", "name": "alpha.txt"]) == ["alpha.txt"])
    #expect(try h.call("/system/findDataObjects", ["name": "alpha.txt"], as: "bob")["results"] == [])
  }

  @Test func describeAndLinks() throws {
    let (h, project) = try Self.seeded()
    let target = try h.newRecord(project, ["name": "t"])
    _ = try h.newRecord(project, ["name": "linker", "details": ["l": ["$dnanexus_link": .string(target)]]])
    #expect(try Self.names(h, ["link": .string(target)]) == ["linker"])
    let result = try h.call("/system/findDataObjects", ["name": "t", "describe": ["fields": ["name": true]]])
    #expect(result["results"]?[0]?["describe"] == ["id": .string(target), "name": "t"])
    let plain = try h.call("/system/findDataObjects", ["name": "t"])
    #expect(plain["results"]?[0]?.objectValue?.keys.sorted() == ["id", "project"])
  }

  @Test func pagination() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    var made: Set<String> = []
    for index in 0..<25 { made.insert(try h.newRecord(project, ["name": .string("r\(index)")])) }
    var seen: [String] = []
    var input: DXJSON = ["scope": ["project": .string(project)], "limit": 10]
    for _ in 0..<10 {
      let page = try h.call("/system/findDataObjects", input)
      seen += (page["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
      guard let next = page["next"], !next.isNull else { break }
      input = ["scope": ["project": .string(project)], "limit": 10, "starting": next]
    }
    #expect(seen.count == 25)
    #expect(Set(seen) == made)
    #expect(h.error("/system/findDataObjects", ["starting": "garbage"])?.type == "InvalidInput")
    #expect(h.error("/system/findDataObjects", ["limit": 0])?.type == "InvalidInput")
    #expect(h.error("/system/findDataObjects", ["limit": "ten"])?.type == "InvalidInput")
    #expect(h.error("/system/findDataObjects", ["name": 5])?.type == "InvalidInput")
    #expect(h.error("/system/findDataObjects", ["name": ["regexp": "("]])?.type == "InvalidInput")
    #expect(h.error("/system/findDataObjects", ["state": "wet"])?.type == "InvalidInput")
    #expect(h.error("/system/findDataObjects", ["scope": ["folder": "/"]])?.type == "InvalidInput")
    #expect(
      h.error("/system/findDataObjects", ["scope": ["project": .string(project), "folder": "/nope"]])?.type
        == "ResourceNotFound")
    #expect(
      h.error("/system/findDataObjects", ["scope": ["project": .string(project)]], as: "bob")?.type
        == "PermissionDenied")
  }

  @Test func findProjectsAndBulkRoutes() throws {
    let (h, project) = try Self.seeded()
    let other = try h.newProject("other")
    try h.call("/\(other)/invite", ["invitee": "user-bob", "level": "CONTRIBUTE"])
    let all = try h.call("/system/findProjects", [:])
    #expect(all["results"]?.arrayValue?.count == 2)
    #expect(all["results"]?[0]?["level"] == "ADMINISTER")
    let bobs = try h.call("/system/findProjects", ["describe": true], as: "bob")
    #expect(bobs["results"]?.arrayValue?.count == 1)
    #expect(bobs["results"]?[0]?["describe"]?["name"] == "other")
    #expect(try h.call("/system/findProjects", ["level": "ADMINISTER"], as: "bob")["results"] == [])
    #expect(try h.call("/system/findProjects", ["name": "search"])["results"]?[0]?["id"] == .string(project))
    #expect(try h.call("/system/findProjects", ["name": ["glob": "oth*"]])["results"]?.arrayValue?.count == 1)
    #expect(try h.call("/system/findProjects", ["billTo": "user-alice"])["results"]?.arrayValue?.count == 2)
    #expect(h.error("/system/findProjects", ["level": "GOD"])?.type == "InvalidInput")

    let resolved = try h.call(
      "/system/resolveDataObjects",
      [
        "project": .string(project),
        "objects": [["name": "beta.txt", "folder": "/a"], ["name": "beta.txt", "folder": "/"]],
      ])
    #expect(resolved["results"]?[0]?.arrayValue?.count == 1)
    #expect(resolved["results"]?[1] == [])
    let id = resolved["results"]?[0]?[0]?["id"] ?? .null
    let described = try h.call(
      "/system/describeDataObjects",
      ["objects": [["id": id, "describe": ["fields": ["name": true]]], "record-000000000000000000000000"]])
    #expect(described["results"]?[0]?["describe"]?["name"] == "beta.txt")
    // dxpy's describe([...]) returns each entry's "describe" (None for an object it cannot describe),
    // so the key must be there, null; "error" is extra.
    #expect(described["results"]?[1]?["describe"] == .null)
    #expect(described["results"]?[1]?["error"]?["type"] == "ResourceNotFound")
    let projects = try h.call("/system/describeProjects", ["projects": [.string(project)]])
    #expect(projects["results"]?[0]?["describe"]?["name"] == "search")
    #expect(h.error("/system/describeDataObjects", [:])?.type == "InvalidInput")
    let users = try h.call("/system/findUsers", ["describe": true])
    #expect(users["results"]?.arrayValue?.count == 3)
    #expect(try h.call("/user-bob/describe")["handle"] == "bob")
    #expect(h.error("/user-zed/describe")?.type == "ResourceNotFound")
  }

  @Test func indexedQueriesStayFastAtScale() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    // Seed 20,000 objects straight into the state (the index is what is under test).
    try h.platform.store.write { (state: inout PlatformState) throws(DXPlatformError) in
      for index in 0..<20_000 {
        let id = state.newID("record")
        var object = DataObjectState(
          id: id, klass: "record", created: index, modified: index, createdBy: "user-alice")
        object.copies[project] = ObjectCopy(
          name: "obj\(index)", folder: "/", tags: index % 1000 == 0 ? ["rare"] : [],
          properties: ["bucket": String(index % 100)], added: index)
        state.insertObject(object)
      }
    }
    for index in 0..<200 {
      let result = try h.call("/system/findDataObjects", ["name": .string("obj\(index * 7)")])
      #expect(result["results"]?.arrayValue?.count == 1)
    }
    #expect(try h.call("/system/findDataObjects", ["tag": "rare"])["results"]?.arrayValue?.count == 20)
    #expect(
      try h.call("/system/findDataObjects", ["properties": ["bucket": "7"], "limit": 1000])["results"]?
        .arrayValue?.count == 200)
    // Speed is measured by scripts/bench-platform.sh (findDataObjects over 100,000 objects), not here.
  }
}
