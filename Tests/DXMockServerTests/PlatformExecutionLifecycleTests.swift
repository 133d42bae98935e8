import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform executions: scripted outcomes, dependencies, rules")
struct PlatformExecutionLifecycleTests {
  @Test func transitionsFollowTheClock() throws {
    let h = try PlatformHarness(jobDuration: 1000)
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    #expect(try h.state(job) == "runnable")
    h.wait(400)
    #expect(try h.state(job) == "runnable")
    h.wait(200)
    #expect(try h.state(job) == "running")
    h.wait(600)
    #expect(try h.state(job) == "done")
    let transitions = try h.describe(job)["stateTransitions"]?.arrayValue ?? []
    let times = transitions.compactMap { $0["setAt"]?.intValue }
    // Transitions carry their scheduled times, not the time they were noticed.
    #expect(times.count == 4 && times[2] - times[1] == 500 && times[3] - times[1] == 1000)
  }

  @Test func endsAfterNDescribesToo() throws {
    let h = try PlatformHarness(jobDuration: 1_000_000, jobDescribes: 3)
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    #expect(try h.state(job) == "runnable")
    #expect(try h.state(job) == "runnable")
    #expect(try h.state(job) == "done")
    #expect(try h.transitions(job) == ["idle", "runnable", "running", "done"])
  }

  @Test func outputsAreMadeFromTheOutputSpec() throws {
    let h = try PlatformHarness(jobDuration: 0)
    let project = try h.newProject()
    let applet = try h.newApplet(
      project,
      outputSpec: [
        ["name": "f", "class": "file"], ["name": "r", "class": "record"], ["name": "n", "class": "int"],
        ["name": "x", "class": "float"], ["name": "b", "class": "boolean"], ["name": "h", "class": "hash"],
        ["name": "fs", "class": "array:file"], ["name": "skipped", "class": "string", "optional": true],
      ])
    let job = try h.run(applet, project: project, extra: ["folder": "/results/run1"])
    let output = try h.describe(job)["output"]?.objectValue ?? [:]
    #expect(output.keys.sorted() == ["b", "f", "fs", "h", "n", "r", "x"])
    let file = output["f"]?["$dnanexus_link"]?.stringValue ?? ""
    let fileDescribe = try h.call("/\(file)/describe")
    #expect(fileDescribe["state"] == "closed")
    #expect(fileDescribe["folder"] == "/results/run1")
    #expect(fileDescribe["name"] == "f")
    let url = try h.call("/\(file)/download", [:])["url"]?.stringValue ?? ""
    #expect(h.transfer("GET", url)?.body == Data("f of \(job) (seed 7)\n".utf8))
    let record = output["r"]?["$dnanexus_link"]?.stringValue ?? ""
    #expect(try h.call("/\(record)/describe")["state"] == "closed")
    #expect(output["fs"]?.arrayValue?.count == 1)
    #expect(output["n"]?.intValue != nil && output["b"]?.boolValue != nil)
    // Deterministic: the same seed and job ID give the same values.
    let again = try PlatformHarness(jobDuration: 0)
    let project2 = try again.newProject()
    let applet2 = try again.newApplet(project2, outputSpec: [["name": "n", "class": "int"]])
    let job2 = try again.run(applet2, project: project2)
    let value = try again.describe(job2)["output"]?["n"]
    #expect(value == .integer(Int(PlatformState.fnv1a("7/\(job2)/n") % 1000)))
  }

