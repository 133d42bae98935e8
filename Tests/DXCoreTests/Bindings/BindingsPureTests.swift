import DXCore
import Foundation
import Testing

@Suite("Bindings — IDs, links, part sizes, paths, queries (pure)")
struct BindingsPureTests {
  @Test(
    "verify_string_dxid: class and 24 alphanumerics",
    arguments: [
      ("record-B0000000000000000000000P", ["record"], true),
      ("record-B000000000000000000000P", ["record"], false),
      ("record-B0000000000000000000000P0", ["record"], false),
      ("file-B0000000000000000000000P", ["record"], false),
      ("project-aB3456789012345678901234", ["project", "container"], true),
      ("container-aB34567890123456789_1234", ["project", "container"], false),
      ("record-B00000000000000000000-0P", ["record"], false),
      ("", ["record"], false),
    ])
  func verifyIDs(id: String, classes: [String], valid: Bool) {
    #expect(DXID.isValid(id, classes: classes) == valid)
  }

  @Test("invalid IDs raise dxpy's message for one, two and three classes")
  func invalidIDMessages() {
    #expect(DXBindingError.invalidID("x", classes: ["file"]).message == "Invalid ID of class file: 'x'")
    #expect(
      DXBindingError.invalidID("x", classes: ["project", "container"]).message
        == "Invalid ID of class project or container: 'x'")
    #expect(
      DXBindingError.invalidID("x", classes: ["a", "b", "c"]).message == "Invalid ID of class a, b, or c: 'x'"
    )
    #expect(throws: DXBindingError.invalidID("file-1", classes: ["file"])) {
      try DXID.verify("file-1", classes: ["file"])
    }
  }

  @Test("handles check their IDs and take the default project")
  func handles() throws {
    let client = scriptedClient(ScriptedPlatform { _, _, _ in .json([:]) })
    let record = try DXRecord(testID("record", 1), client: client)
    #expect(record.project == "project-B0000000000000000000000P")
    let elsewhere = try DXRecord(testID("record", 1), project: testID("container", 2), client: client)
    #expect(elsewhere.project == testID("container", 2))
    #expect(throws: DXBindingError.self) { try DXRecord(testID("file", 1), client: client) }
    #expect(throws: DXBindingError.self) {
      try DXRecord(testID("record", 1), project: "nope", client: client)
    }
    #expect(throws: DXBindingError.self) { try DXContainer(testID("project", 1), client: client) }
    #expect(try DXProject(client: client).id == "project-B0000000000000000000000P")
    let noProject = scriptedClient(ScriptedPlatform { _, _, _ in .json([:]) }, project: nil)
    #expect(try DXFile(testID("file", 3), client: noProject).project == nil)
  }

  @Test("get_handler picks the type from the ID, and apps by name")
  func getHandler() throws {
    let client = scriptedClient(ScriptedPlatform { _, _, _ in .json([:]) })
    #expect(try client.handler(for: testID("file", 1)) is DXFile)
    #expect(try client.handler(for: testID("applet", 1)) is DXApplet)
    #expect(try client.handler(for: testID("workflow", 1)) is DXWorkflow)
    #expect(try client.handler(for: testID("database", 1)) is DXDatabase)
    #expect(try client.handler(for: testID("container", 1)) is DXContainer)
    #expect(try client.handler(for: testID("job", 1)) is DXJob)
    #expect(try client.handler(for: testID("analysis", 1)) is DXAnalysis)
    let app = try #require(try client.handler(for: "app-bwa/1.0.0") as? DXApp)
    #expect(app.name == "bwa" && app.alias == "1.0.0" && app.id == "app-bwa/1.0.0")
    let named = try #require(try client.handler(for: "globalworkflow-gatk") as? DXGlobalWorkflow)
    #expect(named.id == "globalworkflow-gatk/default")
    let file = try #require(
      try client.handler(for: DXLink(testID("file", 4), project: testID("project", 5))) as? DXFile)
    #expect(file.project == testID("project", 5))
    #expect(throws: DXBindingError.self) { try client.handler(for: "user-alice") }
    #expect(throws: DXBindingError.self) { try client.handler(for: "nothing") }
  }

  @Test("links: the three forms, is_dxlink and get_dxlink_ids")
  func links() throws {
    let file = testID("file", 1)
    #expect(DXLink(file).json == ["$dnanexus_link": .string(file)])
    let inProject = DXLink(file, project: "project-x")
    #expect(inProject.json == ["$dnanexus_link": ["project": "project-x", "id": .string(file)]])
    #expect(inProject.ids.id == file && inProject.ids.projectOrField == "project-x")
    let job = testID("job", 2)
    let ref = try DXLink.jobOutput(job: job, field: "bam", index: 1)
    #expect(ref.json == ["$dnanexus_link": ["job": .string(job), "field": "bam", "index": 1]])
    #expect(throws: DXBindingError.self) { try DXLink.jobOutput(job: "job-1", field: "x") }
    #expect(try DXLink(json: ref.json) == ref)
    #expect(try DXLink(json: inProject.json) == inProject)
    #expect(DXLink.isLink(["$dnanexus_link": "x"]))
    #expect(DXLink.isLink(["$dnanexus_link": ["job": "j", "field": "f"]]))
    #expect(!DXLink.isLink(["$dnanexus_link": ["analysis": "a", "field": "f"]]))
    #expect(!DXLink.isLink(["$dnanexus_link": 3]))
    #expect(!DXLink.isLink(["id": "x"]))
    #expect(throws: DXBindingError.self) { try DXLink(json: ["x": 1]) }
    let analysis = try DXAnalysis(
      testID("analysis", 3), client: scriptedClient(ScriptedPlatform { _, _, _ in .json([:]) }))
    #expect(
      analysis.outputReference(field: "out").json
        == ["$dnanexus_link": ["analysis": .string(testID("analysis", 3)), "field": "out"]])
  }

  @Test("part size: dxpy's _get_write_buf_size")
  func partSize() throws {
    let aws = DXFileUploadParameters(
      minimumPartSize: 5_242_880, maximumPartSize: 5_368_709_120, maximumNumParts: 10_000,
      maximumFileSize: 5_497_558_138_880, emptyLastPartAllowed: true)
    let mib = 1 << 20
    #expect(try aws.partSize(hint: 16 * mib, expectedSize: 1 << 30) == 16 * mib)
    #expect(try aws.partSize(hint: 1 * mib, expectedSize: 10) == 5 * mib)
    // 1 TiB / 10,000 parts → 109,951,163 bytes, rounded up to the page size when mapped.
    #expect(try aws.partSize(hint: 16 * mib, expectedSize: 1 << 40) == 109_951_163)
    #expect(try aws.partSize(hint: 16 * mib, expectedSize: 1 << 40, alignment: 4096) == 109_953_024)
    #expect(try aws.partSize(hint: 10 * 1024 * mib, expectedSize: nil) == 5_368_709_120)
    #expect(throws: DXBindingError.file("Size of file exceeds maximum of 5.00 TiB")) {
      try aws.partSize(hint: mib, expectedSize: 5_497_558_138_881)
    }
    let tight = DXFileUploadParameters(
      minimumPartSize: 10, maximumPartSize: 20, maximumNumParts: 2, maximumFileSize: 1000,
      emptyLastPartAllowed: false)
    #expect(throws: DXBindingError.self) { try tight.partSize(hint: 15, expectedSize: 41) }
    #expect(try tight.partSize(hint: 15, expectedSize: 39) == 20)
  }

  @Test(
    "resolve_path: projects, folders, names, escapes",
    arguments: [
      ("project-B0000000000000000000000P:/a/b/c.txt", "project-B0000000000000000000000P", "/a/b", "c.txt"),
      ("proj:/a/b/", "name:proj", "/a/b", nil),
      ("proj:", "name:proj", "/", nil),
      (":/x/./y/../z", "project-W0000000000000000000000W", "/x", "z"),
      ("/data/reads.fq", "project-W0000000000000000000000W", "/data", "reads.fq"),
      ("reads.fq", "project-W0000000000000000000000W", "/wd", "reads.fq"),
      ("my\\:proj:/f\\:g", "name:my:proj", "/", "f:g"),
      (
        "file-B0000000000000000000000F", "project-W0000000000000000000000W", nil,
        "file-B0000000000000000000000F"
      ),
      ("job-B0000000000000000000000J:out", "job:job-B0000000000000000000000J", nil, "out"),
      (
        "{\"$dnanexus_link\": \"file-B0000000000000000000000F\"}", "project-W0000000000000000000000W", nil,
        "file-B0000000000000000000000F"
      ),
    ] as [(String, String, String?, String?)])
  func parsePaths(path: String, project: String, folder: String?, name: String?) throws {
    let parsed = try DXPath(
      parsing: path, workspace: "project-W0000000000000000000000W", workingDirectory: "/wd")
    let shown: String
    switch parsed.project {
    case .id(let id): shown = id
    case .name(let name): shown = "name:" + name
    case .job(let job): shown = "job:" + job
    }
    #expect(shown == project)
    #expect(parsed.folder == folder)
    #expect(parsed.name == name)
  }

  @Test("resolve_path errors: two colons, no current project")
  func pathErrors() {
    #expect(throws: DXBindingError.self) { try DXPath(parsing: "a:b:c", workspace: "project-x") }
    #expect(throws: DXBindingError.self) { try DXPath(parsing: "/a", workspace: nil) }
    #expect(throws: DXBindingError.self) { try DXPath(parsing: ":", workspace: nil) }
    #expect(DXPath.escapeName("a:b*c") == "a\\:b\\*c")
    #expect(DXPath.isGlob("*.bam") && !DXPath.isGlob("a\\*b"))
  }

  @Test("describe options: properties and fields cannot go together")
  func describeOptions() async throws {
    let platform = ScriptedPlatform { _, path, body in
      .json(["id": .string(String(path.split(separator: "/")[0])), "input": body])
    }
    let record = try DXRecord(testID("record", 1), client: scriptedClient(platform))
    await #expect(throws: DXBindingError.self) {
      try await record.describe(DXDescribeOptions(includeProperties: true, fields: ["name"]))
    }
    let described = try await record.describe(.fields(["state"]))
    #expect(
      described["input"]
        == ["fields": ["state": true], "project": "project-B0000000000000000000000P"])
  }

  @Test("data-object queries: dxpy's JSON and its argument errors")
  func dataObjectQueries() throws {
    let client = scriptedClient(ScriptedPlatform { _, _, _ in .json([:]) })
    var query = DXDataObjectQuery(objectClass: "file", name: .glob("*.bam"), folder: "/x", recurse: false)
    query.tags = ["a", "b"]
    let search = try client.findDataObjects(query, firstPageSize: 7)
    #expect(
      search.firstQuery
        == [
          "class": "file", "name": ["glob": "*.bam"], "tags": ["$and": ["a", "b"]], "limit": 7,
          "scope": ["project": "project-B0000000000000000000000P", "folder": "/x", "recurse": false],
        ])
    query.tag = "c"
    #expect(throws: DXBindingError.self) { try client.findDataObjects(query) }
    let noProject = scriptedClient(ScriptedPlatform { _, _, _ in .json([:]) }, project: nil)
    #expect(throws: DXBindingError.self) { try noProject.findDataObjects(.init(folder: "/x")) }
    #expect(try client.findDataObjects(limit: 5).firstQuery == ["limit": 5])
    #expect(
      client.findJobs(.init(parentJob: DXExecutionQuery.Parent.none)).firstQuery == [
        "class": "job", "parentJob": nil, "limit": 100,
      ])
  }

  @Test("run input: dxpy's common fields, applet-only checks, extra_args merged")
  func runInput() async throws {
    let platform = ScriptedPlatform { _, path, _ in .json(["id": .string(testID("job", 9))]) }
    let client = scriptedClient(platform)
    let applet = try DXApplet(testID("applet", 1), client: client)
    var options = DXRunOptions(
      folder: "/out", name: "n", instanceType: "mem1_ssd1_x4", dependsOn: [testID("job", 2)])
    options.preserveJobOutputs = true
    options.extraArgs = ["systemRequirements": ["*": ["clusterSpec": "x"]], "detach": false]
    let job = try await applet.run(["reads": DXLink(testID("file", 1)).json], options)
    #expect(job.id == testID("job", 9))
    let body = try #require(platform.bodies("/\(applet.id)/run").first?.objectValue)
    #expect(body["input"] == ["reads": ["$dnanexus_link": .string(testID("file", 1))]])
    #expect(body["folder"] == "/out" && body["name"] == "n")
    #expect(body["project"] == "project-B0000000000000000000000P")
    #expect(body["systemRequirements"] == ["*": ["instanceType": "mem1_ssd1_x4", "clusterSpec": "x"]])
    #expect(body["dependsOn"] == [.string(testID("job", 2))])
    #expect(body["preserveJobOutputs"] == [:])
    #expect(body["detach"] == false)
    #expect(body["nonce"]?.stringValue?.count == 81)
    var workflowOnly = DXRunOptions()
    workflowOnly.rerunStages = ["*"]
    await #expect(
      throws: DXBindingError.invalidArgument("rerun_stages is not supported for applets (only workflows)")
    ) {
      try await applet.run([:], workflowOnly)
    }
  }
}
