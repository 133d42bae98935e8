import CMicroHTTPD
import DXWire
import Foundation
import Synchronization

/// libmicrohttpd's callback context: turns the access-handler calls into ``HTTPExchange``s, drives the
/// request handler, suspends and resumes connections, and puts wire plans on the wire.
///
/// Everything here runs on libmicrohttpd's threads (nonisolated synchronous code), except the resume
/// after a delay or a backend, which may come from any thread.
final class HTTPDaemonDriver {
  private struct Counters {
    var suspended: [ObjectIdentifier: HTTPExchange] = [:]
    /// Upgraded connections whose session is still running.
    var upgraded: [ObjectIdentifier: WebSocketConnection] = [:]
  }

  let handler: any HTTPRequestHandler
  /// The connection limit and per-state timeouts.
  let connectionGuard: ConnectionGuard
  private let maxQueryArguments: Int
  /// The most bytes a query string may take in libmicrohttpd's connection pool: its own bytes and
  /// ``argumentRecordBytes`` for each argument.
  let queryBudget: Int
  private let counters = DXLock(Counters())
  /// Requests received and not yet finished (an atomic: every request counts itself in and out).
  private let inFlightCount = Atomic<Int>(0)
  private let timerQueue = DispatchQueue(label: "dxmockserver.delays", attributes: .concurrent)

  /// The request context of a request whose query string was refused (``requestLine(uri:connection:)``);
  /// never dereferenced.
  private static var tooManyArguments: UnsafeMutableRawPointer? {
    UnsafeMutableRawPointer(bitPattern: 0xD0_0001)
  }

  /// The request context of a request whose query string was too long for the pool; never
  /// dereferenced.
  private static var queryTooLong: UnsafeMutableRawPointer? {
    UnsafeMutableRawPointer(bitPattern: 0xD0_0002)
  }

  /// What one query argument takes in the pool besides its bytes (libmicrohttpd's header record,
  /// rounded up).
  static let argumentRecordBytes = 48

  /// Creates the driver; `queryBudget` bounds a query string's bytes plus ``argumentRecordBytes`` per
  /// argument (half the connection's memory pool: libmicrohttpd's head must fit beside it).
  init(
    handler: any HTTPRequestHandler, guard connectionGuard: ConnectionGuard, maxQueryArguments: Int,
    queryBudget: Int = 16 * 1024
  ) {
    self.handler = handler
    self.connectionGuard = connectionGuard
    self.maxQueryArguments = maxQueryArguments
    self.queryBudget = queryBudget
  }

  // MARK: - Connections

  /// libmicrohttpd opened (`started`) or is about to close a connection; `socketContext` is the
  /// connection's own pointer, which holds its ``GuardedConnection`` (retained) while it is open.
  func connectionNotified(
    _ connection: HTTPConnection, started: Bool,
    socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
  ) {
    guard let socketContext else { return }
    if started {
      let guarded = connectionGuard.opened(socket: connection.socket)
      socketContext.pointee = Unmanaged.passRetained(guarded).toOpaque()
    } else if let raw = socketContext.pointee {
      socketContext.pointee = nil
      connectionGuard.closed(Unmanaged<GuardedConnection>.fromOpaque(raw).takeRetainedValue())
    }
  }

  /// libmicrohttpd's URI-log callback: called with the request target (path and query) before the
  /// query is split into arguments; what it returns is the request's initial context.
  ///
  /// libmicrohttpd stores every argument in the connection's memory pool; many of them, or long ones,
  /// exhaust it, and 0.9.75 then neither answers nor closes (the error response it queues is
  /// overwritten by the next parsing state): with a 32 KiB pool, 100 arguments in a 27 KB query
  /// already did. A target with more than the allowed arguments, or whose query takes more than the
  /// ``queryBudget``, has its query cut off here (a NUL after the `?`, in libmicrohttpd's own
  /// writable read buffer, before it parses the arguments) and is marked, so the access handler
  /// answers 400 or 414 instead.
  func requestLine(uri: UnsafePointer<CChar>, connection: HTTPConnection) -> UnsafeMutableRawPointer? {
    guard let question = strchr(uri, Int32(UInt8(ascii: "?"))) else { return nil }
    let refusal = Self.refusal(query: question + 1, maxArguments: maxQueryArguments, budget: queryBudget)
    guard let refusal else { return nil }
    UnsafeMutablePointer(mutating: question + 1).pointee = 0
    return refusal == .tooManyArguments ? Self.tooManyArguments : Self.queryTooLong
  }

