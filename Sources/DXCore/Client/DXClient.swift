import Foundation
import Logging

/// Calls the DNAnexus API the way dxpy's `DXHTTPRequest` does: the same headers, the same decoding and
/// the same retry rules, over any ``DXTransport``.
///
/// ```swift
/// let transport = try DXLiveTransport(configuration: .init(from: platform))
/// let client = DXClient(platform: platform, transport: transport, logger: logger)
/// let me = try await client.systemWhoami()["id"]
/// try await transport.shutdown()
/// ```
///
/// The platform settings (server, credentials) are ``platform``, or the process-wide
/// ``DXConfiguration/shared`` read at every request when that is `nil`. Retries sleep on the injected
/// ``clock`` and draw jitter from ``random``, so tests assert the schedule without waiting.
public struct DXClient: Sendable {
  /// The client's behaviour: default retries and timeout, and the retry policy.
  public struct Configuration: Sendable, Hashable {
    /// The `maxRetries` used when a call does not give one. Default 6 (dxpy's `DEFAULT_RETRIES`).
    public var maxRetries: Int
    /// The timeout used when a call does not give one: for connecting and for each read.
    /// Default 905 s (dxpy's `DEFAULT_TIMEOUT`).
    public var timeout: Duration
    /// The retry rules. Default ``DXRetryPolicy/dxpy``.
    public var retryPolicy: DXRetryPolicy
    /// The most redirects followed for a `prependServer: false` request. Default 10.
    public var maximumRedirects: Int

    /// Creates a configuration.
    public init(
      maxRetries: Int = 6, timeout: Duration = .seconds(905), retryPolicy: DXRetryPolicy = .dxpy,
      maximumRedirects: Int = 10
    ) {
      self.maxRetries = maxRetries
      self.timeout = timeout
      self.retryPolicy = retryPolicy
      self.maximumRedirects = maximumRedirects
    }

    /// dxpy's defaults: 6 retries, 905 s.
    public static let `default` = Configuration()

    /// No retries unless a call asks for them (`maxRetries` 0).
    public static let noRetry = Configuration(maxRetries: 0)
  }

  /// The client's behaviour.
  public var configuration: Configuration
  /// The platform settings, or `nil` to read ``DXConfiguration/shared`` at every request.
  public var platform: DXConfiguration?
  /// Where requests go.
  public var transport: any DXTransport
  /// Where retries and failures are logged, in dxpy's line format. The default discards everything,
  /// as dxpy's `dxpy` logger (a `NullHandler`) does.
  public var logger: Logger
  /// The clock retries sleep on and request times come from.
  public var clock: any DXClock
  /// The randomness for backoff jitter and nonces.
  public var random: any DXRandomSource

  /// Creates a client.
  /// - Parameters:
  ///   - platform: The platform settings; `nil` (the default) reads ``DXConfiguration/shared`` at every
  ///     request.
  ///   - configuration: Behaviour; default ``Configuration/default``.
  ///   - transport: Where requests go (``DXLiveTransport``, a replay transport, a closure…).
  ///   - logger: Default: a logger that discards everything.
  ///   - clock: Default: ``DXSystemClock``.
  ///   - random: Default: ``DXSystemRandomSource``.
  public init(
    platform: DXConfiguration? = nil, configuration: Configuration = .default, transport: any DXTransport,
    logger: Logger = Logger(label: "dxpy", factory: { _ in SwiftLogNoOpLogHandler() }),
    clock: any DXClock = DXSystemClock(), random: any DXRandomSource = DXSystemRandomSource()
  ) {
    self.platform = platform
    self.configuration = configuration
    self.transport = transport
    self.logger = logger
    self.clock = clock
    self.random = random
  }

  /// The platform settings in force now: ``platform`` or ``DXConfiguration/shared``.
  /// - Throws: ``DXConfigurationError`` when the shared configuration failed to load.
  public func currentPlatform() throws(DXConfigurationError) -> DXConfiguration {
    if let platform { return platform }
    return try DXConfiguration.shared
  }
}
