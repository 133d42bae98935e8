import ArgumentParser
import DXCassette
import DXMockServer
import DXMockServerCassettes
import Foundation
import Logging

/// `dx-mock-server`: parses flags into a ``DXMockServer/Configuration`` and runs the server until
/// SIGINT/SIGTERM. All behaviour lives in the DXMockServer library.
@main
struct DXMockServerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dx-mock-server",
    abstract: "A DNAnexus API server emulation for offline tests, with fault injection.",
    discussion: """
      Prints the export lines that point the dx client at the server. Admin API under /__admin/.
      Fault specs (--fault SPEC, repeatable):
      \(DXFaultRule.specHelp)
      """)

  @Option(help: "The IP address to bind.")
  var host = "127.0.0.1"

  @Option(help: "The port (0 picks a free one).")
  var port = 0

  @Option(name: .customLong("port-file"), help: "Write the bound port to this file once accepting.")
  var portFile: String?

  @Option(name: .customLong("token"), help: "An API token of the default user (repeatable).")
  var tokens: [String] = []

  @Option(name: .customLong("user"), help: "Another user and a token, NAME=TOKEN (repeatable).")
  var users: [String] = []

  @Option(name: .customLong("default-user"), help: "The default user's handle.")
  var defaultUser = "alice"

  @Option(
    name: .customLong("admin-token"), help: "Require this token for the admin API (and allow non-loopback).")
  var adminToken: String?

  @Option(name: .customLong("journal-size"), help: "The most requests the journal keeps.")
  var journalSize = 1000

  @Option(name: .customLong("max-body-bytes"), help: "The largest request body accepted (413 beyond).")
  var maxBodyBytes = 256 << 20

  @Option(help: "A seed for deterministic IDs and fault probabilities.")
  var seed: UInt64?

  @Option(
    name: .customLong("fault"),
    help: "A fault rule, e.g. 'POST /system/whoami status=503 times=2' (repeatable).")
  var faultSpecs: [String] = []

  @Option(name: .customLong("faults"), help: "A JSON file of fault rules.")
  var faultsFile: String?

  @Option(
    name: .customLong("chaos"),
    help: "A named, seeded mix of probabilistic faults: flaky-network, overloaded, slow or mixed.")
  var chaos: String?

  @Option(
    name: .customLong("stubs"), help: "A JSON file of stubs (canned answers with priorities and scenarios).")
  var stubsFile: String?

  @Option(name: .customLong("state"), help: "Keep the platform state in this SQLite file.")
  var statePath: String?

  @Option(
    name: .customLong("job-duration"),
    help: "Milliseconds a job takes from runnable to done unless a rule says otherwise.")
  var jobDuration = 100

  @Option(name: .customLong("job-describes"), help: "Also end a job on its Nth describe.")
  var jobDescribes: Int?

  @Option(name: .customLong("executions"), help: "A JSON file of execution rules (scripted job outcomes).")
  var executionsFile: String?

  @Option(help: "libmicrohttpd's thread pool size.")
  var threads: Int?

  @Option(
    name: .customLong("connection-limit"),
    help: "The most open connections (default 1024); near it, the longest-idle connection is closed.")
  var connectionLimit: Int?

  @Option(
    name: .customLong("header-timeout"),
    help: "Seconds to receive a complete request head, also between keep-alive requests (default 30).")
  var headerTimeout: Double?

  @Option(name: .customLong("body-timeout"), help: "Seconds a request body may stall (default 60).")
  var bodyTimeout: Double?

  @Option(
    name: .customLong("idle-timeout"),
    help: "Seconds a connection may go without any traffic in any state (default 120).")
  var idleTimeout: Int?

  @Option(
    name: .customLong("storage-port"),
    help: "The port upload and download URLs point at (default 0, a free one: another origin than the API).")
  var storagePort: Int?

  @Flag(
    name: .customLong("same-origin-transfers"),
    help: "Hand out upload and download URLs on the API's own port.")
  var sameOriginTransfers = false

  @Option(
    name: .customLong("max-query-arguments"),
    help: "The most query-string arguments a request may carry (default 100).")
  var maxQueryArguments: Int?

  @Option(
    name: .customLong("fixtures"),
    help:
      "A JSON file of users (tokens, names), orgs (members, levels) and projects that exist from the start.")
  var fixturesFile: String?

  @Option(
    name: .customLong("authserver-port"),
    help: "Also serve the auth server's routes on this port (0 picks a free one); default: the API port.")
  var authServerPort: Int?

  @Option(
    name: .customLong("authserver-tls-cert"),
    help: "A PEM certificate that makes --authserver-port speak HTTPS (with --authserver-tls-key).")
  var authServerCertificate: String?

  @Option(name: .customLong("authserver-tls-key"), help: "The PEM private key of --authserver-tls-cert.")
  var authServerKey: String?

  @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
  var logLevel = "info"

  // MARK: Cassettes (server-side replay and record; see docs/cassettes.md)

  @Option(name: .customLong("replay"), help: "Serve this cassette instead of the platform (no network).")
  var replayCassette: String?

  @Option(
    name: .customLong("record"), help: "Proxy every request to --upstream and record it into this cassette.")
  var recordCassette: String?

  @Option(help: "The server --record proxies to, e.g. http://127.0.0.1:8124 or https://api.dnanexus.com.")
  var upstream: String?

  @Option(
    name: .customLong("record-mode"),
    help: "With --record: all (default), newEpisodes, once, none or passthrough.")
  var recordMode = DXCassetteRecordMode.all

  @Option(
    name: .customLong("fallback"),
    help:
      "With --replay: 'mock' passes cassette misses to the stateful mock (recorded with --record-mode newEpisodes)."
  )
  var fallback: String?

  @Option(
    name: .customLong("usage-log"),
    help: "With --replay: append the id of every interaction served to this file.")
  var usageLog: String?

  @Flag(name: .customLong("allow-repeats"), help: "With --replay: an interaction may answer more than once.")
  var allowRepeats = false

  @Option(
    name: .customLong("ignore-field"),
    help: "A volatile JSON body field left out of matching (repeatable; nonce always is).")
  var ignoredFields: [String] = []

  @Option(
    name: .customLong("timing"),
    help:
      "With --replay: instant (default), recorded, or recorded:SCALE (answers after the recorded latency times SCALE)."
  )
  var timing = "instant"

  @Option(
    name: .customLong("rewrite"),
    help:
      "A JSON file of rewrite rules: requests to drop, headers, query parameters and body fields to remove before recording and matching (docs/cassettes.md)."
  )
  var rewriteFile: String?

  @Option(
    name: .customLong("tag"), help: "With --record: a tag stamped on every interaction recorded (repeatable)."
  )
  var tags: [String] = []

  @Option(
    name: .customLong("expires-after"),
    help:
      "The cassette's maximum age for this run, e.g. 30d, 12h: replay refuses older interactions; record modes once and newEpisodes re-record them."
  )
  var expiresAfter: String?

  @Option(
    name: .customLong("redact"),
    help: "With --record: another literal secret to redact (repeatable; the client's token always is).")
  var redactedSecrets: [String] = []

  /// The server configuration the flags describe.
  func makeConfiguration() throws -> DXMockServer.Configuration {
    var configuration = DXMockServer.Configuration()
    configuration.host = host
    configuration.port = port
    configuration.portFile = portFile
    if !tokens.isEmpty { configuration.tokens = tokens }
    configuration.users = try users.map { text in
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex,
        text.index(after: equals) != text.endIndex
      else { throw ValidationError("--user must be NAME=TOKEN, got '\(text)'") }
      return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
    configuration.defaultUser = defaultUser
    configuration.adminToken = adminToken
    configuration.journalSize = journalSize
    configuration.maxBodyBytes = maxBodyBytes
    configuration.seed = seed
    var rules: [DXFaultRule] = []
    if let faultsFile {
      do throws(DXFaultRule.ParseError) {
        rules += try DXFaultRule.rules(contentsOfFile: faultsFile)
      } catch {
        throw ValidationError("--faults \(faultsFile): \(error.message)")
      }
    }
    for spec in faultSpecs {
      do throws(DXFaultRule.ParseError) {
        rules.append(try DXFaultRule(spec: spec))
      } catch {
        throw ValidationError("--fault '\(spec)': \(error.message)")
      }
    }
    if let chaos {
      guard let profile = DXChaosProfile.named(chaos) else {
        let names = DXChaosProfile.all.map(\.name).joined(separator: ", ")
        throw ValidationError("--chaos \(chaos): not a chaos profile (one of: \(names))")
      }
      do throws(DXFaultRule.ParseError) {
        rules += try profile.rules()
      } catch {
        throw ValidationError("--chaos \(chaos): \(error.message)")
      }
    }
    configuration.faults = rules
    if let stubsFile {
      do throws(DXFaultRule.ParseError) {
        configuration.stubs = try DXStub.stubs(contentsOfFile: stubsFile)
      } catch {
        throw ValidationError("--stubs: \(error.message)")
      }
    }
    configuration.statePath = statePath
    configuration.jobDuration = jobDuration
    configuration.jobDescribes = jobDescribes
    if let executionsFile {
      do throws(DXPlatformError) {
        configuration.executionRules = try DXExecutionRule.rules(contentsOfFile: executionsFile)
      } catch {
        throw ValidationError("--executions \(executionsFile): \(error.message)")
      }
    }
    if let threads { configuration.threads = threads }
    if let connectionLimit { configuration.connectionLimit = connectionLimit }
    if let headerTimeout { configuration.headerTimeout = headerTimeout }
    if let bodyTimeout { configuration.bodyTimeout = bodyTimeout }
    if let idleTimeout { configuration.connectionTimeout = idleTimeout }
    if let maxQueryArguments { configuration.maxQueryArguments = maxQueryArguments }
    if let storagePort { configuration.storagePort = storagePort }
    if sameOriginTransfers { configuration.storagePort = nil }
    if let fixturesFile { configuration.fixtures = try DXMockFixtures(contentsOfFile: fixturesFile) }
    configuration.authServerPort = authServerPort
    switch (authServerCertificate, authServerKey) {
    case (nil, nil): break
    case (let certificate?, let key?):
      do {
        configuration.authServerTLS = (
          try String(contentsOfFile: certificate, encoding: .utf8),
          try String(contentsOfFile: key, encoding: .utf8)
        )
      } catch {
        throw ValidationError(
          "cannot read the auth server's certificate or key: \(error.localizedDescription)")
      }
    default: throw ValidationError("--authserver-tls-cert and --authserver-tls-key go together")
    }
    configuration.backend = try makeCassetteBackend()
    return configuration
  }

  /// The cassette backend the cassette flags ask for, or `nil`.
  func makeCassetteBackend() throws -> (any DXMockBackend)? {
    guard let replayTiming = DXCassetteReplayTiming(argument: timing) else {
      throw ValidationError(
        "--timing must be instant, recorded or recorded:SCALE (a positive number), got '\(timing)'")
    }
    var rewrite: DXCassetteRewriteRules?
    if let rewriteFile {
      guard let data = FileManager.default.contents(atPath: rewriteFile) else {
        throw ValidationError("--rewrite \(rewriteFile): no such file")
      }
      do throws(DXCassetteError) {
        rewrite = try DXCassetteRewriteRules(json: data)
      } catch {
        throw ValidationError("--rewrite \(rewriteFile): \(error.message)")
      }
    }
    var maximumAge: Duration?
    if let expiresAfter {
      guard let parsed = DXCassetteAge.parse(expiresAfter) else {
        throw ValidationError(
          "--expires-after must be a positive number and a unit (ms, s, m, h, d), got '\(expiresAfter)'")
      }
      maximumAge = parsed
    }
    let options = DXCassetteBackendOptions(
      ignoredBodyFields: ignoredFields, allowRepeats: allowRepeats, usageLogPath: usageLog,
      secrets: redactedSecrets, recordMode: recordMode, timing: replayTiming, rewrite: rewrite, tags: tags,
      expiresAfter: maximumAge)
    switch (replayCassette, recordCassette) {
    case (nil, nil):
      guard upstream == nil else { throw ValidationError("--upstream needs --record CASSETTE") }
      guard fallback == nil else { throw ValidationError("--fallback needs --replay CASSETTE") }
      guard usageLog == nil, !allowRepeats, timing == "instant", rewriteFile == nil, tags.isEmpty,
        expiresAfter == nil
      else {
        throw ValidationError(
          "--usage-log, --allow-repeats, --timing, --rewrite, --tag and --expires-after need --replay or --record"
        )
      }
      return nil
    case (let path?, nil):
      guard upstream == nil else { throw ValidationError("--upstream goes with --record, not --replay") }
      if let fallback {
        guard fallback == "mock" else {
          throw ValidationError("--fallback \(fallback): the only fallback is 'mock'")
        }
        do {
          return try DXCassetteHybridBackend(cassettePath: path, options: options)
        } catch {
          throw ValidationError("--replay \(path) --fallback mock: \(error.message)")
        }
      }
      guard recordMode == .all else {
        throw ValidationError("--record-mode goes with --record or --fallback mock")
      }
      do {
        return try DXCassetteReplayBackend(cassettePath: path, options: options)
      } catch {
        throw ValidationError("--replay \(path): \(error.message)")
      }
    case (nil, let path?):
      guard let upstream else { throw ValidationError("--record needs --upstream URL") }
      guard fallback == nil else { throw ValidationError("--fallback goes with --replay, not --record") }
      do {
        return try DXCassetteRecordBackend(cassettePath: path, upstream: upstream, options: options)
      } catch {
        throw ValidationError("--record \(path) --upstream \(upstream): \(error.message)")
      }
    case (_?, _?):
      throw ValidationError("--replay and --record cannot be used together")
    }
  }

  func run() throws {
    guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
      throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
    }
    let configuration = try makeConfiguration()
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let server = try DXMockServer(configuration: configuration, logger: Logger(label: "dx-mock-server"))
    try server.start()
    print(server.banner)
    fflush(nil)  // all output streams; `stdout` is not concurrency-safe in Swift 6
    try server.runUntilSignalled()
    // The server has stopped: no request can reach the backend any more.
    (configuration.backend as? DXCassetteRecordBackend)?.close()
    (configuration.backend as? DXCassetteReplayBackend)?.close()
    (configuration.backend as? DXCassetteHybridBackend)?.close()
  }

  /// Parses and runs; every error is one line on standard error and a non-zero exit.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      let message = error is DXMockServerError ? "\(error)" : message(for: error)
      let firstLine = message.split(separator: "\n").first.map(String.init) ?? "\(error)"
      FileHandle.standardError.write(Data("dx-mock-server: error: \(firstLine)\n".utf8))
      Foundation.exit(code == .success ? 1 : code.rawValue)
    }
  }
}

extension DXCassetteRecordMode: ExpressibleByArgument {}
