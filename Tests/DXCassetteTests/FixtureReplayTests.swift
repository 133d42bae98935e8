import DXCassette
import DXCore
import DXKitTesting
import Foundation
import Testing

/// The committed fixture cassettes (`cassettes/`, re-recorded by `make fixtures`), replayed with no
/// server running: fixture-based CI.
@Suite("Fixture cassettes replay offline")
struct FixtureReplayTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("cassettes").path
  static let names = ["platform", "files", "faults"]

  static func path(_ name: String) -> String { directory + "/\(name).dxcassette" }

  /// Opens a private read-only copy of a fixture (parallel tests must not share the companion files
  /// that opening a WAL database leaves) and runs `body`.
  static func withFixture<T>(_ name: String, _ body: (DXCassette) async throws -> T) async throws -> T {
    try await DXCassette.withReadOnlyCopy(of: path(name), body)
  }

  /// A client that can only replay: an API server nobody listens on, a clock that never waits.
  static func client(_ transport: any DXTransport, clock: DXTestClock) -> DXClient {
    var platform = DXConfiguration()
    platform.setAPIServerInfo(host: "fixtures.invalid", port: 80, protocol: "http")
    platform.setSecurityContext(DXSecurityContext(token: "any-token-works-offline"))
    return DXClient(
      platform: platform, transport: transport, clock: clock, random: DXTestRandomSource(.lowest))
  }

  @Test("every fixture exists, is small, and holds no secret", arguments: names)
  func fixtureIsClean(name: String) throws {
    let path = Self.path(name)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size < 128 * 1024, "\(name) is \(size) bytes")
    let audit = try DXCassetteTool.audit(path)
    #expect(audit.isClean, "\(audit.text)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(bytes.range(of: Data("fixture-token".utf8)) == nil)
  }

  @Test("every recorded interaction replays exactly, in order, from its own request", arguments: names)
  func everyInteractionReplays(name: String) async throws {
    try await Self.withFixture(name) { cassette in
      let interactions = try cassette.interactions()
      #expect(interactions.count >= 5)
      let replay = DXReplayTransport(cassette: cassette)
      for interaction in interactions {
        do {
          let response = try await replay.send(interaction.request)
          #expect(response == interaction.response, "#\(interaction.id ?? 0)")
        } catch let error as DXTransportError {
          #expect(error == interaction.failure, "#\(interaction.id ?? 0)")
        }
      }
      #expect(replay.playedIDs.count == interactions.count)
    }
  }

  @Test(
    "platform fixture: a DXClient session replays offline",
    .cassette("platform", mode: .none, directory: "../../cassettes"))
  func platformSession() async throws {
    let client = try DXTestScope.client
    let whoami = try await client.systemWhoami()
    #expect(whoami["id"] == "user-alice")
    let project = try await client.request(
      .route("/project/new"),
      data: .json(["name": "fixtures", "description": "recorded by record-fixtures.sh"]))
    let projectID = try #require(project["id"]?.stringValue)
    #expect(projectID.hasPrefix("project-"))
    let describe = try await client.request(.route("/\(projectID)/describe"))
    #expect(describe["name"] == "fixtures")
    // A recorded platform error replays as the same error.
    do {
      _ = try await client.request(.route("/record-000000000000000000000000/describe"))
      Issue.record("expected ResourceNotFound")
    } catch let error as DXAPIError {
      #expect(error.name == "ResourceNotFound")
    }
  }

  @Test("faults fixture: retries replay deterministically — same attempts, same delays, same result")
  func faultsSession() async throws {
    let first = try await Self.withFixture("faults") { cassette in try await Self.faultsRun(cassette) }
    #expect(first.played == 9)
    // 503 with Retry-After: 2 first; then truncated, close-delimited, reset, no response and a 500,
    // each retried once.
    #expect(first.sleeps.first == .seconds(2))
    #expect(first.sleeps.count == 6)
    // Replaying again gives the very same schedule.
    let second = try await Self.withFixture("faults") { cassette in try await Self.faultsRun(cassette) }
    #expect(second.sleeps == first.sleeps)
  }

  /// The faults session with a DXClient: returns the delays asked of the clock and the played count.
  static func faultsRun(_ cassette: DXCassette) async throws -> (sleeps: [Duration], played: Int) {
    let replay = DXReplayTransport(cassette: cassette)
    let clock = DXTestClock()
    let client = Self.client(replay, clock: clock)
    let first = try await client.systemWhoami()
    #expect(first["id"] == "user-alice")
    let second = try await client.systemWhoami()
    #expect(second["id"] == "user-alice")
    let projects = try await client.request(.route("/system/findProjects"))
    #expect(projects["results"] != nil)
    return (clock.sleeps, replay.playedIDs.count)
  }

  @Test("files fixture: the file's bytes replay through the recorded transfer URLs")
  func filesSession() async throws {
    try await Self.withFixture("files") { cassette in
      let interactions = try cassette.interactions()
      let put = try #require(interactions.first { $0.request.method == "PUT" })
      #expect(put.request.body == Data("hello, cassette\n".utf8))
      #expect(put.path.hasPrefix("/F/upload/file-"))
      let get = try #require(interactions.first { $0.request.method == "GET" })
      #expect(get.response?.body == Data("hello, cassette\n".utf8))
      let replay = DXReplayTransport(cassette: cassette)
      let bytes = try await replay.send(DXTransportRequest(method: "GET", url: "http://anywhere" + get.path))
      #expect(bytes.body == Data("hello, cassette\n".utf8))
    }
  }
}
