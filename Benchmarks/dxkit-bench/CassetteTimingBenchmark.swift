import ArgumentParser
import DXCassette
import DXCore
import Foundation

/// `dxkit-bench cassette-timing`: replays a cassette with `timing: .recorded(scale:)` on the system clock
/// and prints the wall time beside the recorded latencies times the scale (the target: within 10%).
struct CassetteTimingBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cassette-timing", abstract: "Time a scaled, timed replay against the recorded latencies.")

  @Option(name: .long, help: "Interactions replayed.")
  var count = 40

  @Option(name: .long, help: "The recorded latency of each interaction, in milliseconds.")
  var latencyMs = 50

  @Option(name: .long, help: "The replay's scale.")
  var scale = 0.5

  func run() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxkit-timing-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let cassette = try DXCassette(path: directory.appendingPathComponent("timed.dxcassette").path)
    defer { cassette.close() }
    let request = { (index: Int) in
      DXTransportRequest(
        method: "POST", url: "http://127.0.0.1:1/record-\(index)/describe", body: Data("{}".utf8))
    }
    try cassette.append(
      contentsOf: (0..<count).map { index in
        DXCassetteInteraction(
          request: request(index),
          outcome: .response(DXTransportResponse(status: 200, body: Data("{}".utf8))),
          duration: .milliseconds(latencyMs * (1 + index % 3)))
      })
    let expected = (0..<count).reduce(Duration.zero) { total, index in
      total + .milliseconds(latencyMs * (1 + index % 3)) * scale
    }
    let replay = DXReplayTransport(cassette: cassette, options: .init(timing: .recorded(scale: scale)))
    let clock = ContinuousClock()
    let started = clock.now
    for index in 0..<count { _ = try await replay.send(request(index)) }
    let elapsed = clock.now - started
    print(
      "timed_replay_count=\(count) timed_replay_scale=\(scale) "
        + "timed_replay_expected_s=\(String(format: "%.3f", expected.seconds)) "
        + "timed_replay_elapsed_s=\(String(format: "%.3f", elapsed.seconds)) "
        + "timed_replay_ratio=\(String(format: "%.3f", elapsed.seconds / expected.seconds))")
  }
}