  @Test func dependsOnAndJobBasedReferences() throws {
    let h = try PlatformHarness(jobDuration: 100)
    let project = try h.newProject()
    let producer = try h.newApplet(
      project, name: "producer", inputSpec: nil,
      outputSpec: [["name": "n", "class": "int"], ["name": "list", "class": "array:string"]])
    let consumer = try h.newApplet(
      project, name: "consumer",
      inputSpec: [["name": "n", "class": "int"], ["name": "s", "class": "string"]], outputSpec: nil)
    let first = try h.run(producer, project: project, input: [:])
    let second = try h.run(
      consumer, project: project,
      input: [
        "n": ["$dnanexus_link": ["job": .string(first), "field": "n"]],
        "s": ["$dnanexus_link": ["job": .string(first), "field": "list", "index": 0]],
      ])
    #expect(try h.state(second) == "waiting_on_input")
    #expect(try h.describe(second)["input"]?["n"]?["$dnanexus_link"]?["job"] == .string(first))
    h.wait(150)
    let d = try h.describe(second)
    let produced = try h.describe(first)["output"]
    #expect(d["input"]?["n"] == produced?["n"])
    #expect(d["input"]?["s"] == produced?["list"]?[0])
    #expect(d["runInput"]?["n"]?["$dnanexus_link"] != nil)
    #expect(try h.transitions(second).prefix(3) == ["idle", "waiting_on_input", "runnable"])
    // A reference to an unknown job is ResourceNotFound; to a field the job lacks, the job fails.
    #expect(
      h.error(
        "/\(consumer)/run",
        [
          "project": .string(project),
          "input": [
            "n": ["$dnanexus_link": ["job": "job-000000000000000000000000", "field": "n"]], "s": "x",
          ],
        ])?
        .type == "ResourceNotFound")
    let missing = try h.run(
      consumer, project: project,
      input: ["n": ["$dnanexus_link": ["job": .string(first), "field": "nope"]], "s": "x"])
    #expect(try h.describe(missing)["failureReason"] == "InputError")
  }

  @Test func aFailedDependencyFailsTheDependant() throws {
    let rule = try DXExecutionRule(
      json: [
        "match": ["name": "bad*"], "outcome": "failed", "failureReason": "AppError", "failureMessage": "boom",
      ])
    let h = try PlatformHarness(jobDuration: 10, executionRules: [rule])
    let project = try h.newProject()
    let bad = try h.newApplet(project, name: "badtool")
    let good = try h.newApplet(project, name: "goodtool")
    let failing = try h.run(bad, project: project)
    let dependant = try h.run(good, project: project, extra: ["dependsOn": [.string(failing)]])
    h.wait(100)
    let failed = try h.describe(failing)
    #expect(failed["state"] == "failed")
    #expect(failed["failureReason"] == "AppError")
    #expect(failed["failureMessage"] == "boom")
    #expect(failed["output"] == .null)
    let d = try h.describe(dependant)
    #expect(d["state"] == "failed")
    #expect(d["failureReason"] == "DependencyFailed")
    #expect(d["failureFrom"]?["id"] == .string(failing))
  }

  @Test func aFailingSubJobFailsTheTreeAndTerminateCascades() throws {
    let h = try PlatformHarness(
      jobDuration: 10,
      executionRules: [
        try DXExecutionRule(json: ["match": ["function": "main"], "outcome": "running"]),
        try DXExecutionRule(json: ["match": ["function": "slow"], "outcome": "running"]),
        try DXExecutionRule(json: [
          "match": ["function": "boom"], "outcome": "failed", "failureMessage": "child broke",
        ]),
      ])
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let parent = try h.run(applet, project: project)
    let token = try h.platform.adminExecution(parent)["token"]?.stringValue ?? ""
    let sibling =
      try h.call("/job/new", ["input": [:], "function": "slow", "name": "sibling"], token: token)["id"]?
      .stringValue ?? ""
    try h.call("/job/new", ["input": [:], "function": "boom"], token: token)
    h.wait(100)
    let d = try h.describe(parent)
    #expect(d["state"] == "failed")
    #expect(d["failureMessage"] == "child broke")
    #expect(d["failureFrom"]?["id"]?.stringValue != parent)
    #expect(try h.state(sibling) == "terminated")
    // Terminating a running root ends its running children too.
    let root = try h.run(applet, project: project)
    let rootToken = try h.platform.adminExecution(root)["token"]?.stringValue ?? ""
    let child =
      try h.call("/job/new", ["input": [:], "function": "slow"], token: rootToken)["id"]?.stringValue ?? ""
    h.wait(5)
    try h.call("/\(root)/terminate")
    #expect(try h.state(root) == "terminated")
    #expect(try h.state(child) == "terminated")
  }

  @Test func rulesMatchScheduleAndScript() throws {
    let rules = try DXExecutionRule.rules(
      json: [
        [
          "id": "second-fails", "match": ["executable": "applet-*", "input": ["who": "x"]],
          "outcome": "failed",
          "failureReason": "OutputError", "skip": 1, "times": 1, "durationMs": 5,
          "log": ["hello", ["level": "STDERR", "msg": "oops"]],
        ],
        ["match": ["name": "tool"], "output": ["greeting": "scripted"], "durationMs": 5],
      ])
    let h = try PlatformHarness(jobDuration: 1000, executionRules: rules)
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let jobs = try (0..<4).map { index in
      try h.run(applet, project: project, input: ["who": index == 3 ? "y" : "x"])
    }
    h.wait(10)
    #expect(try h.state(jobs[0]) == "done")
    #expect(try h.describe(jobs[0])["output"] == ["greeting": "scripted"])
    #expect(try h.describe(jobs[1])["failureReason"] == "OutputError")
    #expect(try h.state(jobs[2]) == "done")
    #expect(try h.state(jobs[3]) == "done")
    let entries = h.platform.executionRules.entries
    #expect(entries[0].matched == 3 && entries[0].applied == 1)
    #expect(entries[1].applied == 3)
    let log = try h.platform.store.read { (state: PlatformState) throws(DXPlatformError) in
      state.executions[jobs[1]]?.log ?? []
    }
    #expect(log.map(\.msg) == ["hello", "oops"])
    #expect(log.map(\.level) == ["STDOUT", "STDERR"])
    // Rule parsing errors name the field.
    for json: DXJSON in [
      ["outcome": "exploded"], ["durationMs": -1], ["describes": 0], ["log": [1]], ["match": ["path": "x"]],
      ["output": [1]], ["whatever": 1], ["skip": -1], ["match": ["input": 3]],
    ] {
      #expect(throws: DXPlatformError.self) { try DXExecutionRule(json: json) }
    }
    // App rules match by name and version.
    let appRule = try DXExecutionRule(json: ["match": ["app": "hello/2.0.0"]])
    let subject = ExecutionSubject(
      executable: "app-x", executableName: "hello", appName: "hello", appVersion: "1.0.0", function: "main",
      input: [:])
    #expect(!appRule.matches(subject))
    #expect(try DXExecutionRule(json: ["match": ["app": "hello"]]).matches(subject))
  }

  @Test func movedByHandAndRunningUntilTerminated() throws {
    let h = try PlatformHarness(
      jobDuration: 10, executionRules: [try DXExecutionRule(json: ["outcome": "running", "times": 1])])
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let forever = try h.run(applet, project: project)
    h.wait(100_000)
    #expect(try h.state(forever) == "running")
    try h.platform.adminMoveExecution(
      forever, ["state": "failed", "failureReason": "JMInternalError", "failureMessage": "by hand"])
    #expect(try h.describe(forever)["failureReason"] == "JMInternalError")
    #expect(throws: DXPlatformError.self) { try h.platform.adminMoveExecution(forever, ["state": "done"]) }
    let held = try h.run(applet, project: project)
    try h.platform.adminMoveExecution(held, ["state": "running"])
    h.wait(100_000)
    #expect(try h.state(held) == "running")
    try h.platform.adminMoveExecution(held, ["state": "done"])
    #expect(try h.describe(held)["output"] == ["greeting": .string("greeting-\(held.suffix(8))")])
    let other = try h.run(applet, project: project)
    #expect(throws: DXPlatformError.self) { try h.platform.adminMoveExecution(other, ["state": "sideways"]) }
    #expect(throws: DXPlatformError.self) { try h.platform.adminMoveExecution(other, [:]) }
    #expect(throws: DXPlatformError.self) {
      try h.platform.adminMoveExecution("job-000000000000000000000000", ["state": "done"])
    }
    try h.platform.adminMoveExecution(other, ["state": "terminated"])
    #expect(try h.state(other) == "terminated")
  }

  @Test func resetClearsExecutionsAndRestoresRules() throws {
    let h = try PlatformHarness(executionRules: [try DXExecutionRule(json: ["outcome": "failed"])])
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    h.platform.executionRules.add([try DXExecutionRule(json: ["id": "extra"])])
    #expect(h.platform.executionRules.entries.count == 2)
    try h.platform.reset()
    #expect(h.error("/\(job)/describe")?.type == "ResourceNotFound")
    #expect(h.platform.executionRules.entries.map { $0.rule.id } == ["exec-1"])
    #expect(h.platform.executionRules.entries[0].matched == 0)
  }
}
