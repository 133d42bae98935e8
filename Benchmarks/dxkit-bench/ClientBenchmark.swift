import ArgumentParser
import DXCore
import Foundation

/// `dxkit-bench client`: N sequential `systemWhoami` calls with `DXClient` over the live transport.
struct ClientBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "client",
    abstract: "Time N sequential systemWhoami calls with DXClient and print calls per second."
  )

  @Option(help: "The API server's base URL, e.g. http://127.0.0.1:8080.")
  var url: String

  @Option(help: "The API token.")
  var token: String

  @Option(name: [.customShort("n"), .long], help: "The number of timed calls.")
  var count: Int = 1000

  @Option(help: "Untimed calls made first.")
  var warmup: Int = 50

  mutating func validate() throws {
    guard count > 0 else { throw ValidationError("--count must be positive") }
    guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    guard let components = URLComponents(string: url), let scheme = components.scheme,
      let host = components.host,
      scheme == "http" || scheme == "https"
    else { throw ValidationError("--url must be an http(s) URL, got '\(url)'") }
    _ = host
  }

  func run() async throws {
    guard let components = URLComponents(string: url), let host = components.host else {
      throw ValidationError("--url must be an http(s) URL")
    }
    var platform = DXConfiguration()
    platform.setAPIServerInfo(
      host: host, port: components.port.map(String.init), protocol: components.scheme ?? "http")
    platform.setSecurityContext(DXSecurityContext(token: token))
    let (warmup, count) = (self.warmup, self.count)
    let seconds = try await DXLiveTransport.withTransport { transport in
      let client = DXClient(platform: platform, transport: transport)
      for _ in 0..<warmup { try await client.systemWhoami() }
      let clock = ContinuousClock()
      let start = clock.now
      for _ in 0..<count {
        guard try await client.systemWhoami()["id"] != nil else {
          throw ValidationError("systemWhoami returned no id")
        }
      }
      let elapsed = clock.now - start
      return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    let rate = Double(count) / seconds
    print(
      "dxkit-client calls=\(count) seconds=\(String(format: "%.3f", seconds)) rate=\(String(format: "%.1f", rate))/s"
    )
  }
}
