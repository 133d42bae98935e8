import DXWire
import Foundation
import Logging

/// A DNAnexus API server emulation on libmicrohttpd, for tests and offline development.
///
/// It serves the platform's routes from an in-memory (or `--state` SQLite) platform, answers with the
/// platform's error bodies, injects faults exactly as named on the wire, keeps a bounded journal of
/// the requests, and offers an admin API under `/__admin/`.
///
/// ```swift
/// try await DXMockServer.withRunning { server in
///   // point a client at server.baseURL with DXMockServer.Configuration.defaultToken
/// }
/// ```
///
/// Lifecycle: ``init(configuration:logger:)`` builds the platform (nothing listens yet), ``start()``
/// binds and accepts, ``stop()`` stops accepting, lets in-flight requests finish (bounded by
/// ``Configuration/shutdownGracePeriod``), closes the platform. A stopped server cannot be restarted.
/// A server that is released without being stopped is stopped then, blocking the releasing thread.
public final class DXMockServer {
  private struct State {
    var daemon: HTTPDaemon?
    /// The storage origin's daemon (upload and download URLs), when it has its own port.
    var storage: HTTPDaemon?
    /// The daemon on ``Configuration/authServerPort``, when one is configured.
    var authDaemon: HTTPDaemon?
    var stopped = false
  }

  /// The configuration the server was created with.
  public let configuration: Configuration
  private let logger: Logger
  private let platform: MockPlatform
  private let journalStore: RequestJournal
  private let faultEngine: FaultEngine
  private let stubEngine: StubEngine
  private let systemRoutes: SystemRoutes
  private let pipeline: RequestPipeline
  private let state = DXLock(State())

