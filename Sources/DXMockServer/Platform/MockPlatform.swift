import DXWire
import Foundation
import Synchronization

/// The emulated platform behind the HTTP layer: users, projects and containers with folders and
/// members, data objects (records, files, workflows, applets) with their per-project copies, file
/// bytes, the global app registry, search, and nonces.
///
/// The HTTP core creates one per server, registers its routes into the server's
/// ``PlatformRouter``, resolves tokens through it, and offers it every request first through
/// ``handleTransfer(_:)`` (file upload/download URLs, which carry no API token). The state lives in
/// a ``PlatformStore`` (one lock; in memory, or an SQLite file with `--state`).
final class MockPlatform: Sendable {
  /// One user and the tokens that authenticate as them.
  struct User: Sendable, Hashable {
    /// The handle, e.g. `"alice"`; the user's ID is `user-<handle>`.
    var handle: String
    /// The API tokens that authenticate as this user.
    var tokens: [String]
    /// The password `system/newAuthToken` checks, or `nil` to accept any non-empty password.
    var password: String?

    /// `user-<handle>`.
    var id: String { "user-\(handle)" }
  }

  /// How the platform starts.
  struct Configuration: Sendable {
    /// The users; the first is the default user.
    var users: [User]
    /// A seed that makes generated IDs deterministic, or `nil` for random IDs.
    var seed: UInt64?
    /// An SQLite file that keeps the state across restarts, or `nil` to keep it in memory.
    var statePath: String?
    /// Milliseconds a job takes from `runnable` to its end unless a rule says otherwise.
    var jobDuration = 100
    /// When set, a job also ends on its Nth describe.
    var jobDescribes: Int?
    /// The start-up execution rules.
    var executionRules: [DXExecutionRule] = []
    /// Users' profiles, orgs and projects that exist from the start (and after a reset).
    var fixtures = DXMockFixtures()
  }

  let configuration: Configuration
  private let userByToken: [String: String]
  /// Whether the state holds tokens made by the auth routes or revoked tokens; until it does, tokens
  /// are checked against the configuration alone (no lock).
  let hasDynamicAuth = Atomic<Bool>(false)
  /// The state.
  let store: PlatformStore
  /// Signs upload and download URLs.
  let transferSigner = TransferSigner()
  /// The port upload and download URLs point at (the storage origin), once the server knows it; `nil`
  /// means the API request's own `Host`.
  private let storagePort = DXLock<Int?>(nil)
  /// The execution rules (scripted outcomes).
  let executionRules: ExecutionRuleEngine

