import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform workflows: specs from stages, checks that run nothing")
struct PlatformWorkflowCheckTests {
  /// A project, an applet (input `who`, output `greeting`) and an open workflow with two stages: the
  /// second's input links to the first's output. Returns (project, applet, workflow).
  static func setUp(_ h: PlatformHarness) throws -> (String, String, String) {
    let project = try h.newProject()
    let applet = try PlatformAppletTests.newApplet(h, project)
    let workflow =
      try h.call(
        "/workflow/new",
        [
          "project": .string(project), "name": "wf", "ignoreReuse": ["s1"], "treeTurnaroundTimeThreshold": 60,
          "stages": [
            ["id": "s1", "executable": .string(applet), "input": ["who": "world"]],
            [
              "id": "s2", "name": "second", "executable": .string(applet),
              "input": ["who": ["$dnanexus_link": ["stage": "s1", "outputField": "greeting"]]],
            ],
          ],
        ])["id"]?.stringValue ?? ""
    return (project, applet, workflow)
  }

  @Test func describeBuildsSpecsFromTheStages() throws {
    let h = try PlatformHarness()
    let (project, _, workflow) = try Self.setUp(h)
    let described = try h.call("/\(workflow)/describe")
    #expect(described["inputSpec"]?[0] == ["name": "s1.who", "class": "string", "default": "world"])
    #expect(described["inputSpec"]?.arrayValue?.count == 2)
    #expect(
      described["outputSpec"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
        "s1.greeting", "s2.greeting",
      ])
    #expect(described["ignoreReuse"] == ["s1"])
    #expect(described["treeTurnaroundTimeThreshold"] == 60)
    // The same fields inside findDataObjects' describe hashes.
    let found = try h.call("/system/findDataObjects", ["class": "workflow", "describe": true])
    #expect(found["results"]?[0]?["describe"]?["inputSpec"] == described["inputSpec"])
    // No stages: empty specs; workflow-level inputs win.
    let empty = try h.call("/workflow/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    #expect(try h.call("/\(empty)/describe")["inputSpec"] == [])
    #expect(try h.call("/\(empty)/describe")["ignoreReuse"] == nil)
    // initializeFrom is remembered.
    let copy =
      try h.call(
        "/workflow/new", ["project": .string(project), "initializeFrom": ["id": .string(workflow)]])["id"]?
      .stringValue ?? ""
    let copied = try h.call("/\(copy)/describe")
    #expect(copied["initializedFrom"] == ["id": .string(workflow)])
    #expect(copied["stages"]?.arrayValue?.count == 2)
    // update: a null title goes back to the name, a null output folder clears it; stage fields apply.
    try h.call(
      "/\(workflow)/update",
      [
        "editVersion": 0, "title": "T", "outputFolder": "/out",
        "stages": ["s1": ["name": "first", "folder": "sub"]],
      ])
    #expect(try h.call("/\(workflow)/describe")["title"] == "T")
    try h.call("/\(workflow)/update", ["editVersion": 1, "title": .null, "outputFolder": .null])
    let reset = try h.call("/\(workflow)/describe")
    #expect(reset["title"] == "wf")
    #expect(reset["outputFolder"] == .null)
    #expect(reset["stages"]?[0]?["name"] == "first")
    #expect(reset["stages"]?[0]?["folder"] == "sub")
    #expect(h.errorType("/\(workflow)/update", ["editVersion": 2, "ignoreReuse": 3]) == "InvalidInput")
    #expect(
      h.errorType("/\(workflow)/update", ["editVersion": 2, "treeTurnaroundTimeThreshold": -1])
        == "InvalidInput")
    // addStage checks instance types.
    let bad: DXJSON = [
      "editVersion": 2, "executable": "applet-000000000000000000000001",
      "systemRequirements": ["main": ["instanceType": "huge"]],
    ]
    #expect(h.errorType("/\(workflow)/addStage", bad) == "InvalidInput")
    let good = bad.merging(["systemRequirements": ["*": ["instanceType": "mem1_ssd1_v2_x4"]]])
    try h.call("/\(workflow)/addStage", good)
  }

  @Test func compatibilityDryRunAndOverwrite() throws {
    let h = try PlatformHarness()
    let (project, applet, workflow) = try Self.setUp(h)
    // An applet without the output s2 reads, and without the bound input.
    let bare = try PlatformAppletTests.newApplet(
      h, project,
      ["name": "bare", "inputSpec": [["name": "n", "class": "int", "optional": true]], "outputSpec": []])
    let check = try h.call("/\(workflow)/isStageCompatible", ["stage": "s1", "executable": .string(bare)])
    #expect(check["compatible"] == false)
    #expect(check["incompatibilities"]?.arrayValue?.count == 2)
    #expect(
      try h.call("/\(workflow)/isStageCompatible", ["stage": "s2", "executable": .string(applet)])[
        "compatible"] == true)
    #expect(
      h.errorType("/\(workflow)/isStageCompatible", ["stage": "s9", "executable": .string(applet)])
        == "ResourceNotFound")
    #expect(
      h.errorType("/\(workflow)/isStageCompatible", ["stage": "s1", "executable": "record-x"])
        == "InvalidInput")
    #expect(
      h.errorType(
        "/\(workflow)/isStageCompatible", ["stage": "s1", "executable": .string(applet)], as: "bob")
        == "PermissionDenied")
    let refused = h.error(
      "/\(workflow)/updateStageExecutable", ["editVersion": 0, "stage": "s1", "executable": .string(bare)])
    #expect(refused?.type == "InvalidState")
    #expect(refused?.message.contains("compatible") == true)
    #expect(refused?.details?["incompatibilities"]?.arrayValue?.count == 2)
    // dryRun: what would run, nothing stored.
    let dry = try h.call("/\(workflow)/dryRun", ["input": ["s2.who": "override", "0.who": "first"]])
    #expect(dry["class"] == "analysis")
    #expect(dry["stages"]?.arrayValue?.count == 2)
    #expect(dry["stages"]?[1]?["execution"]?["input"]?["who"] == "override")
    #expect(dry["stages"]?[0]?["execution"]?["input"]?["who"] == "first")
    #expect(dry["stages"]?[1]?["execution"]?["name"] == "second")
    #expect(dry["stages"]?[0]?["execution"]?["parentAnalysis"] == dry["id"])
    #expect(h.errorType("/\(workflow)/dryRun", ["input": ["s9.who": "x"]]) == "InvalidInput")
    #expect(h.errorType("/\(workflow)/dryRun", ["input": ["s1.nope": "x"]]) == "InvalidInput")
    #expect(h.errorType("/\(workflow)/dryRun", ["input": ["loose": "x"]]) == "InvalidInput")
    // overwrite: the contents of another workflow, keeping this one's ID and edit version sequence.
    let source =
      try h.call(
        "/workflow/new",
        [
          "project": .string(project), "title": "Source",
          "stages": [["id": "only", "executable": .string(bare)]],
        ])["id"]?
      .stringValue ?? ""
    let result = try h.call(
      "/\(workflow)/overwrite", ["editVersion": 0, "from": ["workflow": .string(source)]])
    #expect(result["editVersion"] == 1)
    let overwritten = try h.call("/\(workflow)/describe")
    #expect(overwritten["title"] == "Source")
    #expect(overwritten["stages"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["only"])
    #expect(h.errorType("/\(workflow)/overwrite", ["editVersion": 1]) == "InvalidInput")
    #expect(
      h.errorType("/\(workflow)/overwrite", ["editVersion": 0, "from": ["workflow": .string(source)]])
        == "InvalidState")
  }

  @Test func validateBatchExpandsInputs() throws {
    let h = try PlatformHarness()
    let (_, applet, workflow) = try Self.setUp(h)
    let app = try PlatformAppTests.newApp(h, applet: applet)
    for target in [applet, app] {
      let result = try h.call(
        "/\(target)/validateBatch", ["batchInput": ["who": ["a", "b"]], "commonInput": [:]])
      #expect(result == ["expandedBatch": [["who": "a"], ["who": "b"]]], "\(target)")
      #expect(h.errorType("/\(target)/validateBatch", ["batchInput": ["nope": ["a"]]]) == "InvalidInput")
    }
    let expanded = try h.call("/\(workflow)/validateBatch", ["batchInput": ["s1.who": ["x", "y", "z"]]])
    #expect(expanded["expandedBatch"]?.arrayValue?.count == 3)
    #expect(h.errorType("/\(applet)/validateBatch", [:]) == "InvalidInput")
    #expect(h.errorType("/\(applet)/validateBatch", ["batchInput": ["who": "a"]]) == "InvalidInput")
    #expect(
      h.errorType("/\(workflow)/validateBatch", ["batchInput": ["s1.who": ["x"], "s2.who": ["y", "z"]]])
        == "InvalidInput")
    #expect(
      h.errorType("/\(applet)/validateBatch", ["batchInput": ["who": ["a"]]], as: "bob") == "PermissionDenied"
    )
  }
}
