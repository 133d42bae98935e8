import DXCore
import DXKitTesting
import DXWire
import Foundation
import Testing

@Suite("DXTestClock")
struct TestClockTests {
  @Test("a sleep returns at once, is recorded, and moves the virtual time by its exact duration")
  func sleepRecordsAndAdvances() async throws {
    let clock = DXTestClock(start: Date(timeIntervalSince1970: 100))
    #expect(clock.now() == Date(timeIntervalSince1970: 100))
    try await clock.sleep(for: .seconds(2))
    try await clock.sleep(for: .milliseconds(1500))
    #expect(clock.sleeps == [.seconds(2), .milliseconds(1500)])
    #expect(clock.slept == .milliseconds(3500))
    #expect(clock.now() == Date(timeIntervalSince1970: 103.5))
    #expect(clock.start == Date(timeIntervalSince1970: 100))
  }

  @Test("advance(by:) moves the time without recording a sleep")
  func advanceIsNotASleep() {
    let clock = DXTestClock()
    clock.advance(by: .seconds(60))
    #expect(clock.sleeps.isEmpty)
    #expect(clock.now() == DXTestClock.defaultStart.addingTimeInterval(60))
  }

  @Test("a sleep in a cancelled task throws CancellationError and records nothing")
  func cancelledSleepThrows() async {
    let clock = DXTestClock()
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      try await clock.sleep(for: .seconds(5))
    }
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(clock.sleeps.isEmpty)
  }

  @Test("DXClient's retry schedule is asserted exactly and instantly")
  func clientRetrySchedule() async throws {
    let calls = Calls()
    let transport = DXClosureTransport { _ in
      let n = calls.next()
      let status = n <= 3 ? 500 : 200
      let body = Data(
        (status == 200 ? #"{"id":"user-alice"}"# : #"{"error":{"type":"InternalError","message":"x"}}"#).utf8)
      return DXTransportResponse(
        status: status,
        headers: ["Content-Type": "application/json", "Content-Length": "\(body.count)"], body: body)
    }
    let clock = DXTestClock()
    let random = DXTestRandomSource(.highest)
    var platform = DXConfiguration()
    platform.setAPIServerInfo(host: "127.0.0.1", port: 9, protocol: "http")
    platform.setSecurityContext(DXSecurityContext(token: "t"))
    let client = DXClient(platform: platform, transport: transport, clock: clock, random: random)
    let me = try await client.systemWhoami()
    #expect(me["id"] == "user-alice")
    // dxpy: 1 s after the first failure, then randint(1, 2) and randint(2, 4), here at their highest.
    #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4)])
    #expect(random.requestedRanges == [1...2, 2...4])
    #expect(clock.now() == DXTestClock.defaultStart.addingTimeInterval(7))
  }
}

/// A call counter shared with a transport closure.
final class Calls: Sendable {
  private let count = DXLock(0)
  func next() -> Int {
    count.withLock {
      $0 += 1
      return $0
    }
  }
  var value: Int { count.withLock { $0 } }
}
