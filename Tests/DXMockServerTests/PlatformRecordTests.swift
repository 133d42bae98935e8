import DXWire
import Testing

@testable import DXMockServer

@Suite("Platform records and data-object methods")
struct PlatformRecordTests {
  @Test func newRecordDefaultsAndDescribe() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try h.newRecord(project)
    #expect(IDGenerator.isValid(id, klass: "record"))
    let describe = try h.call("/\(id)/describe")
    #expect(describe["name"] == .string(id))
    #expect(describe["folder"] == "/")
    #expect(describe["state"] == "open")
    #expect(describe["hidden"] == false)
    #expect(describe["types"] == [])
    #expect(describe["links"] == [])
    #expect(describe["class"] == "record")
    #expect(describe["project"] == .string(project))
    #expect(describe["createdBy"] == ["user": "user-alice"])
    #expect(describe["details"] == nil)
    #expect(describe["properties"] == nil)
  }

  @Test func recordInputsDetailsLinksFields() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let target = try h.newRecord(project)
    let id = try h.newRecord(
      project,
      [
        "name": "r", "types": ["T"], "tags": ["a"], "properties": ["k": "v"], "hidden": true,
        "details": [
          "x": ["$dnanexus_link": .string(target)],
          "y": [["$dnanexus_link": ["project": .string(project), "id": .string(target)]]],
        ],
        "folder": "/made/here", "parents": true,
      ])
    let full = try h.call("/\(id)/describe", ["details": true, "properties": true])
    #expect(full["links"] == [.string(target)])
    #expect(full["properties"] == ["k": "v"])
    #expect(full["hidden"] == true)
    #expect(full["folder"] == "/made/here")
    let some = try h.call("/\(id)/describe", ["fields": ["name": true, "details": true]])
    #expect(some.objectValue?.keys.sorted() == ["details", "id", "name"])
    let withDefaults = try h.call("/\(id)/describe", ["fields": ["properties": true], "defaultFields": true])
    #expect(withDefaults["properties"] != nil && withDefaults["state"] != nil)
    #expect(try h.call("/\(id)/getDetails")["x"] != nil)
    #expect(
      h.error("/record/new", ["project": .string(project), "folder": "/nope"])?.type == "ResourceNotFound")
    #expect(h.error("/record/new", ["project": .string(project), "hidden": "yes"])?.type == "InvalidInput")
    #expect(h.error("/record/new", [:])?.type == "InvalidInput")
    #expect(h.error("/\(id)/describe", ["fields": ["name": 1]])?.type == "InvalidInput")
  }

  @Test func initializeFromCopiesUnsetFields() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let source = try h.newRecord(
      project, ["name": "src", "types": ["T"], "details": ["a": 1], "tags": ["t"]])
    let copy = try h.newRecord(
      project, ["initializeFrom": ["id": .string(source), "project": .string(project)], "name": "copy"])
    let describe = try h.call("/\(copy)/describe", ["details": true])
    #expect(describe["name"] == "copy")
    #expect(describe["types"] == ["T"])
    #expect(describe["tags"] == ["t"])
    #expect(describe["details"] == ["a": 1])
    let file = try h.call("/file/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    #expect(
      h.error("/record/new", ["project": .string(project), "initializeFrom": ["id": .string(file)]])?.type
        == "InvalidType")
  }

  @Test func closedRecordsRefuseChanges() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try h.newRecord(project)
    try h.call("/\(id)/setDetails", ["a", "list"])
    #expect(try h.call("/\(id)/getDetails") == ["a", "list"])
    try h.call("/\(id)/addTypes", ["types": ["A", "B"]])
    try h.call("/\(id)/removeTypes", ["types": ["A"]])
    try h.call("/\(id)/setVisibility", ["hidden": true])
    try h.call("/\(id)/close")
    let describe = try h.call("/\(id)/describe")
    #expect(describe["state"] == "closed")
    #expect(describe["types"] == ["B"])
    #expect(h.error("/\(id)/setDetails", ["b": 1])?.type == "InvalidState")
    #expect(h.error("/\(id)/setVisibility", ["hidden": false])?.type == "InvalidState")
    #expect(h.error("/\(id)/addTypes", ["types": ["C"]])?.type == "InvalidState")
    #expect(h.error("/\(id)/removeTypes", ["types": ["B"]])?.type == "InvalidState")
    // Metadata still changes.
    try h.call("/\(id)/rename", ["project": .string(project), "name": "n"])
    try h.call("/\(id)/addTags", ["project": .string(project), "tags": ["x", "y"]])
    try h.call("/\(id)/removeTags", ["project": .string(project), "tags": ["y"]])
    try h.call("/\(id)/setProperties", ["project": .string(project), "properties": ["p": "q"]])
    let after = try h.call("/\(id)/describe", ["properties": true])
    #expect(after["name"] == "n")
    #expect(after["tags"] == ["x"])
    #expect(after["properties"] == ["p": "q"])
    #expect(h.error("/\(id)/rename", ["project": .string(project)])?.type == "InvalidInput")
    #expect(h.error("/\(id)/rename", ["project": .string(project), "name": 5])?.type == "InvalidInput")
  }

  @Test func missingWrongAndInaccessibleObjects() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try h.newRecord(project)
    #expect(h.error("/record-000000000000000000000000/describe")?.type == "ResourceNotFound")
    #expect(h.error("/\(id)/describe", as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(id)/setDetails", [:], as: "bob")?.type == "PermissionDenied")
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "VIEW"])
    #expect(try h.call("/\(id)/describe", as: "bob")["id"] == .string(id))
    #expect(h.error("/\(id)/setDetails", [:], as: "bob")?.type == "PermissionDenied")
    #expect(
      h.error("/\(id)/rename", ["project": .string(project), "name": "x"], as: "bob")?.type
        == "PermissionDenied")
    let other = try h.newProject("other")
    #expect(h.error("/\(id)/rename", ["project": .string(other), "name": "x"])?.type == "ResourceNotFound")
    // The project hint falls back to another reachable copy.
    #expect(try h.call("/\(id)/describe", ["project": .string(other)])["project"] == .string(project))
  }

  @Test func noncesReplayOrReject() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let input: DXJSON = ["project": .string(project), "name": "n", "nonce": "abc"]
    let first = try h.call("/record/new", input)
    let second = try h.call("/record/new", input)
    #expect(first == second)
    let reused = h.error("/record/new", ["project": .string(project), "name": "other", "nonce": "abc"])
    #expect(reused?.type == "InvalidInput")
    #expect(reused?.status == 422)
    #expect(reused?.message == "Nonce was reused for an earlier API request that had a different input")
    // Another user's nonce space is separate, and a fresh nonce creates a new object.
    #expect(try h.call("/record/new", ["project": .string(project), "nonce": "xyz"]) != first)
    #expect(
      h.error(
        "/record/new", ["project": .string(project), "nonce": .string(String(repeating: "a", count: 129))])?
        .type == "InvalidInput")
    let found = try h.call("/system/findDataObjects", ["name": "n"])
    #expect(found["results"]?.arrayValue?.count == 1)
  }
}
