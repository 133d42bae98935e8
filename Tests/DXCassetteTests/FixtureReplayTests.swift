import DXCassette
import DXCore
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

  /// A replay transport over a fixture, opened read-only so the committed file is never touched.
  static func replay(_ name: String) throws -> DXReplayTransport {
    DXReplayTransport(cassette: try DXCassette(path: path(name), access: .readOnly))
  }

  /// A client that can only replay: an API server nobody listens on, a clock that never waits.
  static func client(_ transport: any DXTransport, clock: FixtureClock) -> DXClient {
    var platform = DXConfiguration()
    platform.setAPIServerInfo(host: "fixtures.invalid", port: 80, protocol: "http")
    platform.setSecurityContext(DXSecurityContext(token: "any-token-works-offline"))
    return DXClient(platform: platform, transport: transport, clock: clock, random: FixtureRandom())
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
    let cassette = try DXCassette(path: Self.path(name), access: .readOnly)
    defer { cassette.close() }
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

  @Test("platform fixture: a DXClient session replays offline")
  func platformSession() async throws {
    let client = Self.client(try Self.replay("platform"), clock: FixtureClock())
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
    let replay = try Self.replay("faults")
    let clock = FixtureClock()
    let client = Self.client(replay, clock: clock)
    // 503 with Retry-After: 2, then the answer.
    let first = try await client.systemWhoami()
    #expect(first["id"] == "user-alice")
    #expect(clock.sleeps.first == .seconds(2))
    // Truncated, close-delimited, reset, no response: each retried, then the answer.
    let second = try await client.systemWhoami()
    #expect(second["id"] == "user-alice")
    // A 500 is retried too.
    let projects = try await client.request(.route("/system/findProjects"))
    #expect(projects["results"] != nil)
    #expect(replay.playedIDs.count == 9)
    #expect(clock.sleeps.count == 6)
    // Replaying again gives the very same schedule.
    let again = FixtureClock()
    let client2 = Self.client(try Self.replay("faults"), clock: again)
    _ = try await client2.systemWhoami()
    _ = try await client2.systemWhoami()
    _ = try await client2.request(.route("/system/findProjects"))
    #expect(again.sleeps == clock.sleeps)
  }

  @Test("files fixture: the file's bytes replay through the recorded transfer URLs")
  func filesSession() async throws {
    let cassette = try DXCassette(path: Self.path("files"), access: .readOnly)
    defer { cassette.close() }
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

/// A clock that records the sleeps asked of it and never waits.
final class FixtureClock: DXClock {
  private let lock = NSLock()
  private var asked: [Duration] = []

  func now() -> Date { Date(timeIntervalSince1970: 1_800_000_000) }

  func sleep(for duration: Duration) async throws {
    lock.withLock { asked.append(duration) }
  }

  var sleeps: [Duration] { lock.withLock { asked } }
}

// `asked` is only touched with `lock` held.
extension FixtureClock: @unchecked Sendable {}

/// Randomness that always picks the lowest value, so backoff schedules are exact.
struct FixtureRandom: DXRandomSource {
  func integer(in range: ClosedRange<Int>) -> Int { range.lowerBound }
  func bytes(count: Int) -> [UInt8] { Array(repeating: 7, count: count) }
}
