import DXWire
import Testing

@testable import DXMockServer

@Suite("Platform projects and folders")
struct PlatformProjectTests {
  @Test func newAndDescribeProject() throws {
    let h = try PlatformHarness()
    let id = try h.newProject("Day")
    #expect(IDGenerator.isValid(id, klass: "project"))
    #expect(id.dropFirst(8).allSatisfy { IDGenerator.alphabet.contains($0) })
    let describe = try h.call("/\(id)/describe")
    #expect(describe["name"] == "Day")
    #expect(describe["class"] == "project")
    #expect(describe["level"] == "ADMINISTER")
    #expect(describe["billTo"] == "user-alice")
    #expect(describe["protected"] == false)
    #expect(describe["tags"] == [])
    #expect(describe["databaseResultsRestricted"] == .null)
    #expect(describe["folders"] == nil)
    let extras = try h.call(
      "/\(id)/describe",
      ["fields": ["fileUploadParameters": true, "permissions": true, "properties": true], "folders": true])
    #expect(extras["fileUploadParameters"]?["minimumPartSize"] == 5_242_880)
    #expect(extras["permissions"] == ["user-alice": "ADMINISTER"])
    #expect(extras["properties"] == [:])
    #expect(extras["folders"] == ["/"])
    #expect(extras["name"] == nil)
    #expect(extras["id"] == .string(id))
  }

  @Test func idsAreDeterministicUnderSeed() throws {
    let a = try PlatformHarness(seed: 99)
    let b = try PlatformHarness(seed: 99)
    let c = try PlatformHarness(seed: 100)
    #expect(try a.newProject() == b.newProject())
    #expect(try a.newProject() != c.newProject())
  }

  @Test func projectNewValidatesInput() throws {
    let h = try PlatformHarness()
    #expect(h.error("/project/new", [:])?.type == "InvalidInput")
    let wrong = h.error("/project/new", ["name": 3])
    #expect(wrong?.status == 422)
    #expect(wrong?.message.contains("\"name\"") == true)
    #expect(h.error("/project/new", ["name": "x", "tags": "t"])?.type == "InvalidInput")
    #expect(h.error("/project/new", ["name": "x", "billTo": "user-bob"])?.type == "PermissionDenied")
  }

