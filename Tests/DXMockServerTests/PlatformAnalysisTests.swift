import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform analyses: workflows run their stages in order")
struct PlatformAnalysisTests {
  /// A workflow of two stages: `first` (produces `n`) and `second` (takes `n` from `first`).
  static func workflow(_ h: PlatformHarness, _ project: String) throws -> (
    workflow: String, first: String, second: String
  ) {
    let producer = try h.newApplet(
      project, name: "producer", inputSpec: [["name": "seed", "class": "int"]],
      outputSpec: [["name": "n", "class": "int"]])
    let consumer = try h.newApplet(
      project, name: "consumer", inputSpec: [["name": "n", "class": "int"]],
      outputSpec: [["name": "m", "class": "int"]])
    let workflow =
      try h.call(
        "/workflow/new",
        [
          "project": .string(project), "name": "pipeline",
          "stages": [
            ["id": "first", "executable": .string(producer), "name": "make"],
            [
              "id": "second", "executable": .string(consumer), "folder": "later",
              "input": ["n": ["$dnanexus_link": ["stage": "first", "outputField": "n"]]],
            ],
          ],
        ])["id"]?.stringValue ?? ""
    return (workflow, producer, consumer)
  }

  @Test func stagesRunInOrderAndTheAnalysisEndsDone() throws {
    let h = try PlatformHarness(jobDuration: 100)
    let project = try h.newProject()
    let (workflow, producer, _) = try Self.workflow(h, project)
    let run = try h.call(
      "/\(workflow)/run",
      ["project": .string(project), "input": ["first.seed": 4], "folder": "/out", "tags": ["w"]])
    let analysis = run["id"]?.stringValue ?? ""
    #expect(IDGenerator.isValid(analysis, klass: "analysis"))
    let d = try h.describe(analysis)
    #expect(d["class"] == "analysis")
    #expect(d["state"] == "in_progress")
    #expect(d["executable"] == .string(workflow))
    #expect(d["executableName"] == "pipeline")
    #expect(d["workflow"]?["id"] == .string(workflow))
    #expect(d["workflow"]?["stages"]?.arrayValue?.count == 2)
    #expect(d["tags"] == ["w"])
    #expect(d["rootExecution"] == .string(analysis))
    #expect(d["parentJob"] == .null)
    #expect(d["originalInput"]?["first.seed"] == 4)
    let stages = d["stages"]?.arrayValue ?? []
    #expect(stages.map { $0["id"] } == ["first", "second"])
    let firstJob = stages[0]["execution"]?["id"]?.stringValue ?? ""
    let secondJob = stages[1]["execution"]?["id"]?.stringValue ?? ""
    #expect(run["stages"] == [.string(firstJob), .string(secondJob)])
    let first = try h.describe(firstJob)
    #expect(first["parentAnalysis"] == .string(analysis))
    #expect(first["analysis"] == .string(analysis))
    #expect(first["stage"] == "first")
    #expect(first["rootExecution"] == .string(analysis))
    #expect(first["name"] == "make")
    #expect(first["executable"] == .string(producer))
    #expect(first["folder"] == "/out")
    let second = try h.describe(secondJob)
    #expect(second["state"] == "waiting_on_input")
    #expect(second["folder"] == "/out/later")
    h.wait(150)
    #expect(try h.state(firstJob) == "done")
    #expect(try h.describe(secondJob)["input"]?["n"] == (try h.describe(firstJob))["output"]?["n"])
    h.wait(200)
    let done = try h.describe(analysis)
    #expect(done["state"] == "done")
    #expect(done["output"]?["first.n"] != nil && done["output"]?["second.m"] != nil)
    #expect(try h.transitions(analysis) == ["idle", "in_progress", "done"])
    // The stages and the analysis are found together.
    let tree =
      try h.call("/system/findExecutions", ["rootExecution": .string(analysis)])["results"]?.arrayValue ?? []
    #expect(Set(tree.compactMap { $0["id"]?.stringValue }) == [analysis, firstJob, secondJob])
    let analyses =
      try h.call("/system/findAnalyses", ["project": .string(project)])["results"]?.arrayValue ?? []
    #expect(analyses.compactMap { $0["id"]?.stringValue } == [analysis])
  }

