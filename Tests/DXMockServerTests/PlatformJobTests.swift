import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform jobs: runs, input, extra args, describe")
struct PlatformJobTests {
  @Test func runDescribesEveryFieldAndEndsDone() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(
      project,
      extra: [
        "runSpec": [
          "interpreter": "bash", "code": "main() { :; }",
          "systemRequirements": ["main": ["instanceType": "mem1_ssd1_x4", "nvidiaDriver": "R535"]],
        ]
      ])
    let job = try h.run(applet, project: project)
    #expect(IDGenerator.isValid(job, klass: "job"))
    let running = try h.describe(job)
    #expect(running["class"] == "job")
    #expect(running["name"] == "tool")
    #expect(running["executable"] == .string(applet))
    #expect(running["applet"] == .string(applet))
    #expect(running["executableName"] == "tool")
    #expect(running["project"] == .string(project))
    #expect(running["folder"] == "/")
    #expect(running["launchedBy"] == "user-alice")
    #expect(running["rootExecution"] == .string(job))
    #expect(running["originJob"] == .string(job))
    #expect(running["parentJob"] == .null)
    #expect(running["parentAnalysis"] == .null)
    #expect(running["function"] == "main")
    #expect(running["runInput"] == ["who": "x"])
    #expect(running["originalInput"] == ["who": "x"])
    #expect(running["input"] == ["who": "x"])
    #expect(running["output"] == .null)
    #expect(running["priority"] == "normal")
    #expect(running["instanceType"] == "mem1_ssd1_x4")
    #expect(
      running["systemRequirements"] == ["main": ["instanceType": "mem1_ssd1_x4", "nvidiaDriver": "R535"]])
    #expect(running["billTo"] == "user-alice")
    #expect(running["totalPrice"] == 0)
    #expect(running["currency"]?["code"] == "USD")
    #expect(running["isFree"] == false)
    #expect(running["region"] == "aws:us-east-1")
    #expect(running["delayWorkspaceDestruction"] == false)
    #expect(running["failureReason"] == nil)
    let workspace = running["workspace"]?.stringValue ?? ""
    #expect(IDGenerator.isValid(workspace, klass: "container"))
    #expect(try h.call("/\(workspace)/describe")["class"] == "container")
    #expect(["runnable", "running"].contains(running["state"]?.stringValue ?? ""))
    // Fields only given when asked for.
    #expect(running["runSystemRequirements"] == nil)
    let asked = try h.describe(
      job,
      [
        "fields": [
          "runSystemRequirements": true, "mergedSystemRequirementsByExecutable": true, "state": true,
        ]
      ])
    #expect(
      asked.objectValue?.keys.sorted() == [
        "id", "mergedSystemRequirementsByExecutable", "runSystemRequirements", "state",
      ])
    // io: false leaves the input and output out.
    let noIO = try h.describe(job, ["io": false])
    #expect(noIO["input"] == nil && noIO["output"] == nil && noIO["state"] != nil)
    h.wait(200)
    let done = try h.describe(job)
    #expect(done["state"] == "done")
    #expect(done["output"] == ["greeting": .string("greeting-\(job.suffix(8))")])
    #expect(try h.transitions(job) == ["idle", "runnable", "running", "done"])
    let started = done["startedRunning"]?.intValue ?? 0
    let stopped = done["stoppedRunning"]?.intValue ?? 0
    #expect(started > 0 && stopped - started == 50)
    // The workspace is destroyed when the job ends.
    #expect(h.error("/\(workspace)/describe")?.type == "ResourceNotFound")
  }

  @Test func inputIsCheckedAgainstTheInputSpec() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let record = try h.newRecord(project, ["close": true])
    let applet = try h.newApplet(
      project,
      inputSpec: [
        ["name": "n", "class": "int"], ["name": "f", "class": "float", "optional": true],
        ["name": "s", "class": "string", "default": "dflt"],
        ["name": "b", "class": "boolean", "optional": true],
        ["name": "r", "class": "record", "optional": true],
        ["name": "xs", "class": "array:int", "optional": true],
        ["name": "h", "class": "hash", "optional": true],
        ["name": "c", "class": "string", "optional": true, "choices": ["a", "b"]],
      ])
    let job = try h.run(applet, project: project, input: ["n": 3, "r": ["$dnanexus_link": .string(record)]])
    let described = try h.describe(job)
    #expect(described["runInput"] == ["n": 3, "r": ["$dnanexus_link": .string(record)]])
    #expect(described["originalInput"] == ["n": 3, "s": "dflt", "r": ["$dnanexus_link": .string(record)]])
    let bad: [(DXJSON, String)] = [
      ([:], "\"n\""),
      (["n": "three"], "class int"),
      (["n": 1.5], "class int"),
      (["n": 1, "f": "x"], "class float"),
      (["n": 1, "b": 1], "class boolean"),
      (["n": 1, "xs": [1, "2"]], "class array:int"),
      (["n": 1, "h": [1]], "class hash"),
      (["n": 1, "r": ["$dnanexus_link": "file-000000000000000000000000"]], "class record"),
      (["n": 1, "c": "z"], "choices"),
      (["n": 1, "unknown": 1], "\"unknown\""),
    ]
    for (input, text) in bad {
      let error = h.error("/\(applet)/run", ["project": .string(project), "input": input])
      #expect(error?.type == "InvalidInput", "\(input)")
      #expect(error?.message.contains(text) == true, "\(input): \(error?.message ?? "")")
    }
    // A link to a record that does not exist is ResourceNotFound.
    #expect(
      h.error(
        "/\(applet)/run",
        [
          "project": .string(project),
          "input": ["n": 1, "r": ["$dnanexus_link": "record-000000000000000000000000"]],
        ])?
        .type == "ResourceNotFound")
    // Without a specification any input object is taken as it is.
    let free = try h.newApplet(project, name: "free", inputSpec: nil, outputSpec: nil)
    let freeJob = try h.run(free, project: project, input: ["anything": [1, 2]])
    #expect(try h.describe(freeJob)["input"] == ["anything": [1, 2]])
    // Malformed run inputs.
    for input: DXJSON in [
      ["project": .string(project)], ["project": .string(project), "input": 1],
      ["project": .string(project), "input": [:], "priority": "urgent"],
      ["project": .string(project), "input": [:], "costLimit": -1],
      ["project": .string(project), "input": [:], "ignoreReuse": "yes"],
      ["project": .string(project), "input": [:], "stageFolders": ["a": "/x"]],
      ["project": .string(project), "input": [:], "systemRequirements": ["main": "big"]],
      ["project": .string(project), "input": [:], "dependsOn": ["nonsense"]],
      ["project": .string(project), "input": [:], "folder": "relative"],
      ["input": [:]],
    ] {
      #expect(h.error("/\(free)/run", input)?.type == "InvalidInput", "\(input)")
    }
    #expect(
      h.error(
        "/\(free)/run",
        ["project": .string(project), "input": [:], "dependsOn": ["job-000000000000000000000000"]])?
        .type == "ResourceNotFound")
    #expect(
      h.error("/applet-000000000000000000000000/run", ["project": .string(project), "input": [:]])?.type
        == "ResourceNotFound")
    #expect(
      h.error("/\(record)/run", ["project": .string(project), "input": [:]])?.type == "ResourceNotFound")
  }

  @Test func extraArgsAreMerged() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(
      project,
      extra: [
        "runSpec": [
          "interpreter": "bash", "code": "x", "systemRequirements": ["*": ["instanceType": "small"]],
        ]
      ])
    let first = try h.run(applet, project: project)
    let job = try h.run(
      applet, project: project,
      extra: [
        "name": "custom", "folder": "/out/deep", "tags": ["t1", "t2"], "properties": ["k": "v"],
        "details": ["clonedFrom": ["id": .string(first)]], "dependsOn": [.string(first)],
        "delayWorkspaceDestruction": true, "priority": "high", "detach": true,
        "instanceType": "mem3_ssd1_x8",
        "systemRequirements": [
          "main": ["instanceTypeSelector": ["any": ["a", "b"]], "nvidiaDriver": "R470"]
        ],
        "systemRequirementsByExecutable": [applet: ["*": ["clusterSpec": ["initialInstanceCount": 2]]]],
        "executionPolicy": ["restartOn": ["*": 2]], "costLimit": 12.5, "ignoreReuse": true,
        "allowSSH": ["1.2.3.4"], "rank": 5,
      ])
    let d = try h.describe(
      job,
      [
        "defaultFields": true,
        "fields": [
          "runSystemRequirements": true, "runSystemRequirementsByExecutable": true,
          "mergedSystemRequirementsByExecutable": true,
        ],
      ])
    #expect(d["name"] == "custom")
    #expect(d["folder"] == "/out/deep")
    #expect(d["tags"] == ["t1", "t2"])
    #expect(d["properties"] == ["k": "v"])
    #expect(d["details"]?["clonedFrom"]?["id"] == .string(first))
    #expect(d["dependsOn"] == [.string(first)])
    #expect(d["delayWorkspaceDestruction"] == true)
    #expect(d["priority"] == "high")
    #expect(d["detach"] == true)
    #expect(d["executionPolicy"] == ["restartOn": ["*": 2]])
    #expect(d["costLimit"] == 12.5)
    #expect(d["ignoreReuse"] == true)
    #expect(d["allowSSH"] == ["1.2.3.4"])
    #expect(d["rank"] == 5)
    // The applet's "*" instance type, then the run's "*" (instanceType), then its "main" entry whose
    // selector replaces the instance type, then the by-executable cluster spec; every key kept.
    #expect(
      d["systemRequirements"]
        == [
          "main": [
            "instanceTypeSelector": ["any": ["a", "b"]], "nvidiaDriver": "R470",
            "clusterSpec": ["initialInstanceCount": 2],
          ]
        ])
    #expect(d["instanceType"] == .string(MockPlatform.defaultInstanceType))
    #expect(d["runSystemRequirements"]?["*"]?["instanceType"] == "mem3_ssd1_x8")
    #expect(d["runSystemRequirementsByExecutable"]?[applet]?["*"]?["clusterSpec"] != nil)
    #expect(d["mergedSystemRequirementsByExecutable"]?[applet] != nil)
    // Waiting on its dependency first, then it runs; the workspace stays (delayWorkspaceDestruction).
    #expect(d["state"] == "waiting_on_input")
    h.wait(1000)
    _ = try h.state(first)
    #expect(try h.state(job) != "waiting_on_input")
    h.wait(1000)
    #expect(try h.state(job) == "done")
    let workspace = try h.describe(job)["workspace"]?.stringValue ?? ""
    #expect(try h.call("/\(workspace)/describe")["id"] == .string(workspace))
    // The output folder was created for the output... the applet's outputs are strings, so no file.
    #expect(
      try h.call("/\(project)/describe", ["folders": true])["folders"]?.arrayValue?.contains("/out/deep")
        == false)
  }

  @Test func appsRunByIDAndNameAndWorkflowFieldsAreRefused() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project, name: "hello")
    let app =
      try h.call("/app/new", ["applet": .string(applet), "name": "hello", "version": "1.0.0"])["id"]?
      .stringValue ?? ""
    let byID = try h.run(app, project: project)
    let d = try h.describe(byID)
    #expect(d["app"] == .string(app))
    #expect(d["applet"] == nil)
    #expect(d["executable"] == .string(app))
    #expect(d["executableName"] == "hello")
    let byName =
      try h.call("/app-hello/run", ["project": .string(project), "input": ["who": "y"]])["id"]?.stringValue
      ?? ""
    #expect(try h.describe(byName)["app"] == .string(app))
    let byVersion = try h.call("/app-hello/1.0.0/run", ["project": .string(project), "input": ["who": "y"]])
    #expect(byVersion["id"] != nil)
    #expect(
      h.error("/app-hello/9.9.9/run", ["project": .string(project), "input": ["who": "y"]])?.type
        == "ResourceNotFound")
    // An unpublished app is not visible to bob.
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "CONTRIBUTE"])
    #expect(
      h.error("/app-hello/run", ["project": .string(project), "input": ["who": "y"]], as: "bob")?.type
        == "ResourceNotFound")
    #expect(
      h.error("/\(app)/run", ["project": .string(project), "input": ["who": "y"], "rerunStages": ["*"]])?.type
        == "InvalidInput")
  }

  @Test func aPlainGetLogPointsAtTheWebSocket() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let job = try h.run(try h.newApplet(project), project: project)
    let error = h.error("/\(job)/getLog")
    #expect(error?.type == "InvalidInput")
    #expect(error?.message.contains("/\(job)/getLog/websocket") == true)
    #expect(h.errorType("/\(job)/getLog", as: "bob") == "PermissionDenied")
    #expect(h.errorType("/job-000000000000000000000000/getLog") == "ResourceNotFound")
  }

  @Test func runsHappenInTheProjectsRegion() throws {
    let h = try PlatformHarness()
    let east = try h.newProject("east")
    let west =
      try h.call("/project/new", ["name": "west", "region": "azure:westus"])["id"]?.stringValue ?? ""
    let eastApplet = try h.newApplet(east, name: "e")
    let westApplet = try h.newApplet(west, name: "w", inputSpec: [["name": "place", "class": "string"]])
    // An applet runs in projects of its own region only.
    #expect(
      h.error("/\(eastApplet)/run", ["project": .string(west), "input": ["who": "x"]])?.message
        == "The applet \(eastApplet) is not in a project in the region azure:westus, so it cannot run in \(west)"
    )
    #expect(IDGenerator.isValid(try h.run(westApplet, project: west, input: ["place": "x"]), klass: "job"))
    // An app runs in the regions it is enabled in, with that region's applet.
    try h.call("/app/new", ["name": "one", "version": "1", "applet": .string(eastApplet)])
    try h.call("/app-one/publish")
    #expect(
      h.error("/app-one/run", ["project": .string(west), "input": ["who": "x"]])?.message
        == "The app one is not enabled in the region azure:westus of \(west); it is enabled in aws:us-east-1")
    try h.call(
      "/app/new",
      [
        "name": "both", "version": "1",
        "regionalOptions": [
          "aws:us-east-1": ["applet": .string(eastApplet)], "azure:westus": ["applet": .string(westApplet)],
        ],
      ])
    let job = try h.run("app-both", project: west, input: ["place": "there"])
    #expect(try h.describe(job)["region"] == "azure:westus")
    #expect(
      h.errorType("/app-both/run", ["project": .string(west), "input": ["who": "x"]]) == "InvalidInput")
    #expect(IDGenerator.isValid(try h.run("app-both", project: east, input: ["who": "x"]), klass: "job"))
    // A workflow's stages too.
    let workflow =
      try h.call(
        "/workflow/new",
        ["project": .string(west), "stages": [["id": "s", "executable": .string(eastApplet)]]])["id"]?
      .stringValue ?? ""
    #expect(h.errorType("/\(workflow)/run", ["project": .string(west), "input": [:]]) == "InvalidInput")
  }

  @Test func noncesReplayTheFirstRun() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let input: DXJSON = ["project": .string(project), "input": ["who": "x"], "nonce": "n-1"]
    let first = try h.call("/\(applet)/run", input)
    #expect(try h.call("/\(applet)/run", input) == first)
    let other: DXJSON = ["project": .string(project), "input": ["who": "z"], "nonce": "n-1"]
    #expect(h.error("/\(applet)/run", other)?.message.contains("Nonce was reused") == true)
    let found = try h.call("/system/findJobs", ["project": .string(project)])
    #expect(found["results"]?.arrayValue?.count == 1)
  }

  @Test func permissionsForAnotherUser() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    #expect(h.error("/\(job)/describe", as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(job)/terminate", as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(job)/addTags", ["tags": ["x"]], as: "bob")?.type == "PermissionDenied")
    #expect(
      h.error("/\(applet)/run", ["project": .string(project), "input": ["who": "x"]], as: "bob")?.type
        == "PermissionDenied")
    #expect(try h.call("/system/findJobs", [:], as: "bob")["results"] == [])
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "VIEW"])
    #expect(try h.describe(job, as: "bob")["id"] == .string(job))
    #expect(
      h.error("/\(job)/setProperties", ["properties": ["a": "b"]], as: "bob")?.type == "PermissionDenied")
    #expect(try h.call("/system/findJobs", [:], as: "bob")["results"]?.arrayValue?.count == 1)
    #expect(h.error("/job-000000000000000000000000/describe")?.type == "ResourceNotFound")
    #expect(h.error("/analysis-000000000000000000000000/describe")?.type == "ResourceNotFound")
    // A job ID through an analysis route is not found.
    #expect(
      h.error("/\(job)/describe".replacingOccurrences(of: "job-", with: "analysis-"))?.type
        == "ResourceNotFound")
  }

  @Test func tagsPropertiesUpdateTerminateAndIdentityTokens() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project, extra: ["tags": ["a"]])
    try h.call("/\(job)/addTags", ["tags": ["b", "c"]])
    try h.call("/\(job)/removeTags", ["tags": ["a"]])
    try h.call("/\(job)/setProperties", ["properties": ["k": "v", "gone": "x"]])
    try h.call("/\(job)/setProperties", ["properties": ["gone": .null]])
    try h.call("/\(job)/update", ["name": "renamed", "allowSSH": ["*"], "rank": 3, "costLimit": 2])
    let d = try h.describe(job)
    #expect(d["tags"] == ["b", "c"])
    #expect(d["properties"] == ["k": "v"])
    #expect(d["name"] == "renamed")
    #expect(d["allowSSH"] == ["*"])
    #expect(h.error("/\(job)/addTags", [:])?.type == "InvalidInput")
    #expect(h.error("/\(job)/update", ["name": ""])?.type == "InvalidInput")
    // An identity token authenticates as the job's launcher while the job runs.
    let token = try h.call("/\(job)/getIdentityToken", ["audience": "aws"])["Token"]?.stringValue ?? ""
    #expect(token.split(separator: ".").count == 3)
    #expect(h.platform.userID(forToken: token) == "user-alice")
    #expect(h.error("/\(job)/getIdentityToken", [:])?.type == "InvalidInput")
    #expect(h.error("/\(job)/getIdentityToken", ["audience": "aws"], as: "bob")?.type == "PermissionDenied")
    try h.call("/\(job)/terminate")
    let terminated = try h.describe(job)
    #expect(terminated["state"] == "terminated")
    #expect(terminated["failureReason"] == "Terminated")
    #expect(terminated["failureMessage"]?.stringValue?.contains("user-alice") == true)
    #expect(h.platform.userID(forToken: token) == nil)
    #expect(h.error("/\(job)/terminate")?.type == "InvalidState")
    #expect(h.error("/\(job)/getIdentityToken", ["audience": "aws"])?.type == "InvalidState")
  }

  @Test func subJobsFromInsideAJob() throws {
    let h = try PlatformHarness(executionRules: [
      try DXExecutionRule(json: ["match": ["function": "main"], "outcome": "running", "times": 1])
    ])
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let parent = try h.run(applet, project: project)
    let token = try h.platform.adminExecution(parent)["token"]?.stringValue ?? ""
    #expect(token.hasPrefix("token-"))
    // job/new needs a job's token.
    #expect(h.error("/job/new", ["input": [:], "function": "f"])?.type == "PermissionDenied")
    #expect(h.error("/job/new", ["input": [:]], token: token)?.type == "InvalidInput")
    let child =
      try h.call("/job/new", ["input": ["i": 1], "function": "scatter", "name": "part"], token: token)["id"]?
      .stringValue ?? ""
    let d = try h.describe(child)
    #expect(d["parentJob"] == .string(parent))
    #expect(d["originJob"] == .string(parent))
    #expect(d["rootExecution"] == .string(parent))
    #expect(d["function"] == "scatter")
    #expect(d["name"] == "part")
    #expect(d["workspace"] == (try h.describe(parent))["workspace"])
    #expect(d["launchedBy"] == "user-alice")
    // Running an applet from inside the job makes a child that is its own origin.
    let launched =
      try h.call("/\(applet)/run", ["input": ["who": "x"]], token: token)["id"]?.stringValue ?? ""
    let ld = try h.describe(launched)
    #expect(ld["parentJob"] == .string(parent))
    #expect(ld["originJob"] == .string(launched))
    #expect(ld["project"] == .string(project))
    #expect(ld["workspace"] != d["workspace"])
    // The parent's own work ends while the children run: waiting_on_output, then done.
    try h.platform.adminMoveExecution(parent, ["state": "done", "output": ["greeting": "hi"]])
    #expect(try h.state(parent) == "waiting_on_output")
    h.wait(1000)
    #expect(try h.state(child) == "done")
    #expect(try h.state(launched) == "done")
    #expect(try h.state(parent) == "done")
    #expect(try h.describe(parent)["output"] == ["greeting": "hi"])
    // The token died with the job.
    #expect(h.platform.userID(forToken: token) == nil)
  }
}
