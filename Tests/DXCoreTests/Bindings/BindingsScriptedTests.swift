import DXCore
import Foundation
import Testing

@Suite("Bindings — paging, batching, waits and runs against scripted platform replies")
struct BindingsScriptedTests {
  /// A findDataObjects that serves `total` objects in pages of the asked `limit`.
  static func pagingPlatform(total: Int) -> ScriptedPlatform {
    ScriptedPlatform { _, _, body in
      let start = body["starting"]?.intValue ?? 0
      let limit = body["limit"]?.intValue ?? 0
      let end = min(start + limit, total)
      let results = DXJSON.array(
        (start..<end).map {
          ["id": .string(testID("record", $0)), "project": "project-B0000000000000000000000P"]
        })
      return .json(["results": results, "next": end < total ? .integer(end) : nil])
    }
  }

  @Test("find: first page 100, then starting=next and the page size doubles up to 1000")
  func paging() async throws {
    let platform = Self.pagingPlatform(total: 3_500)
    let results = try await scriptedClient(platform).findDataObjects().collect()
    #expect(results.count == 3_500)
    #expect(results.map(\.id) == (0..<3_500).map { testID("record", $0) })
    let pages = platform.bodies("/system/findDataObjects")
    #expect(pages.map { $0["limit"]?.intValue ?? -1 } == [100, 200, 400, 800, 1000, 1000])
    #expect(pages.map { $0["starting"]?.intValue ?? -1 } == [-1, 100, 300, 700, 1500, 2500])
  }

  @Test("find with a limit stops after it, the limit also sizing the first page (no extra page fetched)")
  func limited() async throws {
    let platform = Self.pagingPlatform(total: 1_000)
    let results = try await scriptedClient(platform).findDataObjects(limit: 150).collect()
    #expect(results.count == 150)
    #expect(platform.bodies("/system/findDataObjects").map { $0["limit"]?.intValue ?? -1 } == [150])
    let more = try await scriptedClient(platform).findDataObjects(limit: 250, firstPageSize: 100).collect()
    #expect(more.count == 250)
    #expect(platform.bodies("/system/findDataObjects").map { $0["limit"]?.intValue ?? -1 } == [150, 250])
  }

  @Test("findOne: none, one, more (DXSearchError), zeroOK")
  func findOne() async throws {
    for (total, zeroOK, moreOK, expected) in [
      (0, false, true, "error"), (0, true, true, "nil"), (1, false, false, "one"), (2, false, false, "error"),
      (2, false, true, "one"),
    ] as [(Int, Bool, Bool, String)] {
      let platform = Self.pagingPlatform(total: total)
      let search = try scriptedClient(platform).findDataObjects()
      do {
        let result = try await search.one(zeroOK: zeroOK, moreOK: moreOK)
        #expect((result == nil ? "nil" : "one") == expected)
      } catch let error as DXBindingError {
        #expect(expected == "error" && error.isSearchError)
      }
      #expect(platform.bodies("/system/findDataObjects").first?["limit"]?.intValue == (moreOK ? 1 : 2))
    }
  }

  @Test("resolveDataObjects: batches of at most 1000, results in order")
  func resolveBatches() async throws {
    let platform = ScriptedPlatform { _, _, body in
      let objects = body["objects"]?.arrayValue ?? []
      return .json(["results": .array(objects.map { [["id": $0["name"] ?? nil]] })])
    }
    let client = scriptedClient(platform)
    let objects = (0..<2_500).map { DXJSON.object(["name": .string("n\($0)")]) }
    let results = try await client.resolveDataObjects(objects, project: "project-p")
    #expect(results.count == 2_500)
    #expect(results[2_499].first?["id"] == "n2499")
    let batches = platform.bodies("/system/resolveDataObjects")
    #expect(batches.map { $0["objects"]?.arrayValue?.count ?? 0 } == [1000, 1000, 500])
    #expect(batches.allSatisfy { $0["project"] == "project-p" })
    await #expect(throws: DXBindingError.self) { try await client.resolveDataObjects([], batchSize: 1001) }
  }

  /// A job whose describe replies walk through `states`, then stay on the last.
  static func jobPlatform(_ states: [String], failure: DXJSON = [:]) -> ScriptedPlatform {
    let step = DXLock(0)
    return ScriptedPlatform { _, _, body in
      let index = step.withLock { value -> Int in
        defer { value += 1 }
        return min(value, states.count - 1)
      }
      var reply: [String: DXJSON] = ["id": .string(testID("job", 1)), "state": .string(states[index])]
      if body["fields"] == nil {
        for (key, value) in failure.objectValue ?? [:] { reply[key] = value }
      }
      return .json(.object(reply))
    }
  }