  @Test func aFailedStageIsPartiallyFailedThenFailed() throws {
    let h = try PlatformHarness(
      jobDuration: 100,
      executionRules: [
        try DXExecutionRule(json: [
          "match": ["name": "producer"], "outcome": "failed", "failureMessage": "no n", "durationMs": 10,
        ]),
        try DXExecutionRule(json: ["match": ["name": "other"], "durationMs": 1000]),
      ])
    let project = try h.newProject()
    let (workflow, _, _) = try Self.workflow(h, project)
    let other = try h.newApplet(project, name: "other", inputSpec: nil, outputSpec: nil)
    try h.call("/\(workflow)/addStage", ["editVersion": 0, "executable": .string(other), "id": "third"])
    let analysis =
      try h.call("/\(workflow)/run", ["project": .string(project), "input": ["0.seed": 1]])["id"]?.stringValue
      ?? ""
    h.wait(50)
    let partial = try h.describe(analysis)
    #expect(partial["state"] == "partially_failed")
    #expect(partial["failureMessage"] == "no n")
    let stages = partial["stages"]?.arrayValue ?? []
    #expect(stages[1]["execution"]?["state"] == "failed")
    #expect(stages[1]["execution"]?["failureReason"] == "DependencyFailed")
    #expect(stages[2]["execution"]?["state"] == "runnable")
    h.wait(2000)
    let failed = try h.describe(analysis)
    #expect(failed["state"] == "failed")
    #expect(failed["failureFrom"]?["id"] == stages[0]["execution"]?["id"])
  }

  @Test func terminateCascadesToEveryStage() throws {
    let h = try PlatformHarness(jobDuration: 100_000)
    let project = try h.newProject()
    let (workflow, _, _) = try Self.workflow(h, project)
    let analysis =
      try h.call("/\(workflow)/run", ["project": .string(project), "input": ["first.seed": 1]])["id"]?
      .stringValue ?? ""
    try h.call("/\(analysis)/terminate")
    let d = try h.describe(analysis)
    #expect(d["state"] == "terminated")
    for stage in d["stages"]?.arrayValue ?? [] { #expect(stage["execution"]?["state"] == "terminated") }
    #expect(h.error("/\(analysis)/terminate")?.type == "InvalidState")
    try h.call("/\(analysis)/addTags", ["tags": ["x"]])
    try h.call("/\(analysis)/setProperties", ["properties": ["a": "b"]])
    #expect(try h.describe(analysis)["properties"] == ["a": "b"])
  }

  @Test func badWorkflowInputs() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let (workflow, _, _) = try Self.workflow(h, project)
    #expect(
      h.error("/\(workflow)/run", ["project": .string(project), "input": [:]])?.message.contains(
        "Stage first") == true)
    #expect(
      h.error("/\(workflow)/run", ["project": .string(project), "input": ["nostage.x": 1]])?.type
        == "InvalidInput")
    #expect(
      h.error("/\(workflow)/run", ["project": .string(project), "input": ["seed": 1]])?.type == "InvalidInput"
    )
    #expect(h.error("/\(workflow)/run", ["input": ["first.seed": 1]])?.type == "InvalidInput")
    let empty = try h.call("/workflow/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    #expect(h.error("/\(empty)/run", ["project": .string(project), "input": [:]])?.type == "InvalidState")
    // Stage options: instance types and folders by stage, by index and by name.
    let analysis =
      try h.call(
        "/\(workflow)/run",
        [
          "project": .string(project), "input": ["make.seed": 2],
          "stageSystemRequirements": ["second": ["main": ["instanceType": "mem3_ssd1_x8"]]],
          "stageFolders": ["first": "/abs"], "rerunStages": ["*"], "ignoreReuse": ["first"],
        ])["id"]?.stringValue ?? ""
    let stages = try h.describe(analysis)["stages"]?.arrayValue ?? []
    #expect(stages[0]["execution"]?["folder"] == "/abs")
    #expect(stages[1]["execution"]?["instanceType"] == "mem3_ssd1_x8")
    #expect(stages[0]["execution"]?["input"]?["seed"] == 2)
  }
}
