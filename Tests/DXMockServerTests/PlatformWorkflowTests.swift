import DXWire
import Testing

@testable import DXMockServer

@Suite("Platform workflows")
struct PlatformWorkflowTests {
  @Test func stagesLifecycle() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let created = try h.call(
      "/workflow/new",
      [
        "project": .string(project), "name": "wf", "title": "Title",
        "stages": [["id": "s1", "executable": "applet-000000000000000000000001"]],
      ])
    let id = created["id"]?.stringValue ?? ""
    #expect(IDGenerator.isValid(id, klass: "workflow"))
    var describe = try h.call("/\(id)/describe")
    #expect(describe["editVersion"] == 0)
    #expect(describe["title"] == "Title")
    #expect(describe["stages"]?.arrayValue?.count == 1)
    let added = try h.call(
      "/\(id)/addStage", ["editVersion": 0, "executable": "applet-000000000000000000000002", "name": "two"])
    #expect(added["editVersion"] == 1)
    let stage = added["stage"]?.stringValue ?? ""
    #expect(stage.hasPrefix("stage-"))
    #expect(
      h.error("/\(id)/addStage", ["editVersion": 0, "executable": "applet-000000000000000000000003"])?.type
        == "InvalidState")
    #expect(h.error("/\(id)/addStage", ["editVersion": 1, "executable": "record-x"])?.type == "InvalidInput")
    #expect(
      h.error(
        "/\(id)/addStage", ["editVersion": 1, "id": "s1", "executable": "applet-000000000000000000000003"])?
        .type == "InvalidInput")
    try h.call("/\(id)/moveStage", ["editVersion": 1, "stage": .string(stage), "newIndex": 0])
    #expect(
      h.error("/\(id)/moveStage", ["editVersion": 2, "stage": "s1", "newIndex": 5])?.type == "InvalidInput")
    try h.call("/\(id)/update", ["editVersion": 2, "title": "New", "stages": ["s1": ["name": "first"]]])
    // The applet needs an input the stage does not bind: incompatible unless forced.
    let applet = try PlatformAppletTests.newApplet(h, project)
    let refused = h.error(
      "/\(id)/updateStageExecutable", ["editVersion": 3, "stage": "s1", "executable": .string(applet)])
    #expect(refused?.type == "InvalidState")
    #expect(refused?.message.contains("compatible") == true)
    #expect(refused?.details?["incompatibilities"]?.arrayValue?.isEmpty == false)
    try h.call(
      "/\(id)/updateStageExecutable",
      ["editVersion": 3, "stage": "s1", "executable": .string(applet), "force": true])
    describe = try h.call("/\(id)/describe")
    #expect(describe["stages"]?[0]?["id"] == .string(stage))
    #expect(describe["stages"]?[1]?["name"] == "first")
    #expect(describe["stages"]?[1]?["executable"] == .string(applet))
    #expect(describe["title"] == "New")
    try h.call("/\(id)/removeStage", ["editVersion": 4, "stage": .string(stage)])
    #expect(h.error("/\(id)/removeStage", ["editVersion": 5, "stage": "nope"])?.type == "ResourceNotFound")
    #expect(h.error("/\(id)/removeStage", ["stage": "s1"])?.type == "InvalidInput")
    try h.call("/\(id)/addTags", ["project": .string(project), "tags": ["wf"]])
    try h.call("/\(id)/close")
    #expect(h.error("/\(id)/update", ["editVersion": 5, "title": "x"])?.type == "InvalidState")
    #expect(try h.call("/\(id)/describe")["state"] == "closed")
    let nonce: DXJSON = ["project": .string(project), "nonce": "wf-1"]
    #expect(try h.call("/workflow/new", nonce) == h.call("/workflow/new", nonce))
  }
}
