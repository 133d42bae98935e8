import DXCore
import DXMockServer
import Testing

/// A Swift Testing trait that gives each test its own mock server and a ready client
/// (``DXTestScope/current``), and stops the server when the test ends.
///
/// ```swift
/// @Test(.dxMockServer(seed: 1, faults: [.status(503, retryAfter: 2).on("POST", "/system/whoami").times(1)]))
/// func whoamiRecovers() async throws {
///   let me = try await DXTestScope.client.systemWhoami()
///   #expect(me["id"] == "user-alice")
///   #expect(DXTestScope.current?.clock.sleeps == [.seconds(2)])
///   #expect(DXMockServer.current?.journal().count == 2)
/// }
/// ```
///
/// On a suite (`@Suite(.dxMockServer())`) every test in it, and every case of a parameterized test,
/// gets a server of its own. The server binds 127.0.0.1 on a free port, so tests run in parallel.
/// The scope is built by `withClient(_:faults:clientConfiguration:clock:random:logger:_:)`.
public struct DXMockServerTrait: TestTrait, SuiteTrait, TestScoping {
  /// The server's configuration.
  public var configuration: DXMockServer.Configuration
  /// Fault rules the server starts with.
  public var faults: [DXTestFault]
  /// The client's retries and timeout.
  public var clientConfiguration: DXClient.Configuration
  /// How the client's randomness picks, or `nil` for a source seeded with the server's seed.
  public var random: DXTestRandomSource.Mode?

  /// Creates the trait; see
  /// ``Testing/Trait/dxMockServer(seed:faults:clientConfiguration:random:configure:)``.
  public init(
    configuration: DXMockServer.Configuration, faults: [DXTestFault],
    clientConfiguration: DXClient.Configuration, random: DXTestRandomSource.Mode? = nil
  ) {
    self.configuration = configuration
    self.faults = faults
    self.clientConfiguration = clientConfiguration
    self.random = random
  }

  /// `true`: on a suite, each test in it gets its own server.
  public var isRecursive: Bool { true }

  /// Starts the server, binds ``DXTestScope/current`` while the test runs, and stops the server.
  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let clock = DXTestClock()
    let random = DXTestRandomSource(self.random ?? .seeded(configuration.seed ?? 0))
    try await DXMockServer.withClient(
      configuration, faults: faults, clientConfiguration: clientConfiguration, clock: clock, random: random
    ) { server, client in
      let scope = DXTestScope(client: client, clock: clock, random: random, server: server)
      try await DXTestScope.$current.withValue(scope) { try await function() }
    }
  }
}

extension Trait where Self == DXMockServerTrait {
  /// A mock server and a ready client for each test (see ``DXMockServerTrait``).
  /// - Parameters:
  ///   - seed: The server's seed (IDs and fault probabilities) and the client's random seed; default 0.
  ///     `nil` makes the server's IDs random.
  ///   - faults: Fault rules the server starts with, e.g. `[.status(503).times(2)]`.
  ///   - clientConfiguration: The client's retries and timeout; default
  ///     `DXClient.Configuration.default` (dxpy's 6 retries; the test clock makes them
  ///     instant).
  ///   - random: How the client's randomness picks (``DXTestRandomSource/Mode/lowest`` gives dxpy's
  ///     shortest backoff schedule exactly); default `nil`, seeded with `seed`.
  ///   - configure: Changes any other server setting (users, tokens, journal size…).
  public static func dxMockServer(
    seed: UInt64? = 0, faults: [DXTestFault] = [], clientConfiguration: DXClient.Configuration = .default,
    random: DXTestRandomSource.Mode? = nil, configure: (inout DXMockServer.Configuration) -> Void = { _ in }
  ) -> Self {
    var configuration = DXMockServer.Configuration()
    configuration.seed = seed
    configure(&configuration)
    return DXMockServerTrait(
      configuration: configuration, faults: faults, clientConfiguration: clientConfiguration, random: random)
  }
}
