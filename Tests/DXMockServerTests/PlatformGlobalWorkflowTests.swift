import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform global workflows")
struct PlatformGlobalWorkflowTests {
  /// A closed workflow with one stage running a new applet, in a new project (as `dx build
  /// --globalworkflow` makes in its temporary project); returns (project, workflow, applet).
  static func closedWorkflow(_ h: PlatformHarness, region: String? = nil, as user: String = "alice") throws
    -> (String, String, String)
  {
    var projectInput: [String: DXJSON] = ["name": "build"]
    if let region { projectInput["region"] = .string(region) }
    let project = try h.call("/project/new", .object(projectInput), as: user)["id"]?.stringValue ?? ""
    let applet = try PlatformAppletTests.newApplet(h, project, as: user)
    let workflow =
      try h.call(
        "/workflow/new",
        [
          "project": .string(project), "name": "wf",
          "stages": [["id": "s0", "executable": .string(applet), "input": ["who": "world"]]],
        ], as: user)["id"]?.stringValue ?? ""
    try h.call("/\(workflow)/close", as: user)
    return (project, workflow, applet)
  }

  /// Builds version `version` of `name` from a fresh workflow and returns its ID.
  static func newGlobalWorkflow(
    _ h: PlatformHarness, name: String = "gw", version: String = "1.0.0", _ extra: [String: DXJSON] = [:],
    as user: String = "alice"
  ) throws -> String {
    let (_, workflow, _) = try closedWorkflow(h, as: user)
    var input: [String: DXJSON] = [
      "name": .string(name), "version": .string(version),
      "regionalOptions": ["aws:us-east-1": ["workflow": .string(workflow)]],
    ]
    input.merge(extra) { $1 }
    return try h.call("/globalworkflow/new", .object(input), as: user)["id"]?.stringValue ?? ""
  }

