import ArgumentParser
import DXCore
import Foundation
import Synchronization

/// `dxkit-bench client`: N sequential `systemWhoami` calls against one server, timed.
///
/// Three layers can be timed, so that a figure can be read against what the machine allows:
/// - `dxclient` (the default): `DXClient.systemWhoami()` over ``DXLiveTransport`` — what a user gets
///   (`--event-loop-executor`: inside ``DXLiveTransport/withEventLoopExecutor(_:)``).
/// - `transport`: ``DXLiveTransport/send(_:)`` with a prepared request — the HTTP client alone.
/// - `socket`: one blocking keep-alive TCP socket writing the same request bytes and reading the reply
///   (a few lines of C calls, no HTTP library) — the fastest any sequential client can go here.
struct ClientBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "client",
    abstract: "Time N sequential systemWhoami calls and print calls per second."
  )

  /// What is timed.
  enum Mode: String, ExpressibleByArgument, CaseIterable {
    case dxclient, transport, socket
  }

  @Option(help: "The API server's base URL, e.g. http://127.0.0.1:8080.")
  var url: String

  @Option(help: "The API token.")
  var token: String

  @Option(name: [.customShort("n"), .long], help: "The number of timed calls.")
  var count: Int = 1000

  @Option(help: "Untimed calls made first.")
  var warmup: Int = 50

  @Option(help: "What to time: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")).")
  var mode: Mode = .dxclient

  @Option(help: "The live transport's engine: automatic (SwiftNIO for http://) or asyncHTTPClient.")
  var engine: DXLiveTransport.Engine = .automatic

  @Flag(
    help: """
      Make the calls inside DXLiveTransport.withEventLoopExecutor, so that each call resumes on its \
      connection's thread instead of hopping to Swift's thread pool and back.
      """)
  var eventLoopExecutor = false

  mutating func validate() throws {
    guard count > 0 else { throw ValidationError("--count must be positive") }
    guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    guard let components = URLComponents(string: url), components.host != nil,
      components.scheme == "http" || components.scheme == "https"
    else { throw ValidationError("--url must be an http(s) URL, got '\(url)'") }
    if mode == .socket, components.scheme != "http" {
      throw ValidationError("--mode socket needs an http:// URL")
    }
  }

  func run() async throws {
    guard let components = URLComponents(string: url), let host = components.host else {
      throw ValidationError("--url must be an http(s) URL")
    }
    var platform = DXConfiguration()
    platform.setAPIServerInfo(
      host: host, port: components.port.map(String.init), protocol: components.scheme ?? "http")
    platform.setSecurityContext(DXSecurityContext(token: token))
    let seconds: Double
    switch mode {
    case .dxclient:
      let scoped = eventLoopExecutor
      seconds = try await DXLiveTransport.withTransport(.init(engine: engine)) { transport in
        let client = DXClient(platform: platform, transport: transport)
        let calls = {
          try await Self.time(warmup: warmup, count: count) {
            guard try await client.systemWhoami()["id"] != nil else {
              throw ValidationError("systemWhoami returned no id")
            }
          }
        }
        return scoped ? try await transport.withEventLoopExecutor(calls) : try await calls()
      }
    case .transport:
      let request = try await whoamiRequest(platform)
      seconds = try await DXLiveTransport.withTransport(.init(engine: engine)) { transport in
        try await Self.time(warmup: warmup, count: count) {
          let response = try await transport.send(request)
          guard response.status == 200, response.bodyEnd == .complete else {
            throw ValidationError("systemWhoami answered \(response.status)")
          }
        }
      }
    case .socket:
      let request = try await whoamiRequest(platform)
      let socket = try BlockingHTTPSocket(host: host, port: components.port ?? 80)
      defer { socket.close() }
      let bytes = socket.requestBytes(request)
      seconds = try await Self.time(warmup: warmup, count: count) {
        guard try socket.roundTrip(bytes) == 200 else { throw ValidationError("systemWhoami failed") }
      }
    }
    let rate = Double(count) / seconds
    print(
      "dxkit-\(mode.rawValue) calls=\(count) seconds=\(String(format: "%.3f", seconds)) "
        + "rate=\(String(format: "%.1f", rate))/s"
    )
  }

  /// The request `DXClient.systemWhoami()` sends, headers included (captured by a transport that
  /// answers the call itself).
  private func whoamiRequest(_ platform: DXConfiguration) async throws -> DXTransportRequest {
    let captured = Mutex<DXTransportRequest?>(nil)
    let capture = DXClosureTransport { request in
      captured.withLock { $0 = request }
      return DXTransportResponse(
        status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"user-x"}"#.utf8))
    }
    _ = try await DXClient(platform: platform, transport: capture).systemWhoami()
    guard let request = captured.withLock({ $0 }) else {
      throw ValidationError("could not build the systemWhoami request")
    }
    return request
  }

  /// Runs `call` `warmup` times, then `count` times under the clock; returns the timed seconds.
  private static func time(warmup: Int, count: Int, _ call: () async throws -> Void) async throws -> Double {
    for _ in 0..<warmup { try await call() }
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<count { try await call() }
    return (clock.now - start).seconds
  }
}

extension DXLiveTransport.Engine: ExpressibleByArgument {}