  /// Creates a server: validates the configuration and builds the platform; nothing listens until
  /// ``start()``.
  /// - Parameters:
  ///   - configuration: How to start; default ``Configuration/init()``.
  ///   - logger: Where the server logs; default a logger labelled `dx-mock-server` (the process's
  ///     logging backend decides where it goes).
  /// - Throws: ``DXMockServerError`` for an invalid configuration or a state file that cannot be
  ///   opened.
  public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "dx-mock-server")) throws
  {
    try configuration.validate()
    self.configuration = configuration
    self.logger = logger
    let platform: MockPlatform
    do {
      platform = try MockPlatform(
        configuration: MockPlatform.Configuration(
          users: configuration.platformUsers, seed: configuration.seed, statePath: configuration.statePath,
          jobDuration: configuration.jobDuration, jobDescribes: configuration.jobDescribes,
          executionRules: configuration.executionRules,
          fixtures: configuration.fixtures))
    } catch let error as DXPlatformError {
      throw DXMockServerError.stateFailed("cannot open the platform state: \(error.message)")
    } catch {
      throw DXMockServerError.stateFailed("cannot open the platform state: \(error)")
    }
    self.platform = platform
    let secrets =
      configuration.tokens + configuration.users.map(\.token) + configuration.fixtures.users.flatMap(\.tokens)
      + (configuration.adminToken.map { [$0] } ?? [])
    let journal = RequestJournal(capacity: configuration.journalSize, secrets: secrets)
    let faults = FaultEngine(
      seed: configuration.seed, initialRules: configuration.faults,
      authenticate: { platform.userID(forToken: $0) })
    let stubs = StubEngine(initialStubs: configuration.stubs, authenticate: { platform.userID(forToken: $0) })
    let systemRoutes = SystemRoutes()
    let router = Self.router(platform: platform, systemRoutes: systemRoutes)
    let admin = AdminAPI(
      faults: faults, journal: journal, stubs: stubs,
      resetPlatform: {
        try platform.reset()
        systemRoutes.reset()
      },
      mounts: Self.executionAdminMounts(ExecutionAdminAPI(platform: platform)))
    self.journalStore = journal
    self.faultEngine = faults
    self.stubEngine = stubs
    self.systemRoutes = systemRoutes
    self.pipeline = RequestPipeline(
      maxBodyBytes: configuration.maxBodyBytes, adminToken: configuration.adminToken, journal: journal,
      faults: faults, stubs: stubs, admin: { admin.handle($0) },
      api: APIPipeline(router: router, authenticate: { platform.userID(forToken: $0) }), platform: platform,
      backend: configuration.backend, logger: logger)
  }

  deinit { stopSynchronously() }

  /// The admin routes of ``ExecutionAdminAPI`` (`/__admin/executions…`, `/__admin/jobs/…`).
  private static func executionAdminMounts(_ api: ExecutionAdminAPI)
    -> [String: @Sendable (DXMockRequest, [String], String) -> DXMockResponse]
  {
    let handler: @Sendable (DXMockRequest, [String], String) -> DXMockResponse = {
      api.handle($0, parts: $1, method: $2)
    }
    return ["executions": handler, "jobs": handler]
  }

  /// Every platform route the server answers: the platform's and the `/system` server routes.
  static func router(platform: MockPlatform, systemRoutes: SystemRoutes) -> PlatformRouter {
    var router = PlatformRouter()
    platform.register(into: &router)
    systemRoutes.register(into: &router)
    return router
  }

  // MARK: - Lifecycle

  /// Binds the configured address and starts serving; when it returns, the port accepts connections
  /// (and ``Configuration/portFile`` is written).
  /// - Throws: ``DXMockServerError`` when the server is already started or stopped, the address cannot
  ///   be bound, or the port file cannot be written.
  public func start() throws {
    try state.withLock { state in
      guard !state.stopped else {
        throw DXMockServerError.invalidConfiguration("a stopped server cannot be started again")
      }
      guard state.daemon == nil else {
        throw DXMockServerError.invalidConfiguration("the server is already running")
      }
      var options = HTTPDaemon.Options()
      options.host = configuration.host
      options.port = configuration.port
      options.threads = configuration.threads
      options.connectionTimeout = configuration.connectionTimeout
      options.limits = ConnectionGuard.Limits(
        connectionLimit: configuration.connectionLimit, headerTimeout: configuration.headerTimeout,
        bodyTimeout: configuration.bodyTimeout)
      options.maxQueryArguments = configuration.maxQueryArguments
      // The API port serves file transfers too only without a storage port of its own, or with a
      // backend (whose recorded URLs may point at it).
      let separateStorage = configuration.storagePort != nil && configuration.backend == nil
      options.connectionMemoryLimit =
        separateStorage ? HTTPDaemon.apiMemoryLimit : HTTPDaemon.transferMemoryLimit
      let daemon = try HTTPDaemon(options: options, handler: pipeline)
      state.daemon = daemon
      // The platform's storage is another origin than its API; a backend (cassettes) has its own URLs.
      if let storagePort = configuration.storagePort, configuration.backend == nil {
        options.port = storagePort
        options.connectionMemoryLimit = HTTPDaemon.transferMemoryLimit
        do {
          let storage = try HTTPDaemon(options: options, handler: pipeline.storagePipeline())
          state.storage = storage
          platform.setStoragePort(storage.port)
        } catch {
          daemon.stop()
          state.daemon = nil
          throw error
        }
      }
      // The auth server's routes on a port of their own (the same pipeline answers them).
      if let authServerPort = configuration.authServerPort {
        options.port = authServerPort
        options.connectionMemoryLimit = HTTPDaemon.apiMemoryLimit
        options.tls = configuration.authServerTLS.map { (key: $0.keyPEM, certificate: $0.certificatePEM) }
        do {
          state.authDaemon = try HTTPDaemon(options: options, handler: pipeline)
        } catch {
          state.storage?.stop()
          state.storage = nil
          daemon.stop()
          state.daemon = nil
          throw error
        }
      }
    }
    if let portFile = configuration.portFile {
      do {
        try Data("\(port)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic)
      } catch {
        stopSynchronously()
        throw DXMockServerError.invalidConfiguration("cannot write the port file \(portFile): \(error)")
      }
    }
    logger.debug("listening", metadata: ["url": "\(baseURL)"])
  }

  /// The bound port (0 before ``start()``).
  public var port: Int { state.withLock { $0.daemon?.port ?? 0 } }

  /// The storage origin's port, which upload and download URLs point at (0 before ``start()``, and
  /// when transfers use the API's port: ``Configuration/storagePort`` `nil`, or a backend).
  public var storagePort: Int { state.withLock { $0.storage?.port ?? 0 } }

  /// The port the auth server's routes answer on: the ``Configuration/authServerPort`` daemon's once
  /// started, else ``port``.
  public var authServerPort: Int { state.withLock { $0.authDaemon?.port ?? $0.daemon?.port ?? 0 } }

  /// The server's base URL, e.g. `"http://127.0.0.1:8123"` (IPv6 hosts in brackets).
  public var baseURL: String { Self.origin(host: configuration.host, port: port) }

  /// `http://host:port` for a bound address (IPv6 hosts in brackets, `localhost` as 127.0.0.1).
  private static func origin(host: String, port: Int) -> String {
    let host = host == "localhost" ? "127.0.0.1" : host
    let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    return "http://\(shown):\(port)"
  }

  /// Stops the server: stops accepting, lets in-flight requests finish (at most
  /// ``Configuration/shutdownGracePeriod`` seconds; suspended ones then get 503), closes every
  /// connection and the platform. Idempotent; the port stays readable.
  ///
  /// Waits without holding a thread of Swift's cooperative pool: the wait for in-flight requests
  /// suspends, and the final teardown (libmicrohttpd joining its threads, closing the state file) runs
  /// on a dispatch queue.
  public func stop() async {
    guard let daemons = beginStopping() else { return }
    for daemon in daemons { daemon.quiesce() }
    for daemon in daemons {
      if await !daemon.drain(timeout: configuration.shutdownGracePeriod) {
        logger.warning("stopping with requests still in flight", metadata: ["inFlight": "\(daemon.inFlight)"])
      }
    }
    let platform = self.platform
    let logger = self.logger
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      DispatchQueue.global().async {
        for daemon in daemons { daemon.stop() }
        if !daemons.isEmpty { logger.debug("stopped") }
        platform.close()
        done.resume()
      }
    }
  }

  /// ``stop()`` for synchronous callers (the command's signal handler, `deinit`): blocks the calling
  /// thread until the server has stopped.
  func stopSynchronously() {
    guard let daemons = beginStopping() else { return }
    for daemon in daemons { daemon.quiesce() }
    for daemon in daemons where !daemon.drainBlocking(timeout: configuration.shutdownGracePeriod) {
      logger.warning("stopping with requests still in flight", metadata: ["inFlight": "\(daemon.inFlight)"])
    }
    for daemon in daemons { daemon.stop() }
    if !daemons.isEmpty { logger.debug("stopped") }
    platform.close()
  }

  /// Marks the server stopped: `nil` when it already was, else the daemons to stop (none when the
  /// server never started).
  private func beginStopping() -> [HTTPDaemon]? {
    state.withLock { state -> [HTTPDaemon]? in
      if state.stopped { return nil }
      state.stopped = true
      return [state.daemon, state.storage, state.authDaemon].compactMap { $0 }
    }
  }

  // MARK: - Faults and journal

  /// Adds a fault rule (after the others, or replacing the rule with the same ID) and returns its ID.
  @discardableResult
  public func addFault(_ rule: DXFaultRule) -> String { faultEngine.add(rule) }

  /// Removes the fault rule `id`; returns whether there was one.
  @discardableResult
  public func removeFault(id: String) -> Bool { faultEngine.remove(id: id) }

  /// Removes every fault rule.
  public func clearFaults() { faultEngine.clear() }

  /// The request journal, oldest first (admin requests are not in it).
  public func journal() -> [DXJournalEntry] { journalStore.entries() }

  /// Empties the request journal.
  public func clearJournal() { _ = journalStore.clear() }

  // MARK: - Stubs

  /// Adds a stub (or replaces the one with its ID) and returns its ID (`stub-N` unless it has one).
  @discardableResult
  public func addStub(_ stub: DXStub) -> String { stubEngine.add(contentsOf: [stub]).first?.id ?? "" }

  /// Removes the stub `id`; returns whether there was one.
  @discardableResult
  public func removeStub(id: String) -> Bool { stubEngine.remove(id: id) }

  /// Removes every stub (scenario states stay).
  public func clearStubs() { _ = stubEngine.clear() }

  /// Every scenario and its current state.
  public func scenarioStates() -> [String: String] { stubEngine.scenarios }

  /// Puts every scenario back in `Started`.
  public func resetScenarios() { stubEngine.resetScenarios() }

  // MARK: - Retry contract

  /// Checks the request journal against `contract` (dxpy's by default) and reports every violation.
  ///
  /// The journal is grouped into logical operations (the same method, path and body without its
  /// nonce, or the same file part); see ``DXRetryContract`` for the rules. Only what the journal
  /// still holds is judged (``Configuration/journalSize``).
  public func retryContractReport(_ contract: DXRetryContract = .dxpy) -> DXRetryContractReport {
    AdminAPI.verify(journalStore, contract)
  }

  /// Checks the request journal against `contract` (dxpy's by default).
  /// - Throws: ``DXRetryContractError`` listing every violation when the client broke the contract.
  public func verifyRetryContract(_ contract: DXRetryContract = .dxpy) throws(DXRetryContractError) {
    let report = retryContractReport(contract)
    if !report.isClean { throw DXRetryContractError(report: report) }
  }

  /// Restores the platform's initial state, the start-up fault rules and an empty journal (the same as
  /// `POST /__admin/reset`).
  /// - Throws: ``DXMockServerError/stateFailed(_:)`` when the platform state cannot be reset.
  public func reset() throws {
    do {
      try platform.reset()
    } catch {
      throw DXMockServerError.stateFailed("cannot reset the platform state: \(error)")
    }
    systemRoutes.reset()
    faultEngine.reset()
    stubEngine.reset()
    journalStore.reset()
  }

  // MARK: - Scoped use

  /// Starts a server, runs `body` with it, and always stops it (also when `body` throws).
  /// - Parameters:
  ///   - configuration: How to start; default a loopback server on a free port.
  ///   - logger: Where the server logs; default a logger labelled `dx-mock-server`.
  ///   - body: The code that uses the server.
  /// - Returns: What `body` returns.
  public static func withRunning<T: Sendable>(
    _ configuration: Configuration = .init(), logger: Logger = Logger(label: "dx-mock-server"),
    _ body: (DXMockServer) async throws -> T
  ) async throws -> T {
    let server = try DXMockServer(configuration: configuration, logger: logger)
    try server.start()
    do {
      let result = try await body(server)
      await server.stop()
      return result
    } catch {
      await server.stop()
      throw error
    }
  }
}

// Every stored property is immutable and thread-safe (the platform, journal and fault engine own their
// locks); the mutable lifecycle state is behind `state`'s lock.
extension DXMockServer: @unchecked Sendable {}
