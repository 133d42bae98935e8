import DXCore
import DXKitTesting
import DXMockServer
import Testing

@Suite("The .dxMockServer trait")
struct MockServerTraitTests {
  @Test(
    "a test gets a server with its faults and a ready client on a test clock",
    .dxMockServer(seed: 1, faults: [.status(503, retryAfter: 3).on("POST", "/system/whoami").times(1)]))
  func scopedServer() async throws {
    let scope = try #require(DXTestScope.current)
    let server = try #require(DXMockServer.current)
    #expect(scope.server === server)
    #expect(server.configuration.seed == 1)
    let me = try await DXTestScope.client.systemWhoami()
    #expect(me["id"] == "user-alice")
    #expect(server.journal().map(\.status) == [503, 200])
    #expect(scope.clock.sleeps == [.seconds(3)])
    #expect(scope.cassette == nil)
  }

  @Test("configure changes any other server setting", .dxMockServer(configure: { $0.defaultUser = "bob" }))
  func configure() async throws {
    #expect(try await DXTestScope.client.systemWhoami()["id"] == "user-bob")
    #expect(DXMockServer.current?.configuration.seed == 0)
  }

  @Test("each case of a parameterized test gets a server of its own", .dxMockServer(), arguments: 0..<3)
  func ownServerPerCase(calls: Int) async throws {
    let server = try #require(DXMockServer.current)
    #expect(server.journal().isEmpty)
    for _ in 0..<calls { try await DXTestScope.client.systemWhoami() }
    #expect(server.journal().count == calls)
  }

  @Test(
    "the client's retry limit comes from clientConfiguration",
    .dxMockServer(faults: [.status(500)], clientConfiguration: .noRetry))
  func noRetry() async throws {
    await #expect(throws: DXAPIError.self) { try await DXTestScope.client.systemWhoami() }
    #expect(DXMockServer.current?.journal().count == 1)
  }

  @Test("outside a trait there is no scope, and DXTestScope.client says what to add")
  func noScope() {
    #expect(DXTestScope.current == nil)
    #expect(DXMockServer.current == nil)
    #expect(throws: DXKitTestingError.self) { try DXTestScope.client }
  }
}

/// On a suite, every test gets its own server.
@Suite("The .dxMockServer trait on a suite", .dxMockServer(faults: [.status(503).times(1)]))
struct MockServerSuiteTraitTests {
  @Test("first test sees a fresh server and its fault")
  func first() async throws {
    try await DXTestScope.client.systemWhoami()
    #expect(DXMockServer.current?.journal().map(\.status) == [503, 200])
  }

  @Test("second test sees a fresh server and its fault too")
  func second() async throws {
    try await DXTestScope.client.systemWhoami()
    #expect(DXMockServer.current?.journal().map(\.status) == [503, 200])
  }
}
