import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform execution search: findJobs, findExecutions, findAnalyses, describeExecutions")
struct PlatformExecutionSearchTests {
  @Test func everyFilterAndPaging() throws {
    let h = try PlatformHarness(
      jobDuration: 10,
      executionRules: [try DXExecutionRule(json: ["match": ["name": "gamma"], "outcome": "running"])])
    let project = try h.newProject()
    let other = try h.newProject("other")
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "CONTRIBUTE"])
    let applet = try h.newApplet(project, name: "alpha")
    let beta = try h.newApplet(project, name: "beta")
    let gamma = try h.newApplet(project, name: "gamma")
    var jobs: [String] = []
    for index in 0..<6 {
      jobs.append(
        try h.run(
          index % 2 == 0 ? applet : beta, project: index == 5 ? other : project,
          extra: [
            "name": .string("job-\(index)"), "tags": index < 3 ? ["low"] : ["high"],
            "properties": ["i": .string("\(index)")],
          ]))
    }
    let bobJob = try h.run(applet, project: project, as: "bob")
    let createdMid = try h.describe(jobs[3])["created"]?.intValue ?? 0
    h.wait(100)
    let running = try h.run(gamma, project: project, extra: ["name": "still"])
    h.wait(100)
    func ids(_ input: DXJSON, route: String = "findJobs", as user: String = "alice") throws -> [String] {
      (try h.call("/system/\(route)", input, as: user)["results"]?.arrayValue ?? []).compactMap {
        $0["id"]?.stringValue
      }
    }
    // Newest first.
    #expect(
      try ids(["project": .string(project)]) == [
        running, bobJob, jobs[4], jobs[3], jobs[2], jobs[1], jobs[0],
      ])
    #expect(try ids(["project": .string(project), "state": "running"]) == [running])
    #expect(try ids(["project": .string(project), "state": "done"]).count == 6)
    #expect(try ids(["project": .string(project), "state": ["running", "done"]]).count == 7)
    #expect(try ids(["launchedBy": "user-bob"]) == [bobJob])
    #expect(try ids(["executable": .string(beta)]) == [jobs[5], jobs[3], jobs[1]])
    #expect(try ids(["tags": ["$and": ["high"]]]) == [jobs[5], jobs[4], jobs[3]])
    #expect(try ids(["tags": "low", "project": .string(project)]) == [jobs[2], jobs[1], jobs[0]])
    #expect(try ids(["properties": ["i": "2"]]) == [jobs[2]])
    #expect(try ids(["properties": ["i": true], "project": .string(other)]) == [jobs[5]])
    #expect(try ids(["name": ["glob": "job-[12]"]]) == [jobs[2], jobs[1]])
    #expect(try ids(["name": ["regexp": "^st"]]) == [running])
    #expect(try ids(["name": "job-4"]) == [jobs[4]])
    #expect(
      try ids(["created": ["after": .integer(createdMid)], "project": .string(project)]) == [
        running, bobJob, jobs[4], jobs[3],
      ])
    #expect(try ids(["created": ["before": .integer(createdMid - 1)]]) == [jobs[2], jobs[1], jobs[0]])
    #expect(try ids(["modified": ["after": .integer(createdMid + 50)]]) == [running])
    #expect(try ids(["rootExecution": .string(jobs[0])]) == [jobs[0]])
    #expect(try ids(["originJob": [.string(jobs[0]), .string(jobs[1])]]) == [jobs[1], jobs[0]])
    #expect(try ids(["parentJob": .null, "project": .string(other)]) == [jobs[5]])
    #expect(try ids(["parentAnalysis": .null, "project": .string(other)]) == [jobs[5]])
    #expect(try ids(["parentJob": .string(jobs[0])]) == [])
    #expect(try ids(["class": "analysis"], route: "findExecutions") == [])
    #expect(try ids([:], route: "findAnalyses") == [])
    #expect(try ids(["project": .string(project)], route: "findExecutions").count == 7)
    // bob sees only the project he is in.
    #expect(try ids([:], as: "bob").count == 7)
    #expect(h.error("/system/findJobs", ["project": .string(other)], as: "bob")?.type == "PermissionDenied")
    // Paging: limit and the next token.
    var page = try h.call("/system/findJobs", ["project": .string(project), "limit": 3])
    var seen = (page["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    while let next = page["next"], !next.isNull, seen.count < 20 {
      page = try h.call("/system/findJobs", ["project": .string(project), "limit": 3, "starting": next])
      seen += (page["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }
    #expect(seen == [running, bobJob, jobs[4], jobs[3], jobs[2], jobs[1], jobs[0]])
    // describe with fields.
    let described = try h.call(
      "/system/findJobs",
      ["project": .string(project), "limit": 1, "describe": ["fields": ["state": true, "name": true]]])
    #expect(
      described["results"]?[0]?["describe"] == ["id": .string(running), "state": "running", "name": "still"])
    let io = try h.call("/system/findJobs", ["limit": 1, "describe": ["io": false]])
    #expect(io["results"]?[0]?["describe"]?["input"] == nil)
    // Bad queries.
    for input: DXJSON in [
      ["class": "record"], ["state": "exploded"], ["parentJob": 3], ["starting": "nonsense"], ["limit": 0],
      ["created": "yesterday"], ["name": 3], ["describe": 3],
    ] {
      #expect(h.error("/system/findExecutions", input)?.type == "InvalidInput", "\(input)")
    }
  }

  @Test func subjobsCanBeLeftOut() throws {
    let h = try PlatformHarness(executionRules: [
      try DXExecutionRule(json: ["match": ["function": "main"], "outcome": "running"])
    ])
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let parent = try h.run(applet, project: project)
    let token = try h.platform.adminExecution(parent)["token"]?.stringValue ?? ""
    let child =
      try h.call("/job/new", ["input": [:], "function": "f"], token: token)["id"]?.stringValue ?? ""
    let all = try h.call("/system/findJobs", [:])["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
    #expect(all == [child, parent])
    let origins = try h.call("/system/findJobs", ["includeSubjobs": false])["results"]?.arrayValue?.compactMap
    {
      $0["id"]?.stringValue
    }
    #expect(origins == [parent])
    #expect(
      try h.call("/system/findJobs", ["parentJob": .string(parent)])["results"]?.arrayValue?.compactMap {
        $0["id"]?.stringValue
      }
        == [child])
  }

  @Test func describeExecutionsInBulk() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    let result = try h.call(
      "/system/describeExecutions",
      [
        "executions": [
          .string(job), ["id": .string(job), "describe": ["fields": ["state": true]]],
          "job-000000000000000000000000",
        ],
        "describe": ["fields": ["name": true]],
      ])
    let results = result["results"]?.arrayValue ?? []
    #expect(results[0]["describe"] == ["id": .string(job), "name": "tool"])
    #expect(results[1]["describe"]?["state"] != nil)
    #expect(results[2]["describe"] == .null)
    #expect(results[2]["error"]?["type"] == "ResourceNotFound")
    let bob = try h.call("/system/describeExecutions", ["executions": [.string(job)]], as: "bob")
    #expect(bob["results"]?[0]?["error"]?["type"] == "PermissionDenied")
    #expect(h.error("/system/describeExecutions", [:])?.type == "InvalidInput")
  }
}