  /// Why a query string is refused.
  enum QueryRefusal: Equatable {
    case tooManyArguments, tooLong
  }

  /// Why the NUL-terminated `query` (what follows the `?`) is refused, or `nil` when it fits: more
  /// than `maxArguments` arguments, or more than `budget` bytes counting ``argumentRecordBytes`` per
  /// argument.
  static func refusal(query: UnsafePointer<CChar>, maxArguments: Int, budget: Int) -> QueryRefusal? {
    var arguments = 1
    var length = 0
    var cursor = query
    while cursor.pointee != 0 {
      if cursor.pointee == CChar(UInt8(ascii: "&")) { arguments += 1 }
      length += 1
      cursor += 1
    }
    if arguments > maxArguments { return .tooManyArguments }
    if length + arguments * argumentRecordBytes > budget { return .tooLong }
    return nil
  }

  /// Requests received and not yet finished.
  var inFlight: Int { inFlightCount.load(ordering: .acquiring) }

  // MARK: - Access handler

  /// The access handler: called once with the headers, then for each body chunk, then once with no
  /// data (and once more after each resume).
  func access(
    _ connection: HTTPConnection, url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?,
    version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>?,
    slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
  ) -> MHD_Result {
    guard let slot, let uploadSize else { return .NO }
    let initial = slot.pointee
    guard let existing = initial, existing != Self.tooManyArguments, existing != Self.queryTooLong else {
      let guarded = connection.guarded
      let head = Self.readHead(connection, guarded, method: method, url: url, version: version)
      let headers = head.headers
      let framing = head.framing
      let declared = framing.contentLength.flatMap(HTTPFieldValue.integer)
      let exchange = HTTPExchange(
        method: head.method, path: head.path, requestID: handler.makeRequestID(), headers: headers,
        query: connection.queryArguments(), remoteAddress: Self.peerAddress(connection, guarded),
        declaredLength: declared)
      slot.pointee = Unmanaged.passRetained(exchange).toOpaque()
      inFlightCount.add(1, ordering: .acquiringAndReleasing)
      if initial == Self.tooManyArguments {
        exchange.headProblem = .init(
          status: 400,
          message: "The request has more than \(maxQueryArguments) query-string arguments")
      } else if initial == Self.queryTooLong {
        exchange.headProblem = .init(
          status: 414,
          message:
            "The request's query string is too long: at most \(queryBudget) bytes, counting "
            + "\(Self.argumentRecordBytes) for each argument")
      }
      if exchange.headProblem == nil, let problem = framing.problem {
        exchange.headProblem = .init(status: 400, message: problem)
      }
      if exchange.headProblem != nil {
        // Answered before the body: libmicrohttpd then discards the body and closes the connection.
        guarded?.enter(.answering)
        return run(exchange, connection)
      }
      guarded?.enter(framing.expectsBody ? .receivingBody : .answering)
      exchange.bodyLimit = handler.bodyLimit(path: exchange.path)
      if let declared, declared > exchange.bodyLimit {
        exchange.bodyTooLarge = true
        // A client waiting for "100 Continue" gets its answer before sending the body; any other
        // client's body is read and discarded, so it sees the 413 instead of a broken pipe.
        if headers.first("expect")?.lowercased() == "100-continue" { return run(exchange, connection) }
      } else {
        exchange.body.reserve(
          expected: declared ?? 0,
          computeMD5: handler.digestsBody(method: exchange.method, path: exchange.path))
        if let limits = handler.receiveLimits(for: exchange) {
          exchange.receiveLimits = limits
          if limits.resetAfterBytes == 0 { return cutOff(exchange, connection) }
        }
      }
      return .YES
    }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(existing).takeUnretainedValue()
    let size = uploadSize.pointee
    if size > 0 {
      connection.guarded?.enter(.receivingBody)
      if !exchange.bodyTooLarge, let uploadData {
        // Over the limit, or more than the memory available: read the rest and discard it (413).
        if exchange.body.count + size > exchange.bodyLimit
          || !exchange.body.append(UnsafeRawBufferPointer(start: uploadData, count: size))
        {
          exchange.bodyTooLarge = true
          exchange.body.discard()
        }
      }
      uploadSize.pointee = 0
      if let limits = exchange.receiveLimits, !exchange.bodyTooLarge {
        if let cut = limits.resetAfterBytes, exchange.body.count >= cut {
          return cutOff(exchange, connection)
        }
        if let rate = limits.bytesPerSecond { throttleReceive(exchange, connection, rate: rate) }
      }
      return .YES
    }
    if exchange.delivered { return .YES }
    if exchange.receiveLimits?.resetAfterBytes != nil { return cutOff(exchange, connection) }
    connection.guarded?.enter(.answering)
    return run(exchange, connection)
  }

