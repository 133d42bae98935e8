import DXCore
import Foundation
import Testing

@testable import DXCassette
@testable import DXMockServer

/// A per-test temporary directory for async tests, removed afterwards.
func withAsyncToolDirectory<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dxcassette-async-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try await body(directory.path)
}

/// An in-process platform server on loopback port 0, seed 1 (as the fixtures), always stopped.
func withPlatformServer<T: Sendable>(_ body: (DXMockServer) async throws -> T) async throws -> T {
  var configuration = DXMockServer.Configuration()
  configuration.threads = 2
  configuration.shutdownGracePeriod = 2
  configuration.seed = 1
  return try await DXMockServer.withRunning(configuration, body)
}

/// `dxcassette verify`: the committed fixtures against a fresh dx-mock-server, a changed field caught,
/// volatile fields and newly assigned IDs ignored, writes never sent unless asked.
@Suite("Drift check (verify)")
struct DriftCheckTests {
  @Test("the route table says what is read-only")
  func readOnlyRoutes() {
    #expect(DXCassetteDriftCheck.isReadOnlyRoute("/system/whoami"))
    #expect(DXCassetteDriftCheck.isReadOnlyRoute("/file-B3x0000000000000000000000/describe"))
    #expect(DXCassetteDriftCheck.isReadOnlyRoute("/system/findDataObjects"))
    #expect(DXCassetteDriftCheck.isReadOnlyRoute("/project-B3x0000000000000000000000/listFolder"))
    #expect(!DXCassetteDriftCheck.isReadOnlyRoute("/project/new"))
    #expect(!DXCassetteDriftCheck.isReadOnlyRoute("/record-B3x0000000000000000000000/close"))
    #expect(!DXCassetteDriftCheck.isReadOnlyRoute("/file-B3x0000000000000000000000/setProperties"))
    #expect(!DXCassetteDriftCheck.isReadOnlyRoute("/F/upload/file-x/1/abc"))
    #expect(DXCassetteDriftCheck.routeMethod("/F/upload/file-x/1/abc") == nil)
  }

  /// Runs the check of `interactions` against a fresh in-process server (seed 1, as the fixtures).
  static func check(_ interactions: [DXCassetteInteraction], replayWrites: Bool) async throws
    -> DXCassetteDriftCheck.Report
  {
    try await withPlatformServer { server in
      try await DXLiveTransport.withTransport { transport in
        await DXCassetteDriftCheck(
          options: .init(replayWrites: replayWrites, token: DXMockServer.Configuration.defaultToken)
        ).run(interactions, base: server.baseURL, transport: transport)
      }
    }
  }

  @Test("the committed platform fixture shows no drift against dx-mock-server (writes replayed)")
  func platformFixture() async throws {
    let interactions = try await FixtureReplayTests.withFixture("platform") { try $0.interactions() }
    let report = try await Self.check(interactions, replayWrites: true)
    #expect(!report.hasDrift, "\(report.text(cassette: "platform", against: "mock"))")
    let same = report.entries.filter { $0.verdict == .same }.count
    #expect(same == interactions.count)
  }

