import DXCore
import DXKitTesting
import DXMockServer
import DXWire
import Foundation
import Testing

@Suite("DXMockServer.withClient")
struct MockServerClientTests {
  struct Boom: Error {}

  @Test("the client reaches the server with its token; faults retry on the test clock")
  func clientReachesServer() async throws {
    let clock = DXTestClock()
    let used = try await DXMockServer.withClient(
      faults: [.status(503, retryAfter: 2).on("POST", "/system/whoami").times(2)], clock: clock
    ) { server, client in
      #expect(server.baseURL.hasPrefix("http://127.0.0.1:"))
      let me = try await client.systemWhoami()
      #expect(me["id"] == "user-alice")
      #expect(server.journal().map(\.status) == [503, 503, 200])
      #expect(client.platform?.apiServer == server.baseURL)
      return server
    }
    // Retry-After 2, then 2 + int(0.25 × 1 × 2) = 2 (dxpy's throttled schedule).
    #expect(clock.sleeps == [.seconds(2), .seconds(2)])
    try Self.expectStopped(used)
  }

  @Test("the server is stopped also when the body throws")
  func stoppedWhenBodyThrows() async throws {
    let used = DXLock<DXMockServer?>(nil)
    await #expect(throws: Boom.self) {
      try await DXMockServer.withClient { server, _ in
        used.withLock { $0 = server }
        throw Boom()
      }
    }
    try Self.expectStopped(try #require(used.withLock { $0 }))
  }

  @Test("an invalid typed fault fails before the server starts")
  func invalidFaultThrows() async {
    await #expect(throws: DXFaultRule.ParseError.self) {
      try await DXMockServer.withClient(faults: [.status(42)]) { _, _ in Issue.record("body ran") }
    }
  }

  @Test("platform uses the first configured token, and an extra user's when the default has none")
  func platformToken() throws {
    var configuration = DXMockServer.Configuration()
    configuration.tokens = ["first-token", "second-token"]
    #expect(try DXMockServer(configuration: configuration).platform.securityContext?.token == "first-token")
    configuration.tokens = []
    configuration.users = [(handle: "bob", token: "bob-token")]
    #expect(try DXMockServer(configuration: configuration).platform.securityContext?.token == "bob-token")
  }

  /// Checks that `server` was stopped: a stopped server refuses to start again.
  static func expectStopped(_ server: DXMockServer) throws {
    #expect(server.port > 0)
    do {
      try server.start()
      Issue.record("the server was not stopped")
    } catch {
      #expect("\(error)".contains("stopped"))
    }
  }
}