  /// The request head's method, path and fields, and the framing checks on them (one pass over the
  /// fields, which also finds the Content-Length), reusing the connection's last head
  /// (``GuardedConnection/lastHead``) where the bytes are the same: a keep-alive client repeats them.
  static func readHead(
    _ connection: HTTPConnection, _ guarded: GuardedConnection?, method: UnsafePointer<CChar>?,
    url: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?
  ) -> (
    method: String, path: String, headers: DXHTTPHeaders,
    framing: (problem: String?, expectsBody: Bool, contentLength: String?)
  ) {
    guard let memo = guarded?.lastHead else {
      let headers = connection.headers()
      let framing = HTTPFraming.inspect(headers: headers, version: version.map { String(cString: $0) } ?? "")
      return (
        method.map { String(cString: $0) } ?? "GET", url.map { String(cString: $0) } ?? "/", headers, framing
      )
    }
    /// `earlier` when `cString` has its bytes, else `cString`'s text (`absent` for `nil`).
    func text(_ cString: UnsafePointer<CChar>?, _ earlier: String, _ absent: String) -> String? {
      guard let cString else { return earlier == absent ? nil : absent }
      return HTTPFieldCollector.matches(earlier, cString) ? nil : String(cString: cString)
    }
    let (headers, unchanged) = connection.headers(reusing: memo.headers)
    let newVersion = text(version, memo.version, "")
    if let newVersion { memo.version = newVersion }
    let framing: (problem: String?, expectsBody: Bool, contentLength: String?)
    if unchanged, newVersion == nil, let known = memo.framing {
      framing = known
    } else {
      framing = HTTPFraming.inspect(headers: headers, version: memo.version)
      memo.framing = framing
      memo.headers = headers
    }
    if let newMethod = text(method, memo.method, "GET") { memo.method = newMethod }
    if let newPath = text(url, memo.path, "/") { memo.path = newPath }
    return (memo.method, memo.path, headers, framing)
  }

  /// The peer's address, formatted once per connection (kept in its guard record).
  private static func peerAddress(_ connection: HTTPConnection, _ guarded: GuardedConnection?) -> String {
    if let known = guarded?.peerAddress { return known }
    let address = connection.peerAddress()
    guarded?.peerAddress = address
    return address
  }

  /// Resets the connection of a request whose receive limit was reached.
  private func cutOff(_ exchange: HTTPExchange, _ connection: HTTPConnection) -> MHD_Result {
    exchange.delivered = true
    handler.cutOff(exchange)
    let armed = connection.armReset()
    handler.delivered(
      exchange,
      HTTPDelivery(status: nil, declaredBytes: nil, sentBytes: nil, outcome: armed ? .reset : .closed))
    return .NO
  }

  /// Pauses receiving when the body arrived faster than `rate` bytes per second.
  private func throttleReceive(_ exchange: HTTPExchange, _ connection: HTTPConnection, rate: Int) {
    let now = ContinuousClock.now
    let started = exchange.receiveStarted ?? now
    exchange.receiveStarted = started
    let elapsed = now - started
    let elapsedMs =
      Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
    let dueMs = Int(min(Double(Int.max / 2), Double(exchange.body.count) * 1000 / Double(rate)))
    if dueMs > elapsedMs { pause(exchange, connection, milliseconds: dueMs - elapsedMs) }
  }

  /// Suspends `exchange`'s connection and resumes it after `milliseconds` (without holding a thread).
  private func pause(_ exchange: HTTPExchange, _ connection: HTTPConnection, milliseconds: Int) {
    suspend(exchange, connection)
    // A timer source with no leeway: `asyncAfter` may coalesce wake-ups, which shows up as latency.
    let timer = DispatchSource.makeTimerSource(queue: timerQueue)
    timer.schedule(deadline: .now() + .milliseconds(max(0, milliseconds)), leeway: .nanoseconds(0))
    timer.setEventHandler { [self] in
      resume(exchange)
      timer.cancel()
    }
    timer.resume()
  }

