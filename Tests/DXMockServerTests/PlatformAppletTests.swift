import DXWire
import Testing

@testable import DXMockServer

@Suite("Platform applets")
struct PlatformAppletTests {
  /// A valid `applet/new` input in `project`, with `extra` fields merged in.
  static func appletInput(_ project: String, _ extra: [String: DXJSON] = [:]) -> DXJSON {
    var input: [String: DXJSON] = [
      "project": .string(project), "name": "hello", "dxapi": "1.0.0",
      "runSpec": ["interpreter": "bash", "code": "main() { echo hi; }", "distribution": "Ubuntu"],
      "inputSpec": [["name": "who", "class": "string"]],
      "outputSpec": [["name": "greeting", "class": "string"]],
    ]
    input.merge(extra) { _, new in new }
    return .object(input)
  }

  /// Creates an applet and returns its ID.
  static func newApplet(
    _ h: PlatformHarness, _ project: String, _ extra: [String: DXJSON] = [:], as user: String = "alice"
  ) throws -> String {
    try h.call("/applet/new", appletInput(project, extra), as: user)["id"]?.stringValue ?? ""
  }

  @Test func createDescribeGetAndSearch() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try Self.newApplet(
      h, project,
      [
        "folder": "/tools", "parents": true, "title": "Hello", "summary": "Says hello", "tags": ["t"],
        "properties": ["k": "v"], "details": ["d": 1], "access": ["network": ["*"]],
      ])
    #expect(IDGenerator.isValid(id, klass: "applet"))
    let describe = try h.call("/\(id)/describe", ["properties": true, "details": true])
    #expect(describe["class"] == "applet")
    #expect(describe["state"] == "closed")
    #expect(describe["folder"] == "/tools")
    #expect(describe["title"] == "Hello")
    #expect(describe["summary"] == "Says hello")
    #expect(describe["dxapi"] == "1.0.0")
    #expect(describe["access"] == ["network": ["*"]])
    #expect(describe["inputSpec"]?[0]?["name"] == "who")
    #expect(describe["runSpec"]?["interpreter"] == "bash")
    #expect(describe["runSpec"]?["code"] == nil)
    #expect(describe["properties"] == ["k": "v"])
    #expect(describe["details"] == ["d": 1])
    // get has the code; describe does not.
    #expect(try h.call("/\(id)/get")["runSpec"]?["code"] == "main() { echo hi; }")
    // dx get compares the applet's regions with the billTo's permitted regions.
    #expect(try h.call("/\(id)/get")["runSpec"]?["bundledDependsByRegion"] == ["aws:us-east-1": []])
    #expect(try h.call("/user-alice/describe")["permittedRegions"] == ["aws:us-east-1", "azure:westus"])
    #expect(try h.call("/\(id)/getDetails") == ["d": 1])
    // An applet is a data object: found by class, listed in its folder.
    let found = try h.call(
      "/system/findDataObjects", ["class": "applet", "scope": ["project": .string(project)]])
    #expect(found["results"] == [["project": .string(project), "id": .string(id)]])
    let listed = try h.call("/\(project)/listFolder", ["folder": "/tools"])
    #expect(listed["objects"] == [["id": .string(id)]])
    // The shared data-object methods it has work on the closed applet (CONTRIBUTE for closed ones).
    try h.call("/\(id)/rename", ["project": .string(project), "name": "renamed"])
    try h.call("/\(id)/addTags", ["project": .string(project), "tags": ["u"]])
    try h.call("/\(id)/removeTags", ["project": .string(project), "tags": ["t"]])
    try h.call("/\(id)/setProperties", ["project": .string(project), "properties": ["k": .null, "n": "m"]])
    let after = try h.call("/\(id)/describe", ["properties": true])
    #expect(after["name"] == "renamed")
    #expect(after["tags"] == ["u"])
    #expect(after["properties"] == ["n": "m"])
    #expect(try h.call("/\(id)/listProjects") == .object([project: "ADMINISTER"]))
    // Defaults: no title until one is given; specs that were not given are left out (dx run iterates
    // them when the key is there).
    let bare = try Self.newApplet(h, project, ["inputSpec": .null, "outputSpec": .null, "name": "bare"])
    let bareDescribe = try h.call("/\(bare)/describe")
    #expect(bareDescribe["title"] == nil)
    #expect(bareDescribe.objectValue?.keys.contains("inputSpec") == false)
    #expect(bareDescribe.objectValue?.keys.contains("outputSpec") == false)
  }

  @Test func badInputIsInvalidInput() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let cases: [[String: DXJSON]] = [
      ["runSpec": .null],
      ["runSpec": "bash"],
      ["dxapi": .null],
      ["runSpec": ["interpreter": "perl", "code": "x"]],
      ["runSpec": ["code": "x"]],
      ["runSpec": ["interpreter": "bash"]],
      ["inputSpec": ["who"]],
      ["inputSpec": [["class": "string"]]],
      ["inputSpec": [["name": "who"]]],
      ["outputSpec": [["name": "a", "class": "int"], ["name": "a", "class": "int"]]],
      ["inputSpec": "who"],
      ["initializeFrom": ["id": "applet-000000000000000000000000"]],
      ["title": 3],
      ["folder": "relative"],
    ]
    for extra in cases {
      #expect(h.error("/applet/new", Self.appletInput(project, extra))?.type == "InvalidInput", "\(extra)")
    }
    #expect(h.error("/applet/new", Self.appletInput(project, ["project": .null]))?.type == "InvalidInput")
    #expect(
      h.error("/applet/new", Self.appletInput(project, ["folder": "/missing"]))?.type == "ResourceNotFound")
    #expect(
      h.error("/applet/new", Self.appletInput("project-000000000000000000000000"))?.type == "ResourceNotFound"
    )
  }

  @Test func missingObjectsPermissionsAndRoutesAppletsLack() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try Self.newApplet(h, project)
    #expect(h.error("/applet-000000000000000000000000/describe")?.type == "ResourceNotFound")
    #expect(h.error("/applet-000000000000000000000000/get")?.type == "ResourceNotFound")
    // bob is not a member: he can neither create nor read; with VIEW he reads but cannot rename.
    #expect(h.error("/applet/new", Self.appletInput(project), as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(id)/describe", as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(id)/get", as: "bob")?.type == "PermissionDenied")
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "VIEW"])
    #expect(try h.call("/\(id)/describe", as: "bob")["id"] == .string(id))
    #expect(h.error("/\(id)/rename", ["name": "x"], as: "bob")?.type == "PermissionDenied")
    // Applets are created closed and have no setDetails/addTypes/setVisibility/close routes.
    for method in ["setDetails", "addTypes", "removeTypes", "setVisibility", "close"] {
      guard case .notFound = h.router.resolve(path: "/\(id)/\(method)") else {
        Issue.record("/applet-xxxx/\(method) should not exist")
        continue
      }
    }
    // bob (VIEW) cannot run it in the project: running needs CONTRIBUTE.
    #expect(
      h.error("/\(id)/run", ["project": .string(project), "input": ["who": "x"]], as: "bob")?.type
        == "PermissionDenied")
  }

  @Test func noncesReplayOrRefuse() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let input = Self.appletInput(project, ["nonce": "applet-1"])
    let first = try h.call("/applet/new", input)
    #expect(try h.call("/applet/new", input) == first)
    let changed = Self.appletInput(project, ["nonce": "applet-1", "name": "other"])
    #expect(h.error("/applet/new", changed)?.message.contains("Nonce was reused") == true)
  }
}
