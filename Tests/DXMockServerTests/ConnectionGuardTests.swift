import Foundation
import Testing

@testable import DXMockServer

/// The guard's decisions with an explicit clock (no timer, no waiting): each connection is one end of
/// a socket pair, and a closed one shows as end-of-file on the other end.
@Suite("The connection guard's per-connection records — phases, timeouts, eviction")
struct ConnectionGuardTests {
  /// A connected socket pair: the guard gets `server`, the test reads `client`.
  final class Pair {
    let server: Int32
    let client: Int32

    init() throws {
      var fds: [Int32] = [-1, -1]
      guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
        throw POSIXError(.EMFILE)
      }
      server = fds[0]
      client = fds[1]
    }

    deinit {
      close(server)
      close(client)
    }

    /// Whether the guard shut the server end down (the client reads end-of-file at once).
    var shutDown: Bool {
      var byte: UInt8 = 0
      return recv(client, &byte, 1, Int32(MSG_DONTWAIT)) == 0
    }
  }

  static func makeGuard(connectionLimit: Int = 1024, header: Double = 2, body: Double = 5) -> ConnectionGuard
  {
    ConnectionGuard(
      limits: .init(connectionLimit: connectionLimit, headerTimeout: header, bodyTimeout: body),
      sweeping: false)
  }

  @Test func aRecordPacksItsPhaseAndTime() {
    let record = GuardedConnection(socket: -1, now: 1_000)
    #expect(record.current.phase == .awaitingHead)
    #expect(record.current.since == 1_000)
    for (phase, time) in [
      (GuardedConnection.Phase.receivingBody, UInt64(1_250)), (.answering, 1 << 60), (.awaitingHead, 0),
    ] {
      record.enter(phase, at: time)
      #expect(record.current.phase == phase)
      #expect(record.current.since == time)
    }
  }

  @Test func theCoarseClockMovesForward() {
    let first = GuardedConnection.now()
    let second = GuardedConnection.now()
    #expect(second >= first)
    #expect(first > 0)
  }

  @Test func eachPhaseHasItsOwnTimeout() throws {
    let connectionGuard = Self.makeGuard(header: 2, body: 5)
    let idle = try Pair()
    let receiving = try Pair()
    let answering = try Pair()
    _ = connectionGuard.opened(socket: idle.server, now: 10_000)
    connectionGuard.opened(socket: receiving.server, now: 10_000).enter(.receivingBody, at: 10_000)
    connectionGuard.opened(socket: answering.server, now: 10_000).enter(.answering, at: 10_000)
    #expect(connectionGuard.openConnections == 3)

    // Within the header timeout: nothing closes.
    #expect(connectionGuard.sweep(now: 12_000) == 0)
    #expect(!idle.shutDown)
    // Past the header timeout, within the body timeout: only the idle connection.
    #expect(connectionGuard.sweep(now: 12_001) == 1)
    #expect(idle.shutDown)
    #expect(!receiving.shutDown)
    #expect(connectionGuard.openConnections == 2)
    // Past the body timeout: the receiving one; a connection being answered is never closed.
    #expect(connectionGuard.sweep(now: 15_001) == 1)
    #expect(receiving.shutDown)
    #expect(connectionGuard.sweep(now: 1_000_000) == 0)
    #expect(!answering.shutDown)
    #expect(connectionGuard.openConnections == 1)
  }

  @Test func bodyBytesRestartTheBodyClockAndAFinishedRequestTheHeadClock() throws {
    let connectionGuard = Self.makeGuard(header: 2, body: 5)
    let pair = try Pair()
    let record = connectionGuard.opened(socket: pair.server, now: 0)
    record.enter(.receivingBody, at: 1_000)
    record.enter(.receivingBody, at: 4_000)
    #expect(connectionGuard.sweep(now: 8_000) == 0)
    record.enter(.answering, at: 8_000)
    record.enter(.awaitingHead, at: 8_500)
    #expect(connectionGuard.sweep(now: 10_500) == 0)
    #expect(!pair.shutDown)
    #expect(connectionGuard.sweep(now: 10_501) == 1)
    #expect(pair.shutDown)
  }

  @Test func anIdleConnectionWhosePeerClosedIsClosedAtOnce() throws {
    let connectionGuard = Self.makeGuard()
    let pair = try Pair()
    _ = connectionGuard.opened(socket: pair.server, now: 0)
    #expect(connectionGuard.sweep(now: 1) == 0)
    shutdown(pair.client, Int32(SHUT_WR))
    #expect(connectionGuard.sweep(now: 2) == 1)
    #expect(connectionGuard.openConnections == 0)
  }

  @Test func theOldestIdleConnectionMakesRoomNearTheLimit() throws {
    // A limit of 32 keeps 2 free: the 31st connection evicts the oldest idle one.
    let connectionGuard = Self.makeGuard(connectionLimit: 32)
    let pairs = try (0..<31).map { _ in try Pair() }
    var records: [GuardedConnection] = []
    for (offset, pair) in pairs.enumerated().prefix(30) {
      records.append(connectionGuard.opened(socket: pair.server, now: UInt64(100 + offset)))
    }
    // The oldest two are busy: the third oldest is the one evicted.
    records[0].enter(.answering, at: 500)
    records[1].enter(.receivingBody, at: 500)
    #expect(connectionGuard.openConnections == 30)
    records.append(connectionGuard.opened(socket: pairs[30].server, now: 1_000))
    #expect(connectionGuard.openConnections == 30)
    #expect(pairs[2].shutDown)
    #expect(!pairs[0].shutDown)
    #expect(!pairs[1].shutDown)
    #expect(!pairs[30].shutDown)
    // libmicrohttpd then reports the evicted connection closed: nothing changes twice.
    connectionGuard.closed(records[2])
    #expect(connectionGuard.openConnections == 30)
  }

  @Test func closingRemovesExactlyThatConnection() throws {
    let connectionGuard = Self.makeGuard(header: 1)
    let pairs = try (0..<5).map { _ in try Pair() }
    let records = pairs.map { connectionGuard.opened(socket: $0.server, now: 0) }
    connectionGuard.closed(records[1])
    connectionGuard.closed(records[1])
    connectionGuard.closed(records[4])
    #expect(connectionGuard.openConnections == 3)
    for record in [records[0], records[2], records[3]] { record.enter(.answering, at: 0) }
    #expect(connectionGuard.sweep(now: 10_000) == 0)
    records[3].enter(.awaitingHead, at: 0)
    #expect(connectionGuard.sweep(now: 10_000) == 1)
    #expect(pairs[3].shutDown)
    #expect(!pairs[1].shutDown)
    #expect(connectionGuard.openConnections == 2)
  }

  @Test func aStoppedGuardClosesNothing() throws {
    let connectionGuard = Self.makeGuard(header: 1)
    let pair = try Pair()
    _ = connectionGuard.opened(socket: pair.server, now: 0)
    connectionGuard.stop()
    #expect(connectionGuard.sweep(now: 100_000) == 0)
    #expect(!pair.shutDown)
  }

  @Test(arguments: [(0.5, UInt64(500)), (0, 0), (-3, 0), (.nan, 0), (1e30, .max), (30, 30_000)])
  func timeoutsInMilliseconds(_ seconds: Double, _ expected: UInt64) {
    #expect(ConnectionGuard.milliseconds(seconds) == expected)
  }
}