  /// The request-completed callback: releases the exchange.
  func completed(
    _ connection: HTTPConnection?, slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    termination: MHD_RequestTerminationCode
  ) {
    connection?.guarded?.enter(.awaitingHead)
    guard let slot, let raw = slot.pointee else { return }
    slot.pointee = nil
    guard raw != Self.tooManyArguments, raw != Self.queryTooLong else { return }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(raw).takeRetainedValue()
    let reason: String
    switch termination {
    case .REQUEST_TERMINATED_COMPLETED_OK: reason = ""
    case .REQUEST_TERMINATED_TIMEOUT_REACHED: reason = "timeout"
    case .REQUEST_TERMINATED_DAEMON_SHUTDOWN: reason = "server shutdown"
    case .REQUEST_TERMINATED_CLIENT_ABORT: reason = "client closed the connection"
    default: reason = "connection closed before a response"
    }
    if !exchange.delivered {
      handler.abandoned(exchange, reason: reason)
    } else if !reason.isEmpty, exchange.pacedDelivery {
      handler.interrupted(exchange, reason: reason)
    }
    inFlightCount.subtract(1, ordering: .acquiringAndReleasing)
  }

  // MARK: - Steps

  private func run(_ exchange: HTTPExchange, _ connection: HTTPConnection) -> MHD_Result {
    switch handler.process(exchange) {
    case .send(let plan):
      return deliver(plan, exchange, connection)
    case .sleep(let milliseconds):
      pause(exchange, connection, milliseconds: milliseconds)
      return .YES
    case .upgrade(let headers, let session):
      return upgrade(exchange, connection, headers: headers, session: session)
    case .await(let work):
      suspend(exchange, connection)
      // On the backends' own threads, not Swift's cooperative pool (see ``BackendExecutor``).
      Task.detached(executorPreference: BackendExecutor.shared) { [self] in
        let plan = await work()
        exchange.withHandoff { $0.plan = plan }
        resume(exchange)
      }
      return .YES
    }
  }

  private func suspend(_ exchange: HTTPExchange, _ connection: HTTPConnection) {
    connection.suspend()
    exchange.withHandoff { $0.suspendedConnection = connection.bitPattern }
    counters.withLock { $0.suspended[ObjectIdentifier(exchange)] = exchange }
  }

  /// Resumes `exchange`'s connection if it is still suspended (only the first call does anything).
  private func resume(_ exchange: HTTPExchange) {
    let bits = exchange.withHandoff { state in
      let bits = state.suspendedConnection
      state.suspendedConnection = 0
      return bits
    }
    guard bits != 0 else { return }
    counters.withLock { _ = $0.suspended.removeValue(forKey: ObjectIdentifier(exchange)) }
    HTTPConnection.resume(bitPattern: bits)
  }

  /// Answers `101 Switching Protocols` and, once libmicrohttpd hands the socket over, runs `session` on
  /// a thread of its own; the socket goes back to libmicrohttpd when the session returns.
  private func upgrade(
    _ exchange: HTTPExchange, _ connection: HTTPConnection, headers: DXHTTPHeaders,
    session: @escaping @Sendable (WebSocketConnection) -> Void
  ) -> MHD_Result {
    exchange.delivered = true
    let response = HTTPResponse.upgrade { [self] socket, handle, extra in
      let channel = WebSocketConnection(socket: socket, handle: handle, extra: extra)
      counters.withLock { $0.upgraded[ObjectIdentifier(channel)] = channel }
      let thread = Thread { [self] in
        session(channel)
        channel.release()
        counters.withLock { _ = $0.upgraded.removeValue(forKey: ObjectIdentifier(channel)) }
      }
      thread.name = "dxmockserver.websocket"
      thread.start()
    }
    guard let response else {
      handler.delivered(
        exchange, HTTPDelivery(status: nil, declaredBytes: nil, sentBytes: nil, outcome: .failed))
      return .NO
    }
    for field in headers.fields { response.addHeader(field.name, field.value) }
    response.addHeader("X-Request-ID", exchange.requestID)
    guard connection.queue(response, status: 101) else {
      handler.delivered(
        exchange, HTTPDelivery(status: nil, declaredBytes: nil, sentBytes: nil, outcome: .failed))
      return .NO
    }
    handler.delivered(
      exchange, HTTPDelivery(status: 101, declaredBytes: nil, sentBytes: 0, outcome: .responded))
    return .YES
  }

