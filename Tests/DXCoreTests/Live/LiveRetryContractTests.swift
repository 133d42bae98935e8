import DXCore
import DXKitTesting
import DXMockServer
import DXWire
import Foundation
import Testing

/// A clock that really sleeps, `scale` times as long as asked (so the server sees the client's
/// backoff, shortened).
private struct ScaledClock: DXClock {
  let scale: Double
  func now() -> Date { Date() }
  func sleep(for duration: Duration) async throws {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    try await Task.sleep(for: .nanoseconds(Int64(seconds * scale * 1e9)))
  }
}

@Suite("Live — DXClient keeps dxpy's retry contract under every fault", .timeLimit(.minutes(2)))
struct LiveRetryContractTests {
  // The server stamps an answer when libmicrohttpd reports it sent, which a loaded machine may do
  // after the client already read it and retried: the contract's tolerance absorbs that (80 ms), and
  // the scale keeps the shortest wait (1 s → 100 ms) well above it, so a client that does not back
  // off is still caught.
  static let scale = 0.1
  static let toleranceMs = 80

  /// Every fault type, on whoami (always_retry) and on a non-always_retry route.
  static let specs = [
    "status=503 retryAfter=1 times=2", "status=429 retryAfter=1 times=2", "status=500 times=2",
    "status=502 body=\"<html>proxy</html>\" contentType=text/html times=2", "status=422 times=1",
    "truncate sendBytes=3 times=2", "noContentLength times=2", "reset times=2", "empty times=2",
    "delay ms=30 times=2", "latency=uniform min=1 max=20 times=2", "encoding=gzip times=1",
    "encoding=deflate corrupt=true times=1", "trickle=2000 times=1", "stall afterBytes=2 ms=30 times=1",
    "bandwidth=100000 times=1",
  ]

  @Test(arguments: specs)
  func clean(spec: String) async throws {
    try await DXMockServer.withClient(clock: ScaledClock(scale: Self.scale)) { server, client in
      server.addFault(try DXFaultRule(spec: "POST /system/whoami \(spec)"))
      server.addFault(try DXFaultRule(spec: "POST /project-*/removeFolder \(spec)"))
      _ = try? await client.systemWhoami()
      let project = try await client.projectNew(["name": "p"])["id"]?.stringValue ?? ""
      _ = try? await client.projectNewFolder(project, ["folder": "/a"])
      _ = try? await client.projectRemoveFolder(project, ["folder": "/a"])
      _ = try? await client.recordNew(["project": .string(project), "name": "r"])
      let report = server.retryContractReport(
        DXRetryContract(timeScale: Self.scale, toleranceMs: Self.toleranceMs))
      #expect(report.isClean, "\(spec): \(report)")
      #expect(report.attempts >= 5)
    }
  }

  /// A delay past the client's timeout: retried by whoami (always_retry), not by removeFolder.
  @Test func timeoutsAreRetriedOnlyWhereDxpyWould() async throws {
    try await DXMockServer.withClient(clock: ScaledClock(scale: Self.scale)) { server, client in
      let project = try await client.projectNew(["name": "p"])["id"]?.stringValue ?? ""
      _ = try await client.projectNewFolder(project, ["folder": "/a"])
      server.addFault(try DXFaultRule(spec: "POST /system/whoami delay ms=400 times=1"))
      server.addFault(try DXFaultRule(spec: "POST /project-*/removeFolder delay ms=400 times=1"))
      let short = DXRequestOptions(timeout: .milliseconds(150))
      _ = try await client.systemWhoami(options: short)
      await #expect(throws: (any Error).self) {
        try await client.projectRemoveFolder(project, ["folder": "/a"], options: short)
      }
      #expect(server.journal().filter { $0.path.hasSuffix("/removeFolder") }.count == 1)
      #expect(server.journal().filter { $0.path == "/system/whoami" }.count == 2)
      let report = server.retryContractReport(
        DXRetryContract(timeScale: Self.scale, toleranceMs: Self.toleranceMs))
      #expect(report.isClean, "\(report)")
    }
  }
}