  @Test("wait until done: polls every 2 s on the clock until done")
  func waitDone() async throws {
    let platform = Self.jobPlatform(["idle", "runnable", "running", "done"])
    let client = scriptedClient(platform)
    try await DXJob(testID("job", 1), client: client).waitUntilDone()
    #expect(client.sleptSeconds == [2, 2, 2])
    #expect(platform.bodies("/\(testID("job", 1))/describe").allSatisfy { $0 == ["fields": ["state": true]] })
  }

  @Test("wait until done: failed carries failureReason and failureMessage (and failureFrom)")
  func waitFailed() async throws {
    let failure: DXJSON = [
      "failureReason": "AppError", "failureMessage": "bad input",
      "failureFrom": ["id": .string(testID("job", 7))],
    ]
    let platform = Self.jobPlatform(["running", "failed"], failure: failure)
    let job = try DXJob(testID("job", 1), client: scriptedClient(platform))
    do {
      try await job.waitUntilDone()
      Issue.record("expected a failure")
    } catch let error as DXBindingError {
      #expect(error.isJobFailure)
      #expect(
        error.message == "Job has failed because of AppError: bad input (failure from \(testID("job", 7)))")
      #expect(error.execution?.failureReason == "AppError")
      #expect(error.execution?.failureMessage == "bad input")
      #expect(error.execution?.state == "failed")
    }
  }

  @Test("wait until done: terminated, and a timeout on the clock")
  func waitTerminatedAndTimeout() async throws {
    let terminated = try DXJob(testID("job", 1), client: scriptedClient(Self.jobPlatform(["terminated"])))
    await #expect(throws: DXBindingError.self) { try await terminated.waitUntilDone() }
    let client = scriptedClient(Self.jobPlatform(["running"]))
    do {
      try await DXJob(testID("job", 1), client: client).waitUntilDone(
        interval: .seconds(10), timeout: .seconds(30))
      Issue.record("expected a timeout")
    } catch let error as DXBindingError {
      #expect(error.message == "Reached timeout while waiting for the job to finish")
    }
    #expect(client.sleptSeconds == [10, 10, 10])
  }

  @Test("analyses: partially_failed is a failure")
  func analysisPartiallyFailed() async throws {
    let platform = ScriptedPlatform { _, _, body in
      .json([
        "id": .string(testID("analysis", 1)), "state": "partially_failed", "failureReason": "AppError",
        "failureMessage": "stage 2",
      ])
    }
    let analysis = try DXAnalysis(testID("analysis", 1), client: scriptedClient(platform))
    await #expect(
      throws: DXBindingError.jobFailure(
        "Analysis has failed because of AppError: stage 2",
        execution: .init(
          id: testID("analysis", 1), state: "partially_failed", failureReason: "AppError",
          failureMessage: "stage 2"))
    ) {
      try await analysis.waitUntilDone()
    }
  }

  @Test("workflow run: stage names and indices in input keys and stage options become stage IDs")
  func workflowRun() async throws {
    let stages: DXJSON = [
      ["id": "stage-align", "name": "align"], ["id": "stage-call", "name": "call"],
    ]
    let platform = ScriptedPlatform { _, path, _ in
      if path.hasSuffix("/describe") {
        return .json(["id": .string(testID("workflow", 1)), "stages": stages, "editVersion": 3])
      }
      return .json(["id": .string(testID("analysis", 2)), "stage": "stage-new"])
    }
    let client = scriptedClient(platform)
    let workflow = try DXWorkflow(testID("workflow", 1), client: client)
    var options = DXRunOptions()
    options.stageFolders = ["call": "/calls", "*": "/rest"]
    options.rerunStages = ["0"]
    options.ignoreReuse = true
    let analysis = try await workflow.run(["align.reads": "x", "1.ref": "y", "plain": 1], options)
    #expect(analysis.id == testID("analysis", 2))
    let body = try #require(platform.bodies("/\(testID("workflow", 1))/run").first)
    #expect(body["input"] == ["stage-align.reads": "x", "stage-call.ref": "y", "plain": 1])
    #expect(body["stageFolders"] == ["stage-call": "/calls", "*": "/rest"])
    #expect(body["rerunStages"] == ["stage-align"])
    #expect(body["ignoreReuse"] == ["*"])
    await #expect(throws: DXBindingError.self) { try await workflow.run(["nope.x": 1]) }
    await #expect(throws: DXBindingError.self) { try await workflow.run(["9.x": 1]) }
    try await workflow.removeStage("call")
    #expect(
      platform.bodies("/\(testID("workflow", 1))/removeStage").first == [
        "stage": "stage-call", "editVersion": 3,
      ])
    #expect(try await workflow.addStage(executable: testID("applet", 1), name: "third") == "stage-new")
  }

  @Test("apps by name use /app-<name>/<alias>/<method>; by ID /app-xxxx/<method>")
  func appRoutes() async throws {
    let platform = ScriptedPlatform { _, _, _ in
      .json(["id": .string(testID("job", 3)), "categories": ["x"]])
    }
    let client = scriptedClient(platform)
    let named = DXApp(name: "bwa", client: client)
    _ = try await named.run(["a": 1])
    #expect(try await named.categories() == ["x"])
    let byID = try DXApp(testID("app", 1), client: client)
    try await byID.install()
    #expect(
      platform.paths == [
        "/app-bwa/default/run", "/app-bwa/default/listCategories", "/\(testID("app", 1))/install",
      ])
  }

  @Test("remove folder repeats while the platform answers completed: false")
  func removeFolderRepeats() async throws {
    let rounds = DXLock(0)
    let platform = ScriptedPlatform { _, _, _ in
      let round = rounds.withLock { value -> Int in
        value += 1
        return value
      }
      return .json(["id": "project-x", "completed": .bool(round >= 3)])
    }
    try await DXProject(client: scriptedClient(platform)).removeFolder("/a", recurse: true)
    #expect(platform.paths.count == 3)
    #expect(platform.bodies(platform.paths[0]).first?["partial"] == true)
    let broken = ScriptedPlatform { _, _, _ in .json(["id": "project-x"]) }
    await #expect(throws: DXBindingError.malformedReply("Error removing folder")) {
      try await DXProject(client: scriptedClient(broken)).removeFolder("/a")
    }
  }

  @Test("close and wait: 1, 2, 4 s backoff until closed; an open file is an unexpected state")
  func waitClosed() async throws {
    let states = DXLock(["closing", "closing", "closing", "closed"])
    let platform = ScriptedPlatform { _, path, _ in
      if path.hasSuffix("/close") { return .json(["id": .string(testID("file", 1))]) }
      let state = states.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
      return .json(["id": .string(testID("file", 1)), "state": .string(state)])
    }
    let client = scriptedClient(platform)
    try await DXFile(testID("file", 1), client: client).close(wait: true)
    #expect(client.sleptSeconds == [1, 2, 4])
    let open = ScriptedPlatform { _, _, _ in .json(["id": .string(testID("file", 1)), "state": "open"]) }
    await #expect(throws: DXBindingError.unexpectedState("Unexpected state: open")) {
      try await DXFile(testID("file", 1), client: scriptedClient(open)).waitUntilClosed()
    }
  }

  @Test("appendUnderlyingWorkflowDescribe adds each region's workflow description")
  func underlyingWorkflowDescribe() async throws {
    let platform = ScriptedPlatform { _, path, body in
      .json(["id": .string(String(path.dropFirst().prefix { $0 != "/" })), "project": body["project"] ?? nil])
    }
    let client = scriptedClient(platform)
    let description: DXJSON = [
      "class": "globalworkflow",
      "regionalOptions": ["aws:us-east-1": ["workflow": "workflow-1", "resources": "container-1"]],
    ]
    let result = try await client.appendUnderlyingWorkflowDescribe(description)
    #expect(
      result["regionalOptions"]?["aws:us-east-1"]?["workflowDescribe"]
        == ["id": "workflow-1", "project": "container-1"])
    #expect(try await client.appendUnderlyingWorkflowDescribe(["class": "applet"]) == ["class": "applet"])
  }

  @Test(
    "a bindings call whose reply is not JSON throws DXError.unexpectedResponse (text, bytes, full response)")
  func nonJSONReply() async throws {
    let platform = ScriptedPlatform { _, _, _ in
      let body = Data("not json".utf8)
      return DXTransportResponse(
        status: 200,
        headers: DXHTTPHeaders([("Content-Type", "text/plain"), ("Content-Length", "\(body.count)")]),
        body: body)
    }
    let client = scriptedClient(platform)
    let cases: [(DXRequestOptions, String)] = [
      (.init(), "got text: not json"), (.init(decodeResponseBody: false), "8 undecoded bytes"),
      (.init(wantFullResponse: true), "the full response (status 200)"),
    ]
    for (options, expected) in cases {
      do {
        _ = try await DXProject.new(name: "p", client: client, options: options)
        Issue.record("a non-JSON reply was accepted")
      } catch let error as DXError {
        #expect(error.message.contains(expected), "\(error.message)")
      }
    }
    #expect(platform.paths == Array(repeating: "/project/new", count: 3))
  }
}
