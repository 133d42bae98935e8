import CMicroHTTPD
import DXWire
import Foundation

/// Owns one libmicrohttpd daemon: binds, serves through an ``HTTPRequestHandler``, drains and stops.
///
/// The daemon runs an internal epoll thread pool with `MHD_USE_TURBO` (so a reset fault is a real
/// RST), `MHD_ALLOW_SUSPEND_RESUME` (so delays and asynchronous backends never block a thread) and
/// `MHD_ALLOW_UPGRADE` (WebSockets: `dx watch`).
/// libmicrohttpd calls back through ``HTTPDaemonDriver``, passed as an `Unmanaged` context that is
/// released only after `MHD_stop_daemon` returned. This is the only file that calls `MHD_*` functions on
/// the daemon handle.
final class HTTPDaemon {
  /// How to bind and run.
  struct Options: Sendable {
    /// The IP address to bind (`"127.0.0.1"`, `"::1"`, `"0.0.0.0"`, `"::"`; `"localhost"` is
    /// 127.0.0.1).
    var host = "127.0.0.1"
    /// The port, 0 for a free one.
    var port = 0
    /// The size of libmicrohttpd's thread pool (1 = a single epoll thread).
    var threads = 2
    /// Seconds a connection may go without any traffic in any state (libmicrohttpd's own timeout;
    /// 0 = forever).
    var connectionTimeout = 120
    /// The connection limit and the per-state timeouts (``ConnectionGuard``).
    var limits = ConnectionGuard.Limits()
    /// The most query-string arguments a request may carry; more get 400 (libmicrohttpd would run
    /// out of connection memory storing them, and then not answer at all).
    var maxQueryArguments = 100
    /// The per-connection memory pool (the request head, the query's arguments and the read and write
    /// buffers, not the body): libmicrohttpd's own default, ``transferMemoryLimit``, unless set.
    /// libmicrohttpd 0.9.75 zeroes the pool between the requests of a keep-alive connection (two
    /// `memset`s, 49,000 of a whoami's instructions under callgrind at 32 KiB), so a larger pool costs
    /// every request; a head that does not fit is answered 431 by libmicrohttpd, a query that would
    /// not fit 414 by the server (half the pool, see ``HTTPDaemonDriver``).
    var connectionMemoryLimit = HTTPDaemon.transferMemoryLimit
    /// A PEM private key and certificate to speak HTTPS with (libmicrohttpd's GnuTLS), or `nil` for
    /// plain HTTP.
    var tls: (key: String, certificate: String)?
  }

  /// The pool of a port that serves file transfers: its read buffer is what each read of an upload
  /// gets (64 KiB did not speed uploads).
  static let transferMemoryLimit = 32 * 1024
  /// The pool of a port that serves only API calls: heads of up to about 150 typical header fields
  /// (libmicrohttpd answers 431 beyond) and queries of up to 8 KiB, and half the zeroing per request
  /// of ``transferMemoryLimit``.
  static let apiMemoryLimit = 16 * 1024

  /// The daemon's handle (`nil` once stopped) and whether it still listens, behind a lock.
  private struct Lifecycle {
    var handle: OpaquePointer?
    var listenSocketOpen = true
  }

  private let lifecycle = DXLock(Lifecycle())
  private let context: Unmanaged<HTTPDaemonDriver>
  private let driver: HTTPDaemonDriver

  /// The bound port.
  let port: Int

