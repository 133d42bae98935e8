import DXWire
import Foundation

/// Keeps idle and stalled sockets from holding the daemon's connections: per-state timeouts, the
/// eviction of the oldest idle connection when the limit is near, and the close of connections whose
/// client half-closed.
///
/// libmicrohttpd has one inactivity timeout for every state and, at its connection limit, stops
/// accepting: a flood of sockets that never send a request would lock new clients out until that
/// timeout. The guard tracks every connection from libmicrohttpd's connection notifications and the
/// access handler:
/// - **awaiting a head** (just opened, or between the requests of a keep-alive connection): closed
///   when no complete request head arrived within ``Limits/headerTimeout`` seconds, or when the client
///   has closed its side;
/// - **receiving a body**: closed when no body bytes arrived for ``Limits/bodyTimeout`` seconds;
/// - **answering** (the handler has the request, or the response is being sent): left alone
///   (libmicrohttpd's own inactivity timeout covers a client that stops reading).
///
/// "Closed" is `shutdown(2)` on the socket, which makes libmicrohttpd see the end of the connection
/// and close it itself; the socket is only touched while the guard's lock is held, and libmicrohttpd
/// reports a connection closed (which removes it here, under that lock) before it closes the socket.
final class ConnectionGuard {
  /// The limits the guard enforces.
  struct Limits: Sendable {
    /// The most open connections; the oldest idle one is closed when a new one needs room.
    var connectionLimit = 1024
    /// Seconds a connection may take to deliver a complete request head (from being opened or from
    /// the end of its previous response).
    var headerTimeout = 30.0
    /// Seconds a request body may go without new bytes.
    var bodyTimeout = 60.0
    /// How many connections are kept free for new clients: when more than `connectionLimit - reserve`
    /// are open, the oldest idle one is closed.
    var reserve: Int { max(2, connectionLimit / 16) }
  }

  private enum Phase {
    case awaitingHead
    case receivingBody
    case answering
  }

  private struct Tracked {
    var socket: Int32
    var phase: Phase
    /// When the phase began, or (receiving a body) when the last bytes arrived; seconds, monotonic.
    var since: Double
  }

  private struct Table {
    var connections: [UInt: Tracked] = [:]
    var stopped = false
  }

  let limits: Limits
  private let table = DXLock(Table())
  private let timer: DispatchSourceTimer

  init(limits: Limits) {
    self.limits = limits
    let shortest = max(0.05, min(limits.headerTimeout, limits.bodyTimeout))
    timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "dxmockserver.connection-guard"))
    let interval = min(1, shortest / 4)
    timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(20))
    timer.setEventHandler { [weak self] in self?.sweep() }
    timer.resume()
  }

  deinit { timer.cancel() }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// Counts of the tracked connections (for tests).
  var openConnections: Int { table.withLock { $0.connections.count } }

  /// Stops sweeping (the daemon is stopping).
  func stop() {
    timer.cancel()
    table.withLock { $0.stopped = true }
  }

  // MARK: - Events

  /// A connection was opened; makes room when the limit is near.
  func opened(_ connection: UInt, socket: Int32) {
    let now = Self.now()
    table.withLock { table in
      table.connections[connection] = Tracked(socket: socket, phase: .awaitingHead, since: now)
      guard table.connections.count > limits.connectionLimit - limits.reserve else { return }
      // The oldest connection waiting for a request goes first.
      let idle = table.connections.filter { $0.key != connection && $0.value.phase == .awaitingHead }
      if let oldest = idle.min(by: { $0.value.since < $1.value.since }) {
        Self.close(oldest.value.socket)
        table.connections[oldest.key] = nil
      }
    }
  }

  /// A connection was closed (before libmicrohttpd closes its socket).
  func closed(_ connection: UInt) {
    table.withLock { _ = $0.connections.removeValue(forKey: connection) }
  }

  /// A complete request head arrived; `expectsBody` when a body follows.
  func headReceived(_ connection: UInt, expectsBody: Bool) {
    update(connection, expectsBody ? .receivingBody : .answering)
  }

  /// Body bytes arrived.
  func bodyReceived(_ connection: UInt) { update(connection, .receivingBody) }

  /// The request is complete and is being answered.
  func answering(_ connection: UInt) { update(connection, .answering) }

  /// The request is finished; the connection waits for the next one (or closes).
  func finished(_ connection: UInt) { update(connection, .awaitingHead) }

  private func update(_ connection: UInt, _ phase: Phase) {
    let now = Self.now()
    table.withLock { table in
      guard table.connections[connection] != nil else { return }
      table.connections[connection]?.phase = phase
      table.connections[connection]?.since = now
    }
  }

  // MARK: - Sweeping

  /// Closes connections past their phase's timeout and idle connections whose client closed its side.
  private func sweep() {
    let now = Self.now()
    table.withLock { table in
      guard !table.stopped else { return }
      for (key, tracked) in table.connections {
        let expired: Bool
        switch tracked.phase {
        case .awaitingHead:
          expired = now - tracked.since > limits.headerTimeout || Self.peerClosed(tracked.socket)
        case .receivingBody: expired = now - tracked.since > limits.bodyTimeout
        case .answering: expired = false
        }
        if expired {
          Self.close(tracked.socket)
          table.connections[key] = nil
        }
      }
    }
  }

  /// Whether the peer has closed its side: a non-blocking peek reads end-of-file.
  private static func peerClosed(_ socket: Int32) -> Bool {
    var byte: UInt8 = 0
    return recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
  }

  /// Ends the connection; libmicrohttpd notices, closes it and reports it closed.
  private static func close(_ socket: Int32) {
    _ = shutdown(socket, Int32(SHUT_RDWR))
  }
}

// The table is behind its lock; `limits` is immutable; the timer is only cancelled (thread-safe).
extension ConnectionGuard: @unchecked Sendable {}
