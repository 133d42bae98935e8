import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

/// The README's "DXCore in a test" examples, as written there (the cassette one records from a mock
/// server here, since tests reach no real platform).
@Suite("README examples")
struct ReadmeExampleTests {
  @Test(.dxMockServer(faults: [.status(503, retryAfter: 1).on("POST", "/system/whoami").times(2)]))
  func whoamiRecovers() async throws {
    let me = try await DXTestScope.client.systemWhoami()
    #expect(me["id"] == "user-alice")
    #expect(DXMockServer.current?.journal().map(\.status) == [503, 503, 200])
  }

  @Test(.cassette("find-projects", upstream: .mockServer(seed: 0)))
  func findsProjects() async throws {
    let found = try await DXTestScope.client.systemFindProjects(["limit": 5])
    #expect(found["results"] != nil)
  }

  @Test func testClock() async throws {
    let failures = Calls()
    let transport = DXClosureTransport { _ in
      let failed = failures.next() <= 3
      let body = Data((failed ? #"{"error":{"type":"InternalError","message":"x"}}"# : "{}").utf8)
      return DXTransportResponse(
        status: failed ? 500 : 200,
        headers: ["Content-Type": "application/json", "Content-Length": "\(body.count)"], body: body)
    }
    var platform = DXConfiguration()
    platform.setAPIServerInfo(host: "127.0.0.1", port: 9, protocol: "http")
    let clock = DXTestClock()
    let client = DXClient(
      platform: platform, transport: transport, clock: clock, random: DXTestRandomSource(.lowest))
    _ = try await client.request("/system/whoami")
    #expect(clock.sleeps == [.seconds(1), .seconds(1), .seconds(2)])
  }
}
