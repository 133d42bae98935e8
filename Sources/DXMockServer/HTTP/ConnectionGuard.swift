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
///
/// Each connection's phase lives in its own ``GuardedConnection``, which the daemon keeps in
/// libmicrohttpd's socket context: a request's phase changes touch only that record (no lock, no
/// look-up); the guard's lock covers its list of connections (opened, closed, swept).
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

  private struct Table {
    /// The tracked connections, in no order (a closed one is swapped with the last).
    var connections: [GuardedConnection] = []
    var stopped = false

    mutating func remove(_ connection: GuardedConnection) {
      let index = connection.index
      guard index >= 0, index < connections.count, connections[index] === connection else { return }
      let last = connections.removeLast()
      if index < connections.count {
        connections[index] = last
        last.index = index
      }
      connection.index = -1
    }
  }

  let limits: Limits
  private let table = DXLock(Table())
  private let timer: DispatchSourceTimer?

  /// Creates the guard; with `sweeping` false no timer runs (tests call ``sweep(now:)`` themselves).
  init(limits: Limits, sweeping: Bool = true) {
    self.limits = limits
    guard sweeping else {
      timer = nil
      return
    }
    let shortest = max(0.05, min(limits.headerTimeout, limits.bodyTimeout))
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "dxmockserver.connection-guard"))
    self.timer = timer
    let interval = min(1, shortest / 4)
    timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(20))
    timer.setEventHandler { [weak self] in self?.sweep(now: GuardedConnection.now()) }
    timer.resume()
  }

  deinit { timer?.cancel() }

  /// Counts of the tracked connections (for tests).
  var openConnections: Int { table.withLock { $0.connections.count } }

  /// Stops sweeping (the daemon is stopping).
  func stop() {
    timer?.cancel()
    table.withLock { $0.stopped = true }
  }

  // MARK: - Events

  /// A connection was opened; makes room when the limit is near. The caller keeps the returned record
  /// (in libmicrohttpd's socket context) and reports its phases on it.
  func opened(socket: Int32, now: UInt64 = GuardedConnection.now()) -> GuardedConnection {
    let connection = GuardedConnection(socket: socket, now: now)
    table.withLock { table in
      connection.index = table.connections.count
      table.connections.append(connection)
      guard table.connections.count > limits.connectionLimit - limits.reserve else { return }
      // The oldest connection waiting for a request goes first.
      var oldest: (connection: GuardedConnection, since: UInt64)?
      for other in table.connections where other !== connection {
        let (phase, since) = other.current
        if phase == .awaitingHead, since < oldest?.since ?? .max { oldest = (other, since) }
      }
      if let oldest {
        Self.close(oldest.connection.socket)
        table.remove(oldest.connection)
      }
    }
    return connection
  }

  /// A connection was closed (before libmicrohttpd closes its socket).
  func closed(_ connection: GuardedConnection) {
    table.withLock { $0.remove(connection) }
  }

  // MARK: - Sweeping

  /// Closes connections past their phase's timeout and idle connections whose client closed its side;
  /// `now` in milliseconds from ``GuardedConnection/now()``. Returns how many it closed.
  @discardableResult
  func sweep(now: UInt64) -> Int {
    let headerMs = Self.milliseconds(limits.headerTimeout)
    let bodyMs = Self.milliseconds(limits.bodyTimeout)
    return table.withLock { table in
      guard !table.stopped else { return 0 }
      var expired: [GuardedConnection] = []
      for connection in table.connections {
        let (phase, since) = connection.current
        let age = now >= since ? now - since : 0
        switch phase {
        case .awaitingHead:
          if age > headerMs || Self.peerClosed(connection.socket) { expired.append(connection) }
        case .receivingBody:
          if age > bodyMs { expired.append(connection) }
        case .answering:
          break
        }
      }
      for connection in expired {
        Self.close(connection.socket)
        table.remove(connection)
      }
      return expired.count
    }
  }

  /// `seconds` as whole milliseconds (a negative or NaN timeout is 0, a huge one the largest).
  static func milliseconds(_ seconds: Double) -> UInt64 {
    guard seconds > 0 else { return 0 }
    let value = seconds * 1000
    return value >= 1.8e19 ? .max : UInt64(value)
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
