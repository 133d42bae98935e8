import ArgumentParser
import DXCassette
import DXCore
import DXMockServer
import Foundation

/// `dxkit-bench cassette`: cassette open time and per-request replay cost at 1,000, 10,000 and
/// 100,000 interactions: ``DXReplayTransport/send(_:)`` alone, and a user's `DXClient.request` over it
/// (the JSON body serialized, headers added, the reply checked and parsed).
struct CassetteBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cassette",
    abstract: "Cassette open time and per-request replay cost at several sizes.")

  @Option(name: .long, parsing: .upToNextOption, help: "Cassette sizes (interactions).")
  var sizes: [Int] = [1_000, 10_000, 100_000]

  @Option(name: .long, help: "Requests replayed per size (capped at the size).")
  var requests = 10_000

  @Option(name: .long, help: "Directory for the cassettes (default: a new temporary directory).")
  var directory: String?

  @Flag(name: .long, help: "Print only `key=value` lines (for scripts).")
  var machine = false

  func run() async throws {
    let root =
      directory.map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent(
        "dxkit-bench-cassette-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { if directory == nil { try? FileManager.default.removeItem(at: root) } }
    if !machine {
      print(
        "size      build (s)  open median (ms)  replay (µs/request)  DXClient (µs/request)  DXClient CPU (µs)   "
          + "requests")
    }
    var firstReplay: Double?
    for size in sizes {
      let path = root.appendingPathComponent("bench-\(size).dxcassette").path
      let interactions = (0..<size).map(Self.interaction)
      let buildStart = ContinuousClock.now
      do {
        let cassette = try DXCassette(path: path)
        try cassette.append(contentsOf: interactions)
        cassette.close()
      }
      let build = (ContinuousClock.now - buildStart).seconds

      var opens: [Double] = []
      for _ in 0..<15 {
        let start = ContinuousClock.now
        let cassette = try DXCassette(path: path, access: .readOnly)
        opens.append((ContinuousClock.now - start).seconds)
        cassette.close()
      }
      let openMedian = opens.sorted()[opens.count / 2]

      let cassette = try DXCassette(path: path, access: .readOnly)
      let replay = DXReplayTransport(cassette: cassette)
      var generator = SplitMix64(seed: UInt64(size))
      var order = Array(0..<size)
      order.shuffle(using: &generator)
      let count = min(requests, size)
      // Live requests differ from the recorded ones as a real client's would: another nonce, other key order.
      let live = order.prefix(count).map { Self.liveRequest($0) }
      for request in live.prefix(50) { _ = try await replay.send(request) }  // warm up
      let replayAgain = DXReplayTransport(cassette: cassette)
      let start = ContinuousClock.now
      for request in live { _ = try await replayAgain.send(request) }
      let perRequest = (ContinuousClock.now - start).seconds / Double(count) * 1e6

      // The same requests made by DXClient over a third replay session.
      let client = DXClient(
        platform: Self.platform, configuration: .noRetry, transport: DXReplayTransport(cassette: cassette))
      let calls = order.prefix(count).map { (route: Self.route($0), body: Self.liveBody($0)) }
      let clientStart = ContinuousClock.now
      let clientCPUStart = Self.processCPUSeconds()
      for call in calls {
        guard case .json = try await client.request(.route(call.route), data: .json(call.body)) else {
          throw ValidationError("a replayed reply was not JSON")
        }
      }
      let perClientRequest = (ContinuousClock.now - clientStart).seconds / Double(count) * 1e6
      let perClientCPU = (Self.processCPUSeconds() - clientCPUStart) / Double(count) * 1e6
      firstReplay = firstReplay ?? perRequest
      if machine {
        print(
          "size=\(size) build_s=\(Self.format(build)) open_ms=\(Self.format(openMedian * 1e3)) "
            + "replay_us=\(Self.format(perRequest)) client_us=\(Self.format(perClientRequest)) "
            + "client_cpu_us=\(Self.format(perClientCPU))")
      } else {
        print(
          String(size).padding(toLength: 10, withPad: " ", startingAt: 0)
            + Self.format(build).padding(toLength: 11, withPad: " ", startingAt: 0)
            + Self.format(openMedian * 1e3).padding(toLength: 18, withPad: " ", startingAt: 0)
            + Self.format(perRequest).padding(toLength: 21, withPad: " ", startingAt: 0)
            + Self.format(perClientRequest).padding(toLength: 23, withPad: " ", startingAt: 0)
            + Self.format(perClientCPU).padding(toLength: 20, withPad: " ", startingAt: 0) + "\(count)")
      }
      if !machine, let firstReplay, size != sizes.first {
        print("  replay cost vs \(sizes.first ?? 0): \(Self.format(perRequest / firstReplay))×")
      }
      cassette.close()
    }
    if !machine {
      print(
        "targets: DXClient over replay ≤ 20 µs/request and flat across sizes; open < 10 ms at 100,000")
    }
  }

  // MARK: - Workload

  static let routes = ["describe", "close", "setProperties", "addTags", "listFolder"]

  /// The recorded interaction number `index`: a mix of DNAnexus-like routes and bodies.
  static func interaction(_ index: Int) -> DXCassetteInteraction {
    let recorded = request(index, nonce: "nonce-\(index)-recorded", reordered: false)
    let response = DXTransportResponse(
      status: 200,
      headers: DXHTTPHeaders([("Content-Type", "application/json"), ("X-Request-ID", "req-\(index)")]),
      body: Data(
        (#"{"id":"record-\#(index)","project":"project-bench","name":"object \#(index)","state":"closed","#
          + #""created":\#(1_700_000_000 + index),"properties":{"k":"v"},"tags":["a","b"]}"#).utf8))
    return DXCassetteInteraction(
      request: recorded, outcome: .response(response), duration: .milliseconds(3),
      recordedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)))
  }

  /// The CPU time this process has used, in seconds (user and system, every thread): a figure other
  /// processes on a busy machine move far less than the wall clock.
  static func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// The platform the client benchmark's calls go to (the host the cassette was recorded from).
  static var platform: DXConfiguration {
    var platform = DXConfiguration()
    platform.setAPIServerInfo(host: "127.0.0.1", port: "8080", protocol: "http")
    platform.setSecurityContext(DXSecurityContext(token: "bench-replay-token"))
    return platform
  }

  /// The route of request `index`, e.g. `/record-1/close`.
  static func route(_ index: Int) -> String {
    let object = index % 3 == 0 ? "file-\(index)" : "record-\(index)"
    return "/\(object)/\(routes[index % routes.count])"
  }

  /// The body a client sends for request `index` (a fresh nonce, as a real client's).
  static func liveBody(_ index: Int) -> DXJSON {
    [
      "project": "project-bench", "nonce": .string("nonce-\(index)-client"),
      "fields": ["name": true, "state": true, "properties": true], "index": .integer(index),
    ]
  }

  static func liveRequest(_ index: Int) -> DXTransportRequest {
    request(index, nonce: "nonce-\(index)-live", reordered: true)
  }

  static func request(_ index: Int, nonce: String, reordered: Bool) -> DXTransportRequest {
    let members = [
      #""project":"project-bench""#, #""nonce":"\#(nonce)""#,
      #""fields":{"name":true,"state":true,"properties":true}"#, #""index":\#(index)"#,
    ]
    let body = "{" + (reordered ? members.reversed() : members).joined(separator: ",") + "}"
    return DXTransportRequest(
      method: "POST", url: "http://127.0.0.1:8080" + route(index),
      headers: DXHTTPHeaders([("Content-Type", "application/json"), ("Authorization", "Bearer [REDACTED]")]),
      body: Data(body.utf8))
  }

  static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