  @Test("a changed field is drift; timestamps and newly assigned IDs are not")
  func changedField() async throws {
    var interactions = try await FixtureReplayTests.withFixture("platform") { try $0.interactions() }
    // The project describe: rename it in the recording, and move its timestamps.
    let index = try #require(
      interactions.firstIndex { $0.path.hasSuffix("/describe") && $0.path.hasPrefix("/project-") })
    let response = try #require(interactions[index].response)
    guard case .object(var body) = try DXJSON(parsing: response.body) else {
      Issue.record("describe is not a JSON object")
      return
    }
    body["name"] = "renamed since"
    body["created"] = 1
    body["modified"] = 2
    interactions[index].outcome = .response(
      DXTransportResponse(status: 200, headers: response.headers, body: DXJSON.object(body).serializedData()))
    // The project/new answer: another ID, as a live server would assign (learned, then substituted).
    let report = try await Self.check(interactions, replayWrites: true)
    let drifted = report.entries.compactMap { entry -> [DXCassetteDifference]? in
      if case .drifted(let differences) = entry.verdict { return differences }
      return nil
    }
    #expect(drifted.count == 1)
    #expect(drifted.first?.map(\.field) == ["body.name"])
    #expect(drifted.first?.first?.recordedValue == #""renamed since""#)
    #expect(
      report.text(cassette: "c", against: "u").contains(
        "body.name: recorded \"renamed since\", now \"fixtures\""))
  }

  @Test("IDs the server assigns anew are learned: no drift, later requests use the live IDs")
  func learnedIDs() async throws {
    var interactions = try await FixtureReplayTests.withFixture("platform") { try $0.interactions() }
    // Pretend the recording saw other IDs: rewrite the project ID everywhere in the recording.
    let newProject = try #require(
      interactions.first { $0.path == "/project/new" }.flatMap {
        try? DXJSON(parsing: $0.response?.body ?? Data())
      }?[
        "id"]?.stringValue)
    let recordedProject = "project-" + String(repeating: "R", count: 24)
    interactions = interactions.map { interaction in
      var copy = interaction
      copy.request.url = copy.request.url.replacingOccurrences(of: newProject, with: recordedProject)
      copy.request.body = Data(
        String(decoding: copy.request.body, as: UTF8.self).replacingOccurrences(
          of: newProject, with: recordedProject
        )
        .utf8)
      if case .response(var response) = copy.outcome {
        response.body = Data(
          String(decoding: response.body, as: UTF8.self).replacingOccurrences(
            of: newProject, with: recordedProject
          )
          .utf8)
        copy.outcome = .response(response)
      }
      return copy
    }
    let report = try await Self.check(interactions, replayWrites: true)
    #expect(!report.hasDrift, "\(report.text(cassette: "platform", against: "mock"))")
  }

  @Test("without --replay-writes only read-only requests are sent, faults are skipped")
  func readOnlyOnly() async throws {
    let interactions = try await FixtureReplayTests.withFixture("faults") { try $0.interactions() }
    let report = try await Self.check(interactions, replayWrites: false)
    let skipped = report.entries.filter {
      if case .skipped = $0.verdict { return true } else { return false }
    }
    #expect(skipped.count >= 6)
    #expect(!report.hasDrift, "\(report.text(cassette: "faults", against: "mock"))")
    let platform = try await FixtureReplayTests.withFixture("platform") { try $0.interactions() }
    let readOnly = try await Self.check(platform, replayWrites: false)
    let notSent = readOnly.entries.filter { $0.verdict == .skipped("not read-only") }
    #expect(notSent.count == platform.filter { !DXCassetteDriftCheck.isReadOnlyRoute($0.path) }.count)
    #expect(notSent.count >= 4)
  }

  @Test("recording through DXLiveTransport keeps the time to headers (both engines)")
  func recordedTimeToHeaders() async throws {
    try await withPlatformServer { server in
      for engine in DXLiveTransport.Engine.allCases {
        let cassette = try DXCassette(path: CassetteTestSupport.cassettePath())
        defer { cassette.close() }
        let live = try DXLiveTransport(configuration: .init(engine: engine))
        let transport = DXMiddlewareTransport(
          base: live, middleware: [try DXRecordingMiddleware(cassette: cassette, mode: .all)])
        _ = try await transport.send(
          DXTransportRequest(
            method: "POST", url: server.baseURL + "/system/whoami",
            headers: ["Authorization": "Bearer \(DXMockServer.Configuration.defaultToken)"],
            body: Data("{}".utf8),
            timeout: .seconds(10)))
        try await live.shutdown()
        let stored = try #require(try cassette.interactions().first)
        let headers = try #require(stored.timeToHeaders, "engine \(engine)")
        #expect(headers > .zero && headers <= stored.duration)
      }
    }
  }

  @Test("verify refuses a base that is not an http(s) URL")
  func badBase() async throws {
    await #expect(throws: DXCassetteToolError.self) {
      _ = try await DXCassetteTool.verify(FixtureReplayTests.path("platform"), against: "ftp://x")
    }
  }
}