  /// Ends every running upgraded session and waits (at most `seconds`) until each gave its socket
  /// back: libmicrohttpd must not stop while it holds one.
  func closeUpgraded(waitingAtMost seconds: Double) {
    for channel in counters.withLock({ Array($0.upgraded.values) }) { channel.shutdown() }
    let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
    while counters.withLock({ !$0.upgraded.isEmpty }), ContinuousClock.now < deadline { usleep(2000) }
  }

  /// Resumes every suspended request with its cancellation flag set (used when stopping).
  func cancelSuspended() {
    let parked = counters.withLock { Array($0.suspended.values) }
    for exchange in parked {
      exchange.withHandoff { $0.cancelled = true }
      resume(exchange)
    }
  }

  /// Waits until no request is in flight, at most `seconds`, checking every 2 ms; blocks the calling
  /// thread (for synchronous callers only: the command's signal handler, `deinit`).
  func waitUntilIdleBlocking(seconds: Double) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, min(seconds, 86_400)) * 1000))
    while inFlight > 0 {
      if ContinuousClock.now >= deadline { return false }
      usleep(2000)
    }
    return true
  }

  /// Waits until no request is in flight, at most `seconds`, checking every 2 ms without holding a
  /// thread.
  func waitUntilIdle(seconds: Double) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, min(seconds, 86_400)) * 1000))
    while inFlight > 0 {
      if ContinuousClock.now >= deadline { return false }
      try? await Task.sleep(for: .milliseconds(2))
    }
    return true
  }

  // MARK: - Wire

  private func deliver(_ plan: DXMockWirePlan, _ exchange: HTTPExchange, _ connection: HTTPConnection)
    -> MHD_Result
  {
    exchange.delivered = true
    var delivery: HTTPDelivery
    let response: HTTPResponse?
    let status: Int
    switch plan {
    case .respond(let mock):
      status = mock.status
      response = Self.completeResponse(mock, requestID: exchange.requestID, reusing: connection.guarded)
      delivery = HTTPDelivery(
        status: mock.status, declaredBytes: mock.body.count, sentBytes: mock.body.count, outcome: .responded)
    case .truncate(let mock, let sendBytes):
      status = mock.status
      let sent = max(0, min(sendBytes, mock.body.count))
      response = HTTPResponse.truncated(mock.body, sendBytes: sent, socket: connection.socket)
      delivery = HTTPDelivery(
        status: mock.status, declaredBytes: mock.body.count, sentBytes: sent, outcome: .truncated)
      addHeaders(mock, exchange, to: response)
      // Sending the whole body is not a truncation on the wire; still end the connection as promised.
      if sent == mock.body.count { response?.addHeader("Connection", "close") }
    case .closeDelimited(let mock):
      status = mock.status
      response = HTTPResponse.closeDelimited(mock.body)
      delivery = HTTPDelivery(
        status: mock.status, declaredBytes: nil, sentBytes: mock.body.count, outcome: .closeDelimited)
      addHeaders(mock, exchange, to: response)
    case .reset:
      let armed = connection.armReset()
      handler.delivered(
        exchange,
        HTTPDelivery(status: nil, declaredBytes: nil, sentBytes: nil, outcome: armed ? .reset : .closed))
      return .NO
    case .empty:
      handler.delivered(
        exchange, HTTPDelivery(status: nil, declaredBytes: nil, sentBytes: nil, outcome: .closed))
      return .NO
    case .paced(let mock, let pacing):
      status = mock.status
      exchange.pacedDelivery = true
      response = HTTPResponse.paced(
        mock.body, pacing: pacing,
        pause: { [self] milliseconds in pause(exchange, connection, milliseconds: milliseconds) },
        cancelled: { exchange.withHandoff { $0.cancelled } })
      delivery = HTTPDelivery(
        status: mock.status, declaredBytes: mock.body.count, sentBytes: mock.body.count, outcome: .paced)
      addHeaders(mock, exchange, to: response)
    }
    if case .respond(let mock) = plan { delivery.retryAfter = mock.headers.first("retry-after") }
    guard let response, connection.queue(response, status: status) else {
      handler.delivered(
        exchange, HTTPDelivery(status: nil, declaredBytes: nil, sentBytes: nil, outcome: .failed))
      return .NO
    }
    handler.delivered(exchange, delivery)
    return .YES
  }

  /// The response's own headers (minus the ones the server controls), then `X-Request-ID` and
  /// `X-Content-Type-Options`.
  private func addHeaders(_ mock: DXMockResponse, _ exchange: HTTPExchange, to response: HTTPResponse?) {
    guard let response else { return }
    Self.addHeaders(mock, requestID: exchange.requestID, to: response)
  }

  private static func addHeaders(_ mock: DXMockResponse, requestID: String, to response: HTTPResponse) {
    for field in mock.headers.fields where !HTTPFieldName.isServerControlled(field.name) {
      response.addHeader(field.name, field.value)
    }
    response.addHeader(constant: "X-Request-ID", requestID)
    response.addHeader(constant: "X-Content-Type-Options", constant: "nosniff")
  }

  /// Whether `a` and `b` hold the same bytes (`Data`'s `==` costs ten times more on short bodies).
  static func sameBytes(_ a: Data, _ b: Data) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { a in
      b.withUnsafeBytes { b in
        guard let first = a.baseAddress, let second = b.baseAddress else { return true }
        return memcmp(first, second, a.count) == 0
      }
    }
  }

  /// The connection's last response when it was built from `mock`'s body and fields, with
  /// `requestID` in place of its own (kept in `last`, changed in place); otherwise `nil`, and `last`
  /// emptied.
  private static func reuse(
    _ last: inout GuardedConnection.SentResponse?, _ mock: DXMockResponse, requestID: String
  ) -> HTTPResponse? {
    // The record's fields are read through `last` (binding the whole record copied each of them:
    // six more reference counts a request).
    guard let response = last?.response, let oldID = last?.requestID,
      last.map({ sameBytes($0.body, mock.body) && $0.headers == mock.headers }) == true,
      response.overwriteHeader(constant: "X-Request-ID", oldID, with: requestID)
        || (response.removeHeader(constant: "X-Request-ID", oldID)
          && response.removeHeader(constant: "X-Content-Type-Options", "nosniff")
          && response.addHeader(constant: "X-Request-ID", requestID)
          && response.addHeader(constant: "X-Content-Type-Options", constant: "nosniff"))
    else {
      last = nil
      return nil
    }
    last?.requestID = requestID
    return response
  }

  /// A complete response for `mock` with the server's fields (``addHeaders(_:_:to:)``).
  ///
  /// When the connection's last complete response (``GuardedConnection/lastResponse``) was built from
  /// the same body and fields, that response is reused: only its `X-Request-ID` changes (written over
  /// the old one's bytes when both have the same length, as a connection's successive IDs have unless
  /// the server's sequence number gained a digit or wrapped around between them; otherwise removed
  /// and added back with `X-Content-Type-Options` after it, so that the fields keep their order). A
  /// client repeating one call then costs no libmicrohttpd response built, filled and destroyed per
  /// request.
  /// libmicrohttpd releases a connection's response before it reads the connection's next request,
  /// so the response is never changed while it is being sent. Bodies of ``HTTPResponse/sharedBodyThreshold``
  /// bytes or more are not kept.
  static func completeResponse(_ mock: DXMockResponse, requestID: String, reusing guarded: GuardedConnection?)
    -> HTTPResponse?
  {
    if let guarded, let reused = reuse(&guarded.lastResponse, mock, requestID: requestID) { return reused }
    guard let response = HTTPResponse.complete(mock.body) else { return nil }
    addHeaders(mock, requestID: requestID, to: response)
    if let guarded, mock.body.count < HTTPResponse.sharedBodyThreshold {
      guarded.lastResponse = GuardedConnection.SentResponse(
        response: response, body: mock.body, headers: mock.headers, requestID: requestID)
    }
    return response
  }
}

// `handler` is Sendable and immutable; `counters` is behind its lock, `inFlightCount` atomic;
// `timerQueue` is thread-safe.
extension HTTPDaemonDriver: @unchecked Sendable {}
