import DXCore
import DXMockServer
import Logging

extension DXMockServer {
  /// A server on a free loopback port and a ready `DXClient` pointed at it, for one piece of
  /// code; both are always stopped, also when `body` throws.
  ///
  /// ```swift
  /// try await DXMockServer.withClient(faults: [.status(503).times(2)]) { server, client in
  ///   let me = try await client.systemWhoami()   // two 503s retried, then the answer
  ///   #expect(server.journal().count == 3)
  /// }
  /// ```
  ///
  /// The client has the server's URL and its first token (``platform``), a `DXLiveTransport`,
  /// and by default a ``DXTestClock`` (so retries never wait) and a ``DXTestRandomSource`` seeded with
  /// the server's seed (or 0).
  ///
  /// - Parameters:
  ///   - configuration: The server's configuration; default a loopback server on port 0 with
  ///     `Configuration.defaultToken`.
  ///   - faults: Fault rules added to the configuration's (they stay through a reset).
  ///   - clientConfiguration: The client's retries and timeout; default
  ///     `DXClient.Configuration.default`.
  ///   - clock: The client's clock; default a new ``DXTestClock``.
  ///   - random: The client's randomness; default a ``DXTestRandomSource`` seeded as the server.
  ///   - logger: The client's logger; default one that discards everything.
  ///   - body: The code under test.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws; `DXFaultRule.ParseError` for an invalid fault;
  ///   `DXMockServerError` when the server cannot start.
  public static func withClient<T: Sendable>(
    _ configuration: Configuration = .init(), faults: [DXTestFault] = [],
    clientConfiguration: DXClient.Configuration = .default, clock: any DXClock = DXTestClock(),
    random: (any DXRandomSource)? = nil,
    logger: Logger = Logger(label: "dxpy", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (DXMockServer, DXClient) async throws -> T
  ) async throws -> T {
    var configuration = configuration
    for fault in faults { configuration.faults.append(try fault.rule()) }
    let random = random ?? DXTestRandomSource(seed: configuration.seed ?? 0)
    return try await withRunning(configuration) { server in
      try await DXLiveTransport.withTransport { transport in
        let client = DXClient(
          platform: server.platform, configuration: clientConfiguration, transport: transport, logger: logger,
          clock: clock, random: random)
        return try await body(server, client)
      }
    }
  }

  /// Platform settings that point a client at this server with its first token: the default user's
  /// first token, else the first extra user's (`Configuration.defaultToken` with the
  /// default configuration).
  ///
  /// Read it after `DXMockServer.start()`: the port is part of it.
  public var platform: DXConfiguration {
    var platform = DXConfiguration()
    var host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
    if host == "0.0.0.0" { host = "127.0.0.1" }
    if host == "::" { host = "::1" }
    if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
    platform.setAPIServerInfo(host: host, port: port, protocol: "http")
    let token = configuration.tokens.first ?? configuration.users.first?.token
    platform.setSecurityContext(token.map { DXSecurityContext(token: $0) })
    return platform
  }
}