  @Test func permissionsAndInvites() throws {
    let h = try PlatformHarness()
    let id = try h.newProject()
    let denied = h.error("/\(id)/describe", as: "bob")
    #expect(denied?.type == "PermissionDenied")
    #expect(denied?.status == 401)
    #expect(h.error("/project-000000000000000000000000/describe")?.type == "ResourceNotFound")
    #expect(h.error("/project-000000000000000000000000/describe")?.status == 404)
    try h.call("/\(id)/invite", ["invitee": "user-bob", "level": "VIEW"])
    #expect(try h.call("/\(id)/describe", as: "bob")["level"] == "VIEW")
    // VIEW cannot create or write.
    #expect(h.error("/record/new", ["project": .string(id)], as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(id)/newFolder", ["folder": "/x"], as: "bob")?.type == "PermissionDenied")
    #expect(
      h.error("/\(id)/invite", ["invitee": "user-carol", "level": "VIEW"], as: "bob")?.type
        == "PermissionDenied")
    #expect(
      h.error("/\(id)/invite", ["invitee": "user-nobody", "level": "VIEW"])?.type == "ResourceNotFound")
    #expect(h.error("/\(id)/invite", ["invitee": "user-carol", "level": "OWNER"])?.type == "InvalidInput")
    try h.call("/\(id)/invite", ["invitee": "user-bob", "level": "UPLOAD"])
    _ = try h.newRecord(id, as: "bob")
    // UPLOAD cannot remove or move; CONTRIBUTE can.
    #expect(h.error("/\(id)/removeFolder", ["folder": "/x"], as: "bob")?.type == "PermissionDenied")
    try h.call("/\(id)/invite", ["invitee": "user-bob", "level": "CONTRIBUTE"])
    try h.call("/\(id)/newFolder", ["folder": "/x"], as: "bob")
    try h.call("/\(id)/removeFolder", ["folder": "/x"], as: "bob")
    #expect(h.error("/\(id)/destroy", as: "bob")?.type == "PermissionDenied")
    try h.call("/\(id)/decreasePermissions", ["user-bob": "VIEW"])
    #expect(try h.call("/\(id)/describe", as: "bob")["level"] == "VIEW")
    try h.call("/\(id)/leave", as: "bob")
    #expect(h.error("/\(id)/describe", as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(id)/leave")?.type == "InvalidState")
  }

  @Test func updateTagsProperties() throws {
    let h = try PlatformHarness()
    let id = try h.newProject()
    try h.call("/\(id)/update", ["name": "renamed", "summary": "s", "description": "d"])
    try h.call("/\(id)/addTags", ["tags": ["a", "b", "a"]])
    try h.call("/\(id)/removeTags", ["tags": ["b"]])
    try h.call("/\(id)/setProperties", ["properties": ["k": "v", "gone": "x"]])
    try h.call("/\(id)/setProperties", ["properties": ["gone": nil]])
    let describe = try h.call("/\(id)/describe", ["properties": true])
    #expect(describe["name"] == "renamed")
    #expect(describe["summary"] == "s")
    #expect(describe["tags"] == ["a"])
    #expect(describe["properties"] == ["k": "v"])
    #expect(h.error("/\(id)/update", ["name": ""])?.type == "InvalidInput")
    #expect(h.error("/\(id)/setProperties", ["properties": ["k": 1]])?.type == "InvalidInput")
    #expect(h.error("/\(id)/addTags", [:])?.type == "InvalidInput")
  }

  @Test func downloadRestrictedImpliesPreviewViewerRestricted() throws {
    let h = try PlatformHarness()
    let id = try h.newProject()
    try h.call("/\(id)/update", ["downloadRestricted": true])
    #expect(try h.call("/\(id)/describe")["previewViewerRestricted"] == true)
    #expect(h.error("/\(id)/update", ["downloadRestricted": false])?.type == "InvalidInput")
    try h.call("/\(id)/update", ["downloadRestricted": false, "previewViewerRestricted": false])
    #expect(try h.call("/\(id)/describe")["downloadRestricted"] == false)
  }

  @Test func foldersLifecycle() throws {
    let h = try PlatformHarness()
    let id = try h.newProject()
    #expect(h.error("/\(id)/newFolder", ["folder": "/a/b"])?.type == "ResourceNotFound")
    try h.call("/\(id)/newFolder", ["folder": "/a//b////c/", "parents": true])
    try h.call("/\(id)/newFolder", ["folder": "/a/d"])
    #expect(h.error("/\(id)/newFolder", ["folder": "/a/d"])?.type == "InvalidInput")
    #expect(h.error("/\(id)/newFolder", ["folder": "relative"])?.type == "InvalidInput")
    let list = try h.call("/\(id)/listFolder", ["folder": "/a"])
    #expect(list["folders"] == ["/a/b", "/a/d"])
    #expect(list["objects"] == [])
    #expect(try h.call("/\(id)/listFolder", ["folder": "/a", "only": "folders"])["objects"] == nil)
    #expect(h.error("/\(id)/listFolder", ["folder": "/missing"])?.type == "ResourceNotFound")
    #expect(h.error("/\(id)/listFolder", ["folder": "/a", "only": "some"])?.type == "InvalidInput")
    let record = try h.newRecord(id, ["folder": "/a/b/c", "name": "r"])
    #expect(h.error("/\(id)/removeFolder", ["folder": "/a/b"])?.type == "InvalidState")
    // The root is not empty: removing it needs recurse.
    #expect(h.error("/\(id)/removeFolder", ["folder": "/"])?.type == "InvalidState")
    try h.call("/\(id)/renameFolder", ["folder": "/a/b", "name": "bee"])
    #expect(try h.call("/\(record)/describe")["folder"] == "/a/bee/c")
    #expect(h.error("/\(id)/renameFolder", ["folder": "/a/bee", "name": "x/y"])?.type == "InvalidInput")
    #expect(h.error("/\(id)/renameFolder", ["folder": "/a/bee", "name": "d"])?.type == "InvalidInput")
    let removed = try h.call("/\(id)/removeFolder", ["folder": "/a/bee", "recurse": true])
    #expect(removed["completed"] == true)
    #expect(h.error("/\(record)/describe")?.type == "ResourceNotFound")
    #expect(try h.call("/\(id)/describe", ["folders": true])["folders"] == ["/", "/a", "/a/d"])
  }

  @Test func moveObjectsAndFolders() throws {
    let h = try PlatformHarness()
    let id = try h.newProject()
    try h.call("/\(id)/newFolder", ["folder": "/src/inner", "parents": true])
    try h.call("/\(id)/newFolder", ["folder": "/dst"])
    let inner = try h.newRecord(id, ["folder": "/src/inner"])
    let top = try h.newRecord(id)
    try h.call("/\(id)/move", ["objects": [.string(top)], "folders": ["/src"], "destination": "/dst"])
    #expect(try h.call("/\(top)/describe")["folder"] == "/dst")
    #expect(try h.call("/\(inner)/describe")["folder"] == "/dst/src/inner")
    #expect(h.error("/\(id)/move", ["folders": ["/dst"], "destination": "/dst/src"])?.type == "InvalidInput")
    #expect(
      h.error("/\(id)/move", ["objects": [.string(top)], "destination": "/none"])?.type == "ResourceNotFound")
    #expect(
      h.error("/\(id)/move", ["objects": ["record-000000000000000000000000"], "destination": "/"])?.type
        == "ResourceNotFound")
  }

  @Test func cloneKeepsIDAndCopiesMetadata() throws {
    let h = try PlatformHarness()
    let a = try h.newProject("a")
    let b = try h.newProject("b")
    let open = try h.newRecord(a, ["name": "open"])
    #expect(
      h.error("/\(a)/clone", ["objects": [.string(open)], "project": .string(b)])?.type == "InvalidState")
    try h.call("/\(a)/newFolder", ["folder": "/f"])
    let closed = try h.newRecord(
      a, ["name": "closed", "close": true, "folder": "/f", "tags": ["t"], "properties": ["k": "v"]])
    let result = try h.call(
      "/\(a)/clone", ["folders": ["/f"], "project": .string(b), "destination": "/copies", "parents": true])
    #expect(result["exists"] == [])
    let copy = try h.call("/\(closed)/describe", ["project": .string(b), "properties": true])
    #expect(copy["project"] == .string(b))
    #expect(copy["folder"] == "/copies/f")
    #expect(copy["tags"] == ["t"])
    // Per-project copies diverge.
    try h.call("/\(closed)/rename", ["project": .string(b), "name": "other"])
    #expect(try h.call("/\(closed)/describe", ["project": .string(a)])["name"] == "closed")
    let again = try h.call("/\(a)/clone", ["objects": [.string(closed)], "project": .string(b)])
    #expect(again["exists"] == [.string(closed)])
    #expect(try h.call("/\(closed)/listProjects") == .object([a: "ADMINISTER", b: "ADMINISTER"]))
    // Removing one copy keeps the other; removing the last deletes the object.
    try h.call("/\(a)/removeObjects", ["objects": [.string(closed)]])
    #expect(try h.call("/\(closed)/describe")["project"] == .string(b))
    try h.call("/\(b)/removeObjects", ["objects": [.string(closed)]])
    #expect(h.error("/\(closed)/describe")?.type == "ResourceNotFound")
    #expect(h.error("/\(b)/removeObjects", ["objects": [.string(closed)]])?.type == "ResourceNotFound")
    try h.call("/\(b)/removeObjects", ["objects": [.string(closed)], "force": true])
  }

  @Test func destroyRemovesObjects() throws {
    let h = try PlatformHarness()
    let id = try h.newProject()
    let record = try h.newRecord(id)
    try h.call("/\(id)/destroy")
    #expect(h.error("/\(id)/describe")?.type == "ResourceNotFound")
    #expect(h.error("/\(record)/describe")?.type == "ResourceNotFound")
  }

  @Test func containerRoutesShareTheHandlers() throws {
    let h = try PlatformHarness()
    // A missing container, not a missing route.
    for method in ["listFolder", "removeFolder", "describe"] {
      let error = h.error("/container-000000000000000000000000/\(method)", ["folder": "/"])
      #expect(error?.type == "ResourceNotFound", "\(method)")
      #expect(error?.message.contains("does not exist") == false, "\(method): \(String(describing: error))")
    }
  }
}
