import DXWire
import Foundation

/// The request logic the daemon drives: the server's pipeline (admin API, journal, faults, platform).
///
/// The daemon calls it on libmicrohttpd's threads, one call at a time per request; ``process(_:)`` is
/// called again after every suspension it asked for.
protocol HTTPRequestHandler: AnyObject, Sendable {
  /// The largest body accepted for a request to `path`; a larger one is read, discarded and answered
  /// with 413.
  func bodyLimit(path: String) -> Int

  /// A new `X-Request-ID`, unique within the server.
  func makeRequestID() -> String

  /// Whether the daemon computes the MD5 of this request's body while it arrives (file uploads), and
  /// hands it over in ``DXMockRequest/bodyMD5``.
  func digestsBody(method: String, path: String) -> Bool

  /// What to do while the body of `exchange` arrives (asked once, from the request head), or `nil`
  /// to receive it normally.
  func receiveLimits(for exchange: HTTPExchange) -> HTTPReceiveLimits?

  /// Reports that the daemon is about to reset `exchange`'s connection because its
  /// ``HTTPReceiveLimits/resetAfterBytes`` were received (the body holds what arrived).
  func cutOff(_ exchange: HTTPExchange)

  /// Reports that a delivered response did not reach its end (the client went away during a paced
  /// or large body, or a timeout).
  func interrupted(_ exchange: HTTPExchange, reason: String)

  /// Decides the next step for a request whose body is complete (or known to be too large).
  func process(_ exchange: HTTPExchange) -> HTTPStep

  /// Reports what the daemon put on the wire for `exchange`.
  func delivered(_ exchange: HTTPExchange, _ delivery: HTTPDelivery)

  /// Reports that libmicrohttpd finished with `exchange` before anything was delivered (the client
  /// went away, a timeout, or the daemon stopped).
  func abandoned(_ exchange: HTTPExchange, reason: String)
}

/// What the daemon does while a request body arrives.
struct HTTPReceiveLimits: Sendable, Hashable {
  /// Reset the connection once this many body bytes arrived (or at the end of a shorter body).
  var resetAfterBytes: Int?
  /// Receive the body no faster than this.
  var bytesPerSecond: Int?
}

/// What to do next with a request.
enum HTTPStep: Sendable {
  /// Put the plan on the wire now.
  case send(DXMockWirePlan)
  /// Suspend the connection for the given milliseconds, then call ``HTTPRequestHandler/process(_:)``
  /// again.
  case sleep(milliseconds: Int)
  /// Suspend the connection, run `work` off libmicrohttpd's threads, hand its plan over through the
  /// exchange, then call ``HTTPRequestHandler/process(_:)`` again.
  case await(@Sendable () async -> DXMockWirePlan)
  /// Answer `101 Switching Protocols` with the headers, then run the session on its own thread with the
  /// upgraded connection (a WebSocket); the socket is released when the session returns.
  case upgrade(headers: DXHTTPHeaders, session: @Sendable (WebSocketConnection) -> Void)
}

/// What actually went on the wire for one request.
struct HTTPDelivery: Sendable, Hashable {
  /// How the exchange ended on the wire.
  enum Outcome: String, Sendable, Hashable {
    /// A complete response with an exact `Content-Length`.
    case responded
    /// A declared `Content-Length`, fewer body bytes, then a close.
    case truncated
    /// A response without `Content-Length`, ended by closing the connection.
    case closeDelimited
    /// A TCP reset, no response.
    case reset
    /// A clean close, no response.
    case closed
    /// libmicrohttpd refused the response; the connection was closed.
    case failed
    /// A complete response whose body goes out paced (trickle, stall, bandwidth).
    case paced
  }

  /// The status sent, or `nil` when no response was sent.
  var status: Int?
  /// The `Content-Length` declared, or `nil` when none was sent.
  var declaredBytes: Int?
  /// The body bytes handed to the wire, or `nil` when no response was sent.
  var sentBytes: Int?
  /// How it ended.
  var outcome: Outcome
  /// The response's `Retry-After` value, or `nil`.
  var retryAfter: String? = nil
}
