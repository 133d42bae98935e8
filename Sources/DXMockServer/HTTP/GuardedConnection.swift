import DXWire
import Foundation
import Synchronization

/// One open connection as the ``ConnectionGuard`` sees it: its socket, its phase and since when.
///
/// libmicrohttpd keeps a retained reference in the connection's socket context from the moment it
/// reports the connection opened until it reports it closed, so the per-request path reaches it
/// without a look-up or a lock: a phase change is one coarse monotonic clock read and one atomic
/// store (phase and time packed in one word), which the guard's sweeper reads from its own thread.
/// Its other mutable properties each have one owner (the guard's lock, or the connection's thread,
/// as each says) and skip the runtime's exclusivity checks (`@exclusivity(unchecked)`), as
/// ``HTTPExchange``'s do.
final class GuardedConnection {
  /// Where the connection is in its request cycle.
  enum Phase: UInt64, Sendable {
    /// Just opened, or between the requests of a keep-alive connection.
    case awaitingHead = 0
    /// A request head arrived and its body is being received.
    case receivingBody = 1
    /// The handler has the request, or the response is being sent.
    case answering = 2
  }

  /// The connection's socket.
  let socket: Int32
  /// The phase in the low 2 bits, the milliseconds (``now()``) it began above them.
  private let state: Atomic<UInt64>
  /// The position in the guard's list, or -1 once the guard stopped tracking it; only read and
  /// written under the guard's lock.
  @exclusivity(unchecked) var index = -1
  /// The peer's address text, formatted on first use; only used by the thread running the
  /// connection's libmicrohttpd callbacks (one at a time per connection).
  @exclusivity(unchecked) var peerAddress: String?
  /// The connection's last request head, as read (``HeadMemo``); only used by the thread running the
  /// connection's libmicrohttpd callbacks.
  let lastHead = HeadMemo()

  /// A request head's text and the framing checks made on it, changed in place from request to
  /// request: the next head on the connection reuses the strings whose bytes are the same, and the
  /// checks when its version and fields all are (they depend on nothing else).
  final class HeadMemo {
    @exclusivity(unchecked) var method = ""
    @exclusivity(unchecked) var path = ""
    @exclusivity(unchecked) var version = ""
    @exclusivity(unchecked) var headers = DXHTTPHeaders()
    /// ``HTTPFraming/inspect(headers:version:)`` of `headers` and `version`; `nil` before the first head.
    @exclusivity(unchecked) var framing: (problem: String?, expectsBody: Bool, contentLength: String?)?
  }

  /// The last complete response put on the connection, for the next request to reuse
  /// (``HTTPDaemonDriver/completeResponse(_:requestID:reusing:)``); only used by the thread running
  /// the connection's libmicrohttpd callbacks.
  @exclusivity(unchecked) var lastResponse: SentResponse?

  /// A complete response as it was built, and what it was built from.
  struct SentResponse {
    /// The libmicrohttpd response (which libmicrohttpd releases before the connection's next request).
    var response: HTTPResponse
    var body: Data
    /// The response's own fields (before the server's were added).
    var headers: DXHTTPHeaders
    /// The `X-Request-ID` it carries.
    var requestID: String
  }

  init(socket: Int32, now: UInt64) {
    self.socket = socket
    self.state = Atomic(Self.pack(.awaitingHead, now))
  }

  /// Milliseconds from a coarse monotonic clock (a vDSO read of the kernel's tick, no system call):
  /// exact to a few milliseconds, far below any timeout the guard enforces.
  static func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
    return UInt64(time.tv_sec) &* 1000 &+ UInt64(time.tv_nsec / 1_000_000)
  }

  /// Enters `phase` at `now` (milliseconds from ``now()``); receiving more body bytes restarts the
  /// body's clock.
  func enter(_ phase: Phase, at now: UInt64 = GuardedConnection.now()) {
    state.store(Self.pack(phase, now), ordering: .relaxed)
  }

  /// The current phase and the milliseconds it began at.
  var current: (phase: Phase, since: UInt64) {
    let word = state.load(ordering: .relaxed)
    return (Phase(rawValue: word & 3) ?? .answering, word >> 2)
  }

  private static func pack(_ phase: Phase, _ now: UInt64) -> UInt64 { now << 2 | phase.rawValue }
}

// `socket` is immutable, `state` atomic; `index` is only touched under the guard's lock, and
// `peerAddress`, `lastHead` and `lastResponse` only on the connection's libmicrohttpd thread.
extension GuardedConnection: @unchecked Sendable {}
