import Logging

extension DXClient {
  /// Runs `body` with a client over a new ``DXLiveTransport`` (proxy and `DX_CA_CERT` from the platform
  /// settings), and always shuts the transport down.
  ///
  /// - Parameters:
  ///   - platform: The platform settings; `nil` (the default) uses ``DXConfiguration/shared``, read at
  ///     every request.
  ///   - configuration: The client's behaviour. Default ``Configuration/default``.
  ///   - logger: Where retries are logged. Default: discarded.
  ///   - body: The code that uses the client.
  /// - Throws: ``DXConfigurationError`` when the settings cannot be loaded or the CA bundle cannot be
  ///   read, and whatever `body` throws.
  public static func withLiveClient<T: Sendable>(
    platform: DXConfiguration? = nil, configuration: Configuration = .default,
    logger: Logger = Logger(label: "dxpy", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: (DXClient) async throws -> T
  ) async throws -> T {
    let settings = try platform ?? DXConfiguration.shared
    return try await DXLiveTransport.withTransport(.init(from: settings)) { transport in
      try await body(
        DXClient(platform: platform, configuration: configuration, transport: transport, logger: logger))
    }
  }
}
