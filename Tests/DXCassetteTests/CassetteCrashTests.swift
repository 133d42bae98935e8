import DXCore
import Foundation
import Testing

@testable import DXCassette

/// A recorder killed with SIGKILL leaves a valid cassette holding every committed interaction.
@Suite("CassetteCrash")
struct CassetteCrashTests {
  typealias S = CassetteTestSupport
  static let childVariable = "DXKIT_CASSETTE_CRASH_CHILD"

  /// The child side: when the environment names a cassette, record into it until killed (bounded).
  @Test func crashChildRecorder() async throws {
    guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
    let live = S.CountingTransport { request, number in
      if number % 7 == 0 { throw DXTransportError.connectionReset("reset \(number)") }
      return S.ok(#"{"echo":\#(String(decoding: request.body, as: UTF8.self))}"#)
    }
    let transport = try S.recording(try DXCassette(path: path), mode: .once, base: live)
    let deadline = ContinuousClock.now + .seconds(60)
    var index = 0
    while index < 1_000_000, ContinuousClock.now < deadline {
      _ = try? await transport.send(
        S.post(
          "/record-\(index)/describe", #"{"i":\#(index),"pad":"\#(String(repeating: "x", count: 200))"}"#))
      index += 1
    }
  }

  @Test func killedRecorderLeavesAValidCassette() async throws {
    let path = S.cassettePath("killed.dxcassette")
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--testing-library", "swift-testing", "--filter", "crashChildRecorder"]
    var environment = ProcessInfo.processInfo.environment
    environment[Self.childVariable] = path
    child.environment = environment
    child.standardOutput = FileHandle.nullDevice
    child.standardError = FileHandle.nullDevice
    try child.run()
    defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

    // Wait (bounded) until the child has committed a good number of interactions.
    let deadline = ContinuousClock.now + .seconds(60)
    var committed = 0
    while committed < 200, ContinuousClock.now < deadline, child.isRunning {
      try await Task.sleep(for: .milliseconds(20))
      if let cassette = try? DXCassette(path: path, access: .readOnly) {
        committed = (try? cassette.count()) ?? 0
        cassette.close()
      }
    }
    #expect(child.isRunning, "the child was still recording when killed")
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    #expect(child.terminationReason == .uncaughtSignal)
    #expect(committed >= 200)

    let cassette = try DXCassette(path: path, access: .readWrite)
    let all = try cassette.interactions()
    #expect(all.count >= committed)
    #expect(try cassette.database.scalar("PRAGMA integrity_check") == .text("ok"))
    let replay = DXReplayTransport(cassette: cassette)
    for (offset, interaction) in all.enumerated() {
      #expect(interaction.path == "/record-\(offset)/describe", "committed in order, none lost in between")
      let result = await CassetteFaultTests.result(
        replay, S.post(interaction.path, String(decoding: interaction.request.body, as: UTF8.self)))
      #expect(CassetteFaultTests.outcome(result) == interaction.outcome)
    }
  }
}