  /// Creates the platform.
  /// - Parameter now: The clock, in milliseconds since the epoch (the system clock by default).
  /// - Throws: ``DXPlatformError`` when the state file cannot be opened.
  init(
    configuration: Configuration,
    now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970 * 1000) }
  ) throws {
    self.configuration = configuration
    var map: [String: String] = [:]
    for user in configuration.users {
      for token in user.tokens { map[token] = user.id }
    }
    self.userByToken = map
    self.executionRules = ExecutionRuleEngine(initialRules: configuration.executionRules)
    let fixtures = configuration.fixtures
    self.store = try PlatformStore(
      users: configuration.users.map(\.id), seed: configuration.seed, statePath: configuration.statePath,
      now: now,
      setUp: { (state: inout PlatformState, now: Int) throws(DXPlatformError) in
        try fixtures.apply(to: &state, now: now)
      })
    refreshDynamicAuth()
  }

  /// The ID of the user `token` authenticates as, or `nil` for an unknown or revoked token.
  ///
  /// Besides the configured tokens: the tokens the auth routes made, and a running job's token (and
  /// the identity tokens it was given), which authenticates as the user who launched the job until
  /// the job ends. Until the state has made or revoked a token, a configured one is checked without
  /// the lock.
  func userID(forToken token: String) -> String? {
    let configured = userByToken[token]
    if configured != nil, !hasDynamicAuth.load(ordering: .relaxed) { return configured }
    return try? store.read { (state: PlatformState) throws(DXPlatformError) -> String? in
      if let user = state.authenticate(token, configuredUser: configured, now: self.store.now()) {
        return user
      }
      guard configured == nil, let job = state.executions.jobByToken[token] else { return nil }
      return state.executions[job]?.launchedBy
    }
  }

  /// Turns the lock-free token check off once the state has made or revoked tokens (and back on after
  /// a reset that cleared them).
  func refreshDynamicAuth() {
    let dynamic =
      (try? store.read { (state: PlatformState) throws(DXPlatformError) in
        !state.directory.tokens.isEmpty || !state.directory.revoked.isEmpty
      }) ?? true
    hasDynamicAuth.store(dynamic, ordering: .relaxed)
  }

  /// The configured tokens of `user`.
  func configuredTokens(of user: String) -> [String] {
    configuration.users.first { $0.id == user }?.tokens ?? []
  }

  /// Adds the platform's routes to `router`.
  func register(into router: inout PlatformRouter) {
    registerProjectRoutes(into: &router)
    registerDataObjectRoutes(into: &router)
    registerRecordRoutes(into: &router)
    registerFileRoutes(into: &router)
    registerWorkflowRoutes(into: &router)
    registerAppletRoutes(into: &router)
    registerAppRoutes(into: &router)
    registerGlobalWorkflowRoutes(into: &router)
    registerSearchRoutes(into: &router)
    registerUserRoutes(into: &router)
    registerJobRoutes(into: &router)
    registerAnalysisRoutes(into: &router)
    registerExecutionSearchRoutes(into: &router)
    registerOrgRoutes(into: &router)
    registerAuthRoutes(into: &router)
    registerSystemRoutes(into: &router)
    registerDatabaseRoutes(into: &router)
  }

  /// Serves a file-transfer URL (upload or download), or returns `nil` when `request` is not one.
  func handleTransfer(_ request: DXMockRequest) -> DXMockResponse? {
    guard Self.isTransferURL(request.path) else { return nil }
    return serveTransfer(request)
  }

  /// Whether `path` is a file upload URL (the daemon then hashes the body as it arrives).
  static func isUploadURL(_ path: String) -> Bool {
    HTTPPath.secondByte(path) == UInt8(ascii: "F") && path.hasPrefix(uploadPrefix)
  }

  /// Whether `path` is a file-transfer URL (under ``transferPrefix``).
  static func isTransferURL(_ path: String) -> Bool {
    HTTPPath.secondByte(path) == UInt8(ascii: "F") && path.hasPrefix(transferPrefix)
  }

  /// Where upload URLs' paths start, built once (asked of every request with a body).
  private static let uploadPrefix = transferPrefix + "upload/"

  /// Restores the initial state (and wipes the state file).
  func reset() throws {
    try store.reset()
    executionRules.reset()
    refreshDynamicAuth()
  }

  /// Flushes and closes persistent state; called once when the server stops.
  func close() {
    store.close()
  }

  // MARK: - Helpers for the routes

  /// The path prefix of upload and download URLs.
  static let transferPrefix = "/F/"

  /// The input object of `call`.
  static func input(_ call: APICall) throws(DXPlatformError) -> PlatformInput {
    try PlatformInput(call.input)
  }

  /// Runs a creation `body` under the nonce rules: the same nonce and input give the first response;
  /// the same nonce with another input is InvalidInput.
  func withNonce(
    _ call: APICall, route: String, _ body: (inout PlatformState) throws(DXPlatformError) -> DXJSON
  ) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let nonce = try input.string("nonce"), !nonce.isEmpty else {
      return try store.write(body)
    }
    guard nonce.count <= 128 else { throw .invalidInput("The nonce must be at most 128 characters long") }
    var rest = input.fields
    rest["nonce"] = nil
    let canonical = DXJSON.object(rest).serializedString(sortedKeys: true)
    let key = "\(call.caller)\u{0}\(route)\u{0}\(nonce)"
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) -> DXJSON in
      if let earlier = state.nonces[key] {
        guard earlier.input == canonical else {
          throw .invalidInput("Nonce was reused for an earlier API request that had a different input")
        }
        return earlier.response
      }
      let response = try body(&state)
      state.storeNonce(key, NonceEntry(input: canonical, response: response))
      return response
    }
  }

  /// `Host` of the request as a base URL (`http://127.0.0.1:PORT`).
  static func baseURL(of request: DXMockRequest) -> String {
    "http://" + (request.headers["Host"] ?? "127.0.0.1")
  }

  /// Makes upload and download URLs point at `port` (the server's storage port: another origin than
  /// the API's, as the platform's storage is), on the host the client used for the API.
  func setStoragePort(_ port: Int?) { storagePort.withLock { $0 = port } }

  /// The base of the transfer URLs handed out in answer to `request`: the API request's `Host`, with
  /// the storage port when there is one.
  func transferBase(for request: DXMockRequest) -> String {
    let host = request.headers["Host"] ?? "127.0.0.1"
    guard let port = storagePort.withLock({ $0 }) else { return "http://" + host }
    // The host without its port (an IPv6 literal keeps its brackets).
    var name = Substring(host)
    if let bracket = name.lastIndex(of: "]") {
      name = name[...bracket]
    } else if let colon = name.lastIndex(of: ":") {
      name = name[..<colon]
    }
    return "http://\(name.isEmpty ? "127.0.0.1" : name):\(port)"
  }
}
