import DXWire
import Foundation

/// One HTTP request on a connection, from its headers to the moment libmicrohttpd is done with it.
///
/// The daemon creates it on the first access-handler call, fills the body as it arrives, and hands it
/// to the request handler once the body is complete. The handler keeps whatever it needs to continue
/// after a suspension (a delay or asynchronous work) in ``handlerContext``; the daemon never reads it.
///
/// Its mutable properties are only used by the thread running the connection's libmicrohttpd
/// callbacks, one callback at a time (what another thread hands over goes through ``withHandoff(_:)``),
/// so they skip the runtime's exclusivity checks (`@exclusivity(unchecked)`): each check is a call into
/// the runtime and a thread-local lookup, and a request made about ten of them.
final class HTTPExchange {
  /// Where a suspended exchange is, and what the asynchronous work produced; guarded by `handoff`.
  struct Handoff: Sendable {
    /// The libmicrohttpd connection (as a bit pattern) while suspended, else 0.
    var suspendedConnection: UInt = 0
    /// The plan the asynchronous work produced, if it finished.
    var plan: DXMockWirePlan?
    /// Set when the server gave up waiting (shutdown): the handler answers 503 instead.
    var cancelled = false
  }

  /// The request's head as it arrived (no body yet); ``completeRequest()`` puts the body into this
  /// same value, so the request the handler gets is built once.
  @exclusivity(unchecked) private var head: DXMockRequest
  /// Whether ``head`` holds the body (``completeRequest()`` ran).
  @exclusivity(unchecked) private var complete = false

  /// The upper-case method.
  var method: String { head.method }
  /// The path (no query), as libmicrohttpd decoded it.
  var path: String { head.path }
  /// The `X-Request-ID` this request's response carries.
  var requestID: String { head.requestID }
  /// The header fields, in order.
  var headers: DXHTTPHeaders { head.headers }
  /// The query arguments, in order.
  var query: [(name: String, value: String)] { head.query }
  /// The peer's IP address.
  var remoteAddress: String { head.remoteAddress }
  /// The `Content-Length` the client declared, if any.
  let declaredLength: Int?

  /// The body received so far (emptied once it exceeds the limit).
  @exclusivity(unchecked) var body = RequestBody()
  /// Whether the body exceeded the server's limit (the rest is read and discarded).
  @exclusivity(unchecked) var bodyTooLarge = false
  /// The largest body accepted for this request (``HTTPRequestHandler/bodyLimit(path:)``).
  @exclusivity(unchecked) var bodyLimit = Int.max
  /// Why the request head cannot be served (conflicting framing, too many query arguments): the
  /// handler answers it with this status and closes the connection.
  @exclusivity(unchecked) var headProblem: HeadProblem?
  /// The request handler's own state for this request (`nil` until the handler sets it).
  @exclusivity(unchecked) var handlerContext: AnyObject?
  /// Whether a plan was put on the wire (or the connection dropped on purpose).
  @exclusivity(unchecked) var delivered = false
  /// What the handler asked for while the body arrives (reset after some bytes, a rate limit), or
  /// `nil` (the usual case).
  @exclusivity(unchecked) var receiveLimits: HTTPReceiveLimits?
  /// Whether the response went out paced (its end is then worth reporting).
  @exclusivity(unchecked) var pacedDelivery = false
  /// When the first body byte arrived (for a receive rate limit).
  @exclusivity(unchecked) var receiveStarted: ContinuousClock.Instant?

  /// What a suspended exchange hands over between threads: written by the timer or backend thread
  /// that resumes it. Behind a pthread mutex (``DXLock``), which ThreadSanitizer sees:
  /// `Synchronization.Mutex` waits on a futex it cannot follow on Linux, and `make test-tsan`
  /// reported every access it guarded.
  ///
  /// Created by the first ``withHandoff(_:)``, which is always on the connection's thread before the
  /// exchange reaches another one (a hand-off starts with the connection's suspension, which writes
  /// it; a paced response reads it there): a request that is never suspended allocates no lock.
  @exclusivity(unchecked) private var handoff: DXLock<Handoff>?

  /// Runs `body` with exclusive access to the exchange's ``Handoff``.
  func withHandoff<Result>(_ body: (inout Handoff) -> Result) -> Result {
    if let handoff { return handoff.withLock(body) }
    let created = DXLock(Handoff())
    handoff = created
    return created.withLock(body)
  }

  /// A request head the server refuses before reading the body.
  struct HeadProblem: Sendable, Equatable {
    /// The HTTP status to answer (400).
    var status: Int
    /// What is wrong, for the error body.
    var message: String
  }

  init(
    method: String, path: String, requestID: String, headers: DXHTTPHeaders,
    query: [(name: String, value: String)], remoteAddress: String, declaredLength: Int?
  ) {
    self.head = DXMockRequest(
      method: method, path: path, query: query, headers: headers, remoteAddress: remoteAddress,
      requestID: requestID)
    self.declaredLength = declaredLength
  }

  /// The request before its body (for decisions taken from the head).
  var requestHead: DXMockRequest { head }

  /// The request as the handler sees it (complete on first use, after the body is in).
  func completeRequest() -> DXMockRequest {
    if complete { return head }
    complete = true
    let (data, md5) = body.finish()
    // The head's storage is the exchange's alone until now: the body goes in without a copy.
    head.body = data
    head.bodyMD5 = md5
    return head
  }

  /// The plan produced while suspended, if any (taken once).
  func takeAwaitedPlan() -> (plan: DXMockWirePlan?, cancelled: Bool) {
    withHandoff { state in
      let plan = state.plan
      state.plan = nil
      return (plan, state.cancelled)
    }
  }
}

// Every stored property except `handoff` is read and written only on the thread running the
// connection's libmicrohttpd callbacks (one at a time per connection; a resumed connection is handed
// back through libmicrohttpd's own mutex). `handoff` is the only state shared with other threads: the
// lock object is stored once, on that thread, before any other thread can reach the exchange, and
// what it guards is read and written only inside it (``withHandoff(_:)``).
extension HTTPExchange: @unchecked Sendable {}