  @Test func buildDescribeAndOutliveTheBuildProject() throws {
    let h = try PlatformHarness()
    let (project, workflow, applet) = try Self.closedWorkflow(h)
    let id =
      try h.call(
        "/globalworkflow/new",
        [
          "name": "gw", "version": "1.0.0", "title": "GW", "summary": "s", "categories": ["Demo"],
          "details": ["k": 1], "regionalOptions": ["aws:us-east-1": ["workflow": .string(workflow)]],
        ])["id"]?.stringValue ?? ""
    #expect(IDGenerator.isValid(id, klass: "globalworkflow"))
    // dx build deletes its temporary project right away; the underlying workflow stays reachable.
    try h.call("/\(project)/destroy")
    let described = try h.call("/globalworkflow-gw/describe")
    #expect(described["id"] == .string(id))
    #expect(described["class"] == "globalworkflow")
    #expect(described["title"] == "GW")
    #expect(described["aliases"] == ["1.0.0", "default"])
    #expect(described["published"] == nil)
    #expect(described["isDeveloperFor"] == true)
    #expect(described["categories"] == ["Demo"])
    #expect(described["regionalOptions"]?["aws:us-east-1"]?["workflow"] == .string(workflow))
    let underlying = try h.call("/\(workflow)/describe")
    #expect(underlying["stages"]?[0]?["executable"] == .string(applet))
    #expect(underlying["inputSpec"] == [["name": "s0.who", "class": "string", "default": "world"]])
    #expect(try h.call("/\(applet)/describe")["class"] == "applet")
    #expect(
      try h.call("/globalworkflow-gw/1.0.0/describe", ["fields": ["version": true]]) == [
        "id": .string(id), "version": "1.0.0",
      ])
    // Containers never show in searches without a scope.
    #expect(try h.ids("/system/findDataObjects", ["class": "workflow"]).isEmpty)
    #expect(try h.ids("/system/findProjects").isEmpty)
    // The builder's check for an existing version.
    #expect(
      try h.call("/globalworkflow-gw/describe", ["fields": ["isDeveloperFor": true]])["isDeveloperFor"]
        == true)
  }

  @Test func publishTagsDevelopersAndSearch() throws {
    let h = try PlatformHarness()
    let v1 = try Self.newGlobalWorkflow(h)
    #expect(try h.ids("/system/findGlobalWorkflows") == [v1])
    #expect(try h.ids("/system/findGlobalWorkflows", ["published": true]).isEmpty)
    #expect(h.errorType("/globalworkflow-gw/describe", as: "bob") == "ResourceNotFound")
    try h.call("/globalworkflow-gw/1.0.0/publish")
    #expect(try h.call("/\(v1)/describe")["published"]?.intValue ?? 0 > 0)
    #expect(h.errorType("/\(v1)/publish") == "InvalidState")
    #expect(h.errorType("/\(v1)/update", ["title": "late"]) == "InvalidState")
    try h.call("/\(v1)/addAuthorizedUsers", ["authorizedUsers": ["user-bob"]])
    #expect(try h.ids("/system/findGlobalWorkflows", as: "bob") == [v1])
    #expect(try h.call("/\(v1)/describe", as: "bob")["authorizedUsers"] == nil)
    #expect(h.errorType("/\(v1)/addTags", ["tags": ["x"]], as: "bob") == "PermissionDenied")
    #expect(try h.call("/\(v1)/listAuthorizedUsers") == ["authorizedUsers": ["user-bob"]])
    // A second version takes the default tag once published with makeDefault.
    let v2 = try Self.newGlobalWorkflow(h, version: "1.1.0")
    #expect(try h.call("/\(v2)/describe")["aliases"] == ["1.1.0"])
    try h.call("/\(v2)/update", ["title": "Newer", "summary": "two"])
    #expect(try h.call("/\(v2)/describe")["title"] == "Newer")
    try h.call("/\(v2)/publish", ["makeDefault": true])
    #expect(try h.call("/globalworkflow-gw/describe")["id"] == .string(v2))
    try h.call("/\(v1)/addTags", ["tags": ["stable"]])
    #expect(try h.call("/globalworkflow-gw/stable/describe")["id"] == .string(v1))
    try h.call("/\(v1)/removeTags", ["tags": ["stable"]])
    #expect(h.errorType("/globalworkflow-gw/stable/describe") == "ResourceNotFound")
    try h.call("/\(v2)/addCategories", ["categories": ["A", "B"]])
    try h.call("/\(v2)/removeCategories", ["categories": ["A"]])
    #expect(try h.call("/\(v2)/listCategories") == ["categories": ["B"]])
    #expect(try h.ids("/system/findGlobalWorkflows", ["category": "B"]) == [v2])
    #expect(try h.ids("/system/findGlobalWorkflows", ["name": ["glob": "g*"]]) == [v2])
    #expect(try h.ids("/system/findGlobalWorkflows", ["name": ["regexp": "^x"]]).isEmpty)
    try h.call("/\(v2)/addDevelopers", ["developers": ["user-bob"]])
    #expect(try h.call("/\(v2)/listDevelopers") == ["developers": ["user-alice", "user-bob"]])
    #expect(h.errorType("/\(v2)/addDevelopers", ["developers": ["user-zed"]]) == "ResourceNotFound")
    try h.call("/\(v2)/removeDevelopers", ["developers": ["user-bob"]])
    #expect(h.errorType("/\(v2)/removeDevelopers", ["developers": ["user-alice"]]) == "InvalidState")
    let all = try h.call(
      "/system/findGlobalWorkflows", ["allVersions": true, "describe": ["fields": ["version": true]]])
    #expect(
      all["results"]?.arrayValue?.compactMap { $0["describe"]?["version"]?.stringValue }.sorted() == [
        "1.0.0", "1.1.0",
      ])
    try h.call("/\(v2)/delete")
    #expect(try h.call("/\(v2)/describe")["deleted"] == true)
    #expect(h.errorType("/globalworkflow-gw/1.1.0/describe") == "ResourceNotFound")
    // A deleted version does not run.
    let project = try h.newProject()
    #expect(
      h.errorType("/globalworkflow-gw/1.1.0/run", ["project": .string(project), "input": [:]])
        == "ResourceNotFound")
  }

  @Test func badInputPermissionsAndRegions() throws {
    let h = try PlatformHarness()
    let (project, workflow, _) = try Self.closedWorkflow(h)
    let valid: [String: DXJSON] = [
      "name": "gw", "version": "1.0.0", "regionalOptions": ["aws:us-east-1": ["workflow": .string(workflow)]],
    ]
    func newError(_ changes: [String: DXJSON], as user: String = "alice") -> String? {
      h.errorType("/globalworkflow/new", .object(valid.merging(changes) { $1 }), as: user)
    }
    #expect(newError(["name": "bad name"]) == "InvalidInput")
    #expect(newError(["version": "x y"]) == "InvalidInput")
    #expect(newError(["regionalOptions": [:]]) == "InvalidInput")
    #expect(newError(["regionalOptions": ["mars:1": ["workflow": .string(workflow)]]]) == "InvalidInput")
    #expect(
      newError(["regionalOptions": ["azure:westus": ["workflow": .string(workflow)]]]) == "InvalidInput")
    #expect(newError(["regionalOptions": ["aws:us-east-1": [:]]]) == "InvalidInput")
    #expect(newError(["billTo": "user-bob"]) == "PermissionDenied")
    #expect(newError([:], as: "bob") == "PermissionDenied")
    let open = try h.call("/workflow/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    #expect(newError(["regionalOptions": ["aws:us-east-1": ["workflow": .string(open)]]]) == "InvalidState")
    let record = try h.newRecord(project)
    #expect(newError(["regionalOptions": ["aws:us-east-1": ["workflow": .string(record)]]]) == "InvalidType")
    // The version exists: dx build recognises this message and updates instead.
    try h.call("/globalworkflow/new", .object(valid))
    #expect(
      h.error("/globalworkflow/new", .object(valid))?.message
        == "Specified name and version conflict with an existing alias")
    // Another user cannot add versions to a name they do not develop.
    let (_, bobs, _) = try Self.closedWorkflow(h, as: "bob")
    #expect(
      h.errorType(
        "/globalworkflow/new",
        [
          "name": "gw", "version": "2.0.0", "regionalOptions": ["aws:us-east-1": ["workflow": .string(bobs)]],
        ],
        as: "bob") == "PermissionDenied")
    // Two regions, each from a workflow in that region.
    let (_, west, _) = try Self.closedWorkflow(h, region: "azure:westus")
    let both =
      try h.call(
        "/globalworkflow/new",
        [
          "name": "both", "version": "1",
          "regionalOptions": [
            "aws:us-east-1": ["workflow": .string(workflow)], "azure:westus": ["workflow": .string(west)],
          ],
        ])["id"]?.stringValue ?? ""
    #expect(
      try h.call("/\(both)/describe")["regionalOptions"]?.objectValue?.keys.sorted() == [
        "aws:us-east-1", "azure:westus",
      ])
    for method in ["publish", "update", "delete", "listCategories", "listDevelopers", "listAuthorizedUsers"] {
      #expect(h.errorType("/globalworkflow-missing/\(method)") == "ResourceNotFound", "\(method)")
    }
    #expect(h.errorType("/\(both)/1.0.0/describe") == "InvalidInput")
    #expect(h.errorType("/system/findGlobalWorkflows", ["limit": 0]) == "InvalidInput")
  }

  @Test func runningOneAnalysesTheWorkflowOfTheProjectsRegion() throws {
    let h = try PlatformHarness()
    let id = try Self.newGlobalWorkflow(h)
    let underlying =
      try h.call("/\(id)/describe")["regionalOptions"]?["aws:us-east-1"]?["workflow"]?.stringValue ?? ""
    let project = try h.newProject("runs")
    // The input is the underlying workflow's run input.
    let analysis = try h.run("globalworkflow-gw", project: project, input: ["s0.who": "there"])
    #expect(IDGenerator.isValid(analysis, klass: "analysis"))
    let described = try h.describe(analysis)
    #expect(described["executable"] == .string(id))
    #expect(described["executableName"] == "gw")
    #expect(described["name"] == "gw")
    #expect(described["workflow"]?["id"] == .string(underlying))
    #expect(described["project"] == .string(project))
    let stageJob = described["stages"]?[0]?["execution"]?["id"]?.stringValue ?? ""
    #expect(try h.describe(stageJob)["input"] == ["who": "there"])
    h.wait(1000)
    #expect(try h.state(analysis) == "done")
    #expect(try h.ids("/system/findAnalyses", ["executable": .string(id)]) == [analysis])
    // By ID and by version; the same nonce gives the same analysis.
    #expect(IDGenerator.isValid(try h.run(id, project: project, input: [:]), klass: "analysis"))
    let once: [String: DXJSON] = ["nonce": "gw-run"]
    let first = try h.run("globalworkflow-gw/1.0.0", project: project, input: [:], extra: once)
    #expect(try h.run("globalworkflow-gw/1.0.0", project: project, input: [:], extra: once) == first)
    // Bad input, permissions and regions.
    #expect(h.errorType("/globalworkflow-gw/run", ["input": [:]]) == "InvalidInput")
    #expect(
      h.errorType("/globalworkflow-gw/run", ["project": .string(project), "input": ["nope.x": 1]])
        == "InvalidInput")
    let bobs = try h.newProject("bob's", as: "bob")
    #expect(
      h.errorType("/globalworkflow-gw/run", ["project": .string(bobs), "input": [:]]) == "PermissionDenied")
    // Unpublished: only its developers see it.
    #expect(
      h.errorType("/globalworkflow-gw/run", ["project": .string(bobs), "input": [:]], as: "bob")
        == "ResourceNotFound")
    let west =
      try h.call("/project/new", ["name": "west", "region": "azure:westus"])["id"]?.stringValue ?? ""
    #expect(
      h.error("/globalworkflow-gw/run", ["project": .string(west), "input": [:]])?.message
        == "The global workflow gw is not enabled in the region azure:westus of \(west)")
    #expect(
      h.errorType("/globalworkflow-missing/run", ["project": .string(project), "input": [:]])
        == "ResourceNotFound")
  }

  @Test func noncesAndPersistence() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var id = ""
      do {
        let h = try PlatformHarness(statePath: path)
        let (_, workflow, _) = try Self.closedWorkflow(h)
        let input: DXJSON = [
          "name": "kept", "version": "1.0.0", "nonce": "gw-1",
          "regionalOptions": ["aws:us-east-1": ["workflow": .string(workflow)]],
        ]
        id = try h.call("/globalworkflow/new", input)["id"]?.stringValue ?? ""
        #expect(try h.call("/globalworkflow/new", input)["id"] == .string(id))
        try h.call("/\(id)/publish")
        try h.call("/\(id)/addAuthorizedUsers", ["authorizedUsers": ["PUBLIC"]])
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try h.call("/globalworkflow-kept/describe", as: "carol")["id"] == .string(id))
      let workflow =
        try h.call("/\(id)/describe")["regionalOptions"]?["aws:us-east-1"]?["workflow"]?.stringValue ?? ""
      #expect(try h.call("/\(workflow)/describe", as: "carol")["class"] == "workflow")
    }
  }
}
