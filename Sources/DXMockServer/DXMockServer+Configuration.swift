import Foundation

extension DXMockServer {
  /// How a mock server starts: where it listens, who may call it, its limits, and its fault rules.
  ///
  /// Every property has a documented default, so `Configuration()` is a loopback server on a free
  /// port that accepts ``defaultToken`` for the user `alice`.
  public struct Configuration: Sendable {
    /// The token of the default user when none is configured, printed in the start-up banner.
    public static let defaultToken = "dxmock-token"

    /// The IP address to bind; default `"127.0.0.1"` (`"::1"`, `"0.0.0.0"` and `"localhost"` work too).
    public var host = "127.0.0.1"
    /// The port; default 0, a free port chosen by the system (read it back from ``DXMockServer/port``).
    public var port = 0
    /// A file to write the bound port to (one decimal line) once the server accepts connections;
    /// default `nil`, none.
    public var portFile: String?
    /// The API tokens of the default user; default `[defaultToken]`.
    public var tokens: [String] = [Self.defaultToken]
    /// More users and a token for each (`--user NAME=TOKEN`); default none. A handle may repeat to
    /// give a user several tokens.
    public var users: [(handle: String, token: String)] = []
    /// The default user's handle; default `"alice"` (its ID is `user-alice`).
    public var defaultUser = "alice"
    /// When set, the admin API requires `Authorization: Bearer <adminToken>` and answers on every
    /// interface; default `nil`: no token, loopback peers only.
    public var adminToken: String?
    /// The most requests the journal keeps (oldest dropped first); default 1000.
    public var journalSize = 1000
    /// The largest request body accepted (a larger one gets 413); default 256 MiB, which file-part
    /// uploads also go through.
    public var maxBodyBytes = 256 << 20
    /// A seed that makes generated IDs and fault probabilities deterministic; default `nil`, random.
    public var seed: UInt64?
    /// Fault rules active from the start (and restored by a reset); default none.
    public var faults: [DXFaultRule] = []
    /// Stubs installed at start-up (and restored by a reset), e.g. from `--stubs FILE`; default none.
    public var stubs: [DXStub] = []
    /// An SQLite file that keeps the platform state across restarts; default `nil`, in memory.
    public var statePath: String?
    /// libmicrohttpd's thread pool size; default the number of active processors (at least 2).
    public var threads = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Seconds a connection may go without any traffic, in any state (libmicrohttpd's inactivity
    /// timeout: it also ends a response to a client that stopped reading); default 120.
    public var connectionTimeout = 120
    /// The most open connections; default 1024. When the limit is near, the connection that has waited
    /// longest for a request is closed to make room, so idle sockets cannot lock new clients out.
    public var connectionLimit = 1024
    /// Seconds a connection may take to send a complete request head, counted from its opening or from
    /// the end of its previous response (an idle keep-alive connection is waiting for a head too);
    /// default 30.
    public var headerTimeout: Double = 30
    /// Seconds a request body may go without new bytes; default 60.
    public var bodyTimeout: Double = 60
    /// The most query-string arguments a request may carry (more get 400); default 100.
    public var maxQueryArguments = 100
    /// The port of the storage origin that upload and download URLs point at, bound on ``host``;
    /// default 0, a free port (read it back from ``DXMockServer/storagePort``). `nil` serves them on
    /// the API's own origin. Either way the API port also serves transfer URLs, and the storage port
    /// nothing else (404); both journal and inject faults. Ignored with a ``backend``.
    public var storagePort: Int? = 0
    /// Seconds ``DXMockServer/stop()`` waits for in-flight requests before answering the suspended ones
    /// with 503 and closing; default 10.
    public var shutdownGracePeriod: Double = 10
    /// Milliseconds a job takes from `runnable` to its end (half of it to `running`) unless an execution
    /// rule says otherwise; default 100.
    public var jobDuration = 100
    /// When set, a job also ends on its Nth describe (whichever comes first); default `nil`, by time
    /// only.
    public var jobDescribes: Int?
    /// Execution rules active from the start (and restored by a reset); default none: every job ends
    /// `done` with outputs made from its `outputSpec`.
    public var executionRules: [DXExecutionRule] = []
    /// Replaces the platform for every non-admin request (cassette replay or record); default `nil`,
    /// the emulated platform.
    public var backend: (any DXMockBackend)?
    /// Users (with tokens and names), orgs and projects that exist from the start (`--fixtures FILE`);
    /// default none.
    public var fixtures = DXMockFixtures()
    /// A second port that serves the auth server's routes (`system/newAuthToken`,
    /// `system/getUserInfo`, `system/destroyAuthToken`, `oauth2/…`), for `DX_AUTHSERVER_PORT`;
    /// default `nil`: the auth routes answer on ``port`` only. 0 picks a free port.
    public var authServerPort: Int?
    /// With ``authServerPort``: a PEM certificate and its private key (the files' contents) that make
    /// that port speak HTTPS, as `dx login --token --host … --port …` needs (dx reaches the auth
    /// server with https whatever `--protocol` says; trust the certificate with `DX_CA_CERT`);
    /// default `nil`, plain HTTP.
    public var authServerTLS: (certificatePEM: String, keyPEM: String)?

    /// Creates the default configuration.
    public init() {}

    /// Checks every value.
    /// - Throws: ``DXMockServerError/invalidConfiguration(_:)`` naming the first bad value.
    public func validate() throws(DXMockServerError) {
      guard (0...65535).contains(port) else {
        throw .invalidConfiguration("the port must be from 0 to 65535, got \(port)")
      }
      if let authServerPort, !(0...65535).contains(authServerPort) {
        throw .invalidConfiguration("the auth server port must be from 0 to 65535, got \(authServerPort)")
      }
      if let authServerTLS {
        guard authServerPort != nil else {
          throw .invalidConfiguration("a TLS certificate for the auth server needs an auth server port")
        }
        guard authServerTLS.certificatePEM.contains("BEGIN CERTIFICATE"),
          authServerTLS.keyPEM.contains("PRIVATE KEY")
        else {
          throw .invalidConfiguration("the auth server's TLS certificate and key must be PEM")
        }
      }
      guard journalSize >= 0 else {
        throw .invalidConfiguration("the journal size must not be negative, got \(journalSize)")
      }
      guard maxBodyBytes >= 0 else {
        throw .invalidConfiguration("the body limit must not be negative, got \(maxBodyBytes)")
      }
      guard (1...256).contains(threads) else {
        throw .invalidConfiguration("the thread count must be from 1 to 256, got \(threads)")
      }
      guard (0...86_400).contains(connectionTimeout) else {
        throw .invalidConfiguration(
          "the connection timeout must be from 0 to 86400 seconds, got \(connectionTimeout)")
      }
      guard (16...1_000_000).contains(connectionLimit) else {
        throw .invalidConfiguration("the connection limit must be from 16 to 1000000, got \(connectionLimit)")
      }
      for (name, value) in [("header", headerTimeout), ("body", bodyTimeout)] {
        guard value.isFinite, value > 0, value <= 86_400 else {
          throw .invalidConfiguration("the \(name) timeout must be more than 0 and at most 86400 seconds")
        }
      }
      if let storagePort, !(0...65535).contains(storagePort) {
        throw .invalidConfiguration("the storage port must be from 0 to 65535, got \(storagePort)")
      }
      guard (1...10_000).contains(maxQueryArguments) else {
        throw .invalidConfiguration(
          "the query-argument limit must be from 1 to 10000, got \(maxQueryArguments)")
      }
      guard (0...PlatformLimits.maxDurationMs).contains(jobDuration) else {
        throw .invalidConfiguration(
          "the job duration must be from 0 to \(PlatformLimits.maxDurationMs) ms, got \(jobDuration)")
      }
      if let jobDescribes, jobDescribes < 1 {
        throw .invalidConfiguration(
          "the number of describes a job takes must be at least 1, got \(jobDescribes)")
      }
      guard shutdownGracePeriod >= 0, shutdownGracePeriod.isFinite else {
        throw .invalidConfiguration("the shutdown grace period must be a non-negative number of seconds")
      }
      guard Self.isHandle(defaultUser) else {
        throw .invalidConfiguration(
          "the default user must be a handle of letters, digits, '.', '_' or '-', got \"\(defaultUser)\"")
      }
      for token in tokens + users.map(\.token) + fixtures.users.flatMap(\.tokens)
        + (adminToken.map { [$0] } ?? [])
      {
        guard Self.isToken(token) else {
          throw .invalidConfiguration(
            "a token must be printable ASCII without spaces, quotes or backslashes, got \"\(token)\"")
        }
      }
      for user in users {
        guard Self.isHandle(user.handle) else {
          throw .invalidConfiguration(
            "a user handle must be letters, digits, '.', '_' or '-', got \"\(user.handle)\"")
        }
      }
      var owner: [String: String] = [:]
      for token in tokens { owner[token] = defaultUser }
      for user in users {
        if let other = owner[user.token], other != user.handle {
          throw .invalidConfiguration(
            "the token \"\(user.token)\" is given to both \(other) and \(user.handle)")
        }
        owner[user.token] = user.handle
      }
      for user in fixtures.users {
        for token in user.tokens {
          if let other = owner[token], other != user.handle {
            throw .invalidConfiguration(
              "the token \"\(token)\" is given to both \(other) and \(user.handle)")
          }
          owner[token] = user.handle
        }
      }
      if let adminToken, owner[adminToken] != nil {
        throw .invalidConfiguration("the admin token must differ from every API token")
      }
      do throws(DXPlatformError) {
        try fixtures.validate(knownUsers: Set(platformUsers.map(\.id)))
      } catch {
        throw .invalidConfiguration("fixtures: \(error.message)")
      }
    }

    private static func isHandle(_ text: String) -> Bool {
      !text.isEmpty && text.count <= 64
        && text.unicodeScalars.allSatisfy {
          $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
    }

    private static func isToken(_ text: String) -> Bool {
      // Quotes and backslashes are excluded so the banner's shell and JSON lines need no escaping.
      !text.isEmpty && text.utf8.count <= 1024
        && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x27 && $0 != 0x5C }
    }

    /// The platform's users: the default user with ``tokens``, then each extra handle with its
    /// tokens, then the fixtures' users (whose tokens and password join a configured user's).
    var platformUsers: [MockPlatform.User] {
      var result = [MockPlatform.User(handle: defaultUser, tokens: tokens)]
      let extra =
        users.map { MockPlatform.User(handle: $0.handle, tokens: [$0.token]) } + fixtures.platformUsers
      for user in extra {
        if let index = result.firstIndex(where: { $0.handle == user.handle }) {
          for token in user.tokens where !result[index].tokens.contains(token) {
            result[index].tokens.append(token)
          }
          if let password = user.password { result[index].password = password }
        } else {
          result.append(user)
        }
      }
      return result
    }
  }
}
