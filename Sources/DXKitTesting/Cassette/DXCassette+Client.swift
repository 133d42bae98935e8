import DXCassette
import DXCore
import DXMockServer
import Foundation

extension DXCassette {
  /// A ready `DXClient` that records into the cassette at `path` or replays from it, as Ruby
  /// VCR's `use_cassette` does, for one piece of code.
  ///
  /// ```swift
  /// try await DXCassette.withClient(path: "Tests/AppTests/cassettes/whoami.dxcassette") { _, client in
  ///   let me = try await client.systemWhoami()   // recorded the first time, replayed after
  /// }
  /// ```
  ///
  /// With `mode` `DXCassetteRecordMode.once` (the default) a cassette that holds
  /// interactions replays, and a missing or empty one is recorded through `upstream`. A replaying
  /// session opens a private read-only copy of the file (so the committed file and its folder stay
  /// untouched, and tests may replay one cassette in parallel) and never touches the network; its client
  /// points at `http://cassette.invalid`. A recording session writes to `path` (creating its folder),
  /// redacting the upstream's token. The mode is first passed through
  /// ``DXCassette/DXCassetteRecordMode/effective(in:)``, so `CI=true` replays only.
  ///
  /// A request that matches nothing fails with `DXCassetteError` (`noMatch`, with the
  /// nearest recorded candidate and a field-level diff, or `alreadyPlayed`); `onMiss` sees each such
  /// error first, even when the code under test catches it.
  ///
  /// - Parameters:
  ///   - path: The `.dxcassette` file.
  ///   - mode: When to record and when to replay; default `.once`.
  ///   - upstream: Where recorded requests go; default ``DXCassetteUpstream/automatic``.
  ///   - matching: How requests are matched; default `DXCassetteMatching.default`.
  ///   - allowPlaybackRepeats: Replay the last matching interaction again once all were played;
  ///     default `false`.
  ///   - clock: The client's clock; default a new ``DXTestClock``.
  ///   - random: The client's randomness; default ``DXTestRandomSource`` seeded with 0.
  ///   - environment: Where ``DXCassette/DXCassetteRecordMode/environmentVariable`` and `CI` are read;
  ///     default the process's environment.
  ///   - onMiss: Called with every miss before it is thrown; default none.
  ///   - body: The code under test, with the open cassette and the client.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws; ``DXKitTestingError`` when the cassette is missing and the mode may
  ///   not record; `DXCassetteError` when the file cannot be opened.
  public static func withClient<T: Sendable>(
    path: String, mode: DXCassetteRecordMode = .once, upstream: DXCassetteUpstream = .automatic,
    matching: DXCassetteMatching = .default, allowPlaybackRepeats: Bool = false,
    clock: any DXClock = DXTestClock(), random: any DXRandomSource = DXTestRandomSource(seed: 0),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    onMiss: (@Sendable (DXCassetteError) -> Void)? = nil,
    _ body: (DXCassette, DXClient) async throws -> T
  ) async throws -> T {
    let mode = try mode.effective(in: environment)
    let exists = FileManager.default.fileExists(atPath: path)
    if mode == .none, !exists {
      throw DXKitTestingError(
        "cassette \(path) does not exist and record mode none never records: record it with mode once "
          + "(unset CI and \(DXCassetteRecordMode.environmentVariable)) and commit it")
    }
    if mode == .none || (mode == .once && exists) {
      let replayed: T? = try await withReadOnlyCopy(of: path, matching: matching) { cassette in
        guard mode == .none || cassette.hadInteractionsWhenOpened else { return nil }
        var platform = DXConfiguration()
        platform.setAPIServerInfo(host: "cassette.invalid", port: nil, protocol: "http")
        platform.setSecurityContext(DXSecurityContext(token: "cassette-replay"))
        let replay = DXReplayTransport(cassette: cassette, allowPlaybackRepeats: allowPlaybackRepeats)
        let client = DXClient(
          platform: platform, transport: MissReportingTransport(base: replay, onMiss: onMiss), clock: clock,
          random: random)
        return .some(try await body(cassette, client))
      }
      if let replayed { return replayed }
    }
    return try await withUpstream(upstream) { platform in
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      let tokens = platform.securityContext.map { [$0.token] } ?? []
      let cassette = try DXCassette(
        path: path, access: .create, matching: matching, secrets: DXSecretScanner(tokens: tokens))
      defer { cassette.close() }
      let recorder = try DXRecordingMiddleware(
        cassette: cassette, mode: mode, allowPlaybackRepeats: allowPlaybackRepeats)
      return try await DXLiveTransport.withTransport(.init(from: platform)) { live in
        let transport = DXMiddlewareTransport(base: live, middleware: [recorder])
        let client = DXClient(
          platform: platform, transport: MissReportingTransport(base: transport, onMiss: onMiss),
          clock: clock,
          random: random)
        return try await body(cassette, client)
      }
    }
  }

  /// Runs `body` with the platform settings of `upstream`, starting and stopping a mock server when it
  /// asks for one.
  private static func withUpstream<T: Sendable>(
    _ upstream: DXCassetteUpstream, _ body: (DXConfiguration) async throws -> T
  ) async throws -> T {
    switch upstream {
    case .automatic:
      if let server = DXTestScope.current?.server { return try await body(server.platform) }
      return try await body(try DXConfiguration.shared)
    case .mockServer(let seed):
      var configuration = DXMockServer.Configuration()
      configuration.seed = seed
      return try await DXMockServer.withRunning(configuration) { server in try await body(server.platform) }
    case .platform(let platform):
      return try await body(platform)
    }
  }

  /// Opens a private read-only copy of the cassette at `path`, runs `body` with it, and removes the
  /// copy.
  ///
  /// Opening a WAL database, even read-only, leaves companion files (`-shm`, `-wal`) beside it; a copy
  /// in a folder of its own keeps a committed cassette's folder clean and lets tests replay the same
  /// file in parallel.
  /// - Parameters:
  ///   - path: The cassette file.
  ///   - matching: How requests are matched; default `DXCassetteMatching.default`.
  ///   - body: The code that reads the cassette.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws; `DXCassetteError` (`notFound`, `corrupt`…) when the
  ///   copy cannot be opened; a file error when it cannot be made.
  public static func withReadOnlyCopy<T>(
    of path: String, matching: DXCassetteMatching = .default, _ body: (DXCassette) async throws -> T
  ) async throws -> T {
    guard FileManager.default.fileExists(atPath: path) else {
      throw DXCassetteError(kind: .notFound, message: "\(path): no such cassette", cassettePath: path)
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxkit-cassette-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let copy = directory.appendingPathComponent((path as NSString).lastPathComponent).path
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    // A recorder that was killed leaves its last commits in the write-ahead log: copy it too.
    if FileManager.default.fileExists(atPath: path + "-wal") {
      try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
    }
    let cassette = try DXCassette(path: copy, access: .readOnly, matching: matching)
    defer { cassette.close() }
    return try await body(cassette)
  }
}

/// Hands every cassette miss (`noMatch`, `alreadyPlayed`) to a callback before throwing it on.
struct MissReportingTransport: DXTransport {
  let base: any DXTransport
  let onMiss: (@Sendable (DXCassetteError) -> Void)?

  func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    do {
      return try await base.send(request)
    } catch let error as DXCassetteError where error.kind == .noMatch || error.kind == .alreadyPlayed {
      onMiss?(error)
      throw error
    }
  }
}