  /// Binds and starts serving; the socket accepts connections when this returns.
  /// - Throws: ``DXMockServerError`` when the address is invalid or cannot be bound.
  init(options: Options, handler: any HTTPRequestHandler) throws(DXMockServerError) {
    guard (0...65535).contains(options.port) else {
      throw .invalidConfiguration("the port must be from 0 to 65535, got \(options.port)")
    }
    let address = try SocketAddress(host: options.host, port: options.port)
    let driver = HTTPDaemonDriver(
      handler: handler, guard: ConnectionGuard(limits: options.limits),
      maxQueryArguments: options.maxQueryArguments, queryBudget: options.connectionMemoryLimit / 2)
    let context = Unmanaged.passRetained(driver)
    var flags =
      MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_TURBO.rawValue
      | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ITC.rawValue | MHD_ALLOW_UPGRADE.rawValue
    if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
    errno = 0
    let started: OpaquePointer? = address.withSockaddr { sockaddr in
      dx_mhd_start_daemon(
        flags, sockaddr, UInt32(clamping: max(1, options.threads)),
        { context, connection, url, method, version, uploadData, uploadSize, slot in
          guard let context, let connection else { return .NO }
          let driver = Unmanaged<HTTPDaemonDriver>.fromOpaque(context).takeUnretainedValue()
          return driver.access(
            HTTPConnection(handle: connection), url: url, method: method, version: version,
            uploadData: uploadData, uploadSize: uploadSize, slot: slot)
        },
        context.toOpaque(),
        { context, connection, slot, termination in
          guard let context else { return }
          let driver = Unmanaged<HTTPDaemonDriver>.fromOpaque(context).takeUnretainedValue()
          driver.completed(connection.map(HTTPConnection.init(handle:)), slot: slot, termination: termination)
        },
        context.toOpaque(),
        { context, connection, socketContext, code in
          guard let context, let connection else { return }
          let driver = Unmanaged<HTTPDaemonDriver>.fromOpaque(context).takeUnretainedValue()
          driver.connectionNotified(
            HTTPConnection(handle: connection), started: code == .CONNECTION_NOTIFY_STARTED,
            socketContext: socketContext)
        },
        context.toOpaque(),
        { context, uri, connection in
          guard let context, let uri, let connection else { return nil }
          let driver = Unmanaged<HTTPDaemonDriver>.fromOpaque(context).takeUnretainedValue()
          return driver.requestLine(uri: uri, connection: HTTPConnection(handle: connection))
        },
        context.toOpaque(),
        // libmicrohttpd stops accepting at its limit; the guard keeps room below it.
        UInt32(clamping: max(1, options.limits.connectionLimit)), options.connectionMemoryLimit,
        UInt32(clamping: max(0, options.connectionTimeout)),
        1024, options.tls?.key, options.tls?.certificate)
    }
    guard let started else {
      let reason = errno == 0 ? "libmicrohttpd could not start" : String(cString: strerror(errno))
      context.release()
      throw .bindFailed(host: options.host, port: options.port, reason: reason)
    }
    self.lifecycle.withLock { $0.handle = started }
    self.context = context
    self.driver = driver
    self.port = Int(dx_mhd_daemon_bind_port(started))
  }

  deinit { stop() }

  /// The number of requests received and not yet finished.
  var inFlight: Int { driver.inFlight }

  /// The number of open connections.
  var openConnections: Int { driver.connectionGuard.openConnections }

  /// Stops accepting new connections (the listening socket is closed); open connections keep working.
  func quiesce() {
    lifecycle.withLock { lifecycle in
      guard let handle = lifecycle.handle, lifecycle.listenSocketOpen else { return }
      lifecycle.listenSocketOpen = false
      let socket = MHD_quiesce_daemon(handle)
      if socket >= 0 { close(socket) }
    }
    // WebSocket sessions (`dx watch`) would otherwise hold the drain until its timeout.
    driver.closeUpgraded(waitingAtMost: 0)
  }

  /// Waits until no request is in flight, at most `timeout` seconds; then gives suspended requests
  /// (delays, slow backends) their final answer and waits a little more for them to be sent. Holds no
  /// thread while waiting.
  /// - Returns: Whether every request finished.
  @discardableResult
  func drain(timeout: Double) async -> Bool {
    if await driver.waitUntilIdle(seconds: timeout) { return true }
    driver.cancelSuspended()
    return await driver.waitUntilIdle(seconds: 1)
  }

  /// ``drain(timeout:)`` for synchronous callers; blocks the calling thread.
  @discardableResult
  func drainBlocking(timeout: Double) -> Bool {
    if driver.waitUntilIdleBlocking(seconds: timeout) { return true }
    driver.cancelSuspended()
    return driver.waitUntilIdleBlocking(seconds: 1)
  }

  /// Stops the daemon (closing every connection; libmicrohttpd joins its threads, so this blocks
  /// briefly) and releases the callback context; idempotent.
  func stop() {
    lifecycle.withLock { lifecycle in
      guard let handle = lifecycle.handle else { return }
      lifecycle.handle = nil
      // libmicrohttpd aborts if a connection is still suspended when it stops, and must get every
      // upgraded socket back first.
      driver.cancelSuspended()
      driver.closeUpgraded(waitingAtMost: 2)
      driver.connectionGuard.stop()
      MHD_stop_daemon(handle)
      context.release()
    }
  }
}

// The daemon handle is only used with `lifecycle`'s lock held; the driver is Sendable.
extension HTTPDaemon: @unchecked Sendable {}
