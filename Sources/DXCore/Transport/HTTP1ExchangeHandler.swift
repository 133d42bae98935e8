import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One request to put on a connection, and where its outcome goes.
struct HTTP1Exchange: Sendable {
  /// The request head (Host and Content-Length already set).
  var head: HTTPRequestHead
  /// The URL, for error messages.
  var url: String
  /// The body bytes (may be empty).
  var body: ByteBuffer
  /// Whether the body follows as ``HTTP1Write/body(_:)`` writes and an ``HTTP1Write/end`` (a streamed
  /// body) instead of ``body``.
  var streamsBody = false
  /// The time allowed without any bytes arriving before the exchange fails with a read timeout.
  var readTimeout: TimeAmount
  /// Completed with the response and whether the connection may carry another request.
  var promise: EventLoopPromise<HTTP1Outcome>
  /// Marked when the response head arrives, if the caller asked (``DXTransportTimingProbe``).
  var probe: DXTransportTimingProbe? = nil
}

/// What the pool writes to a connection: an exchange, then, for a streamed body, its chunks and end.
enum HTTP1Write: Sendable {
  /// A new request (and its whole body, unless it streams one).
  case exchange(HTTP1Exchange)
  /// The next chunk of a streamed body.
  case body(ByteBuffer)
  /// The end of a streamed body.
  case end
}

/// The connection was closed (or busy) before any byte of the request was written, so the request can
/// be sent again on another connection without the server having seen it.
struct HTTP1ConnectionUnusable: Error {}

/// A finished exchange.
struct HTTP1Outcome: Sendable {
  var response: DXTransportResponse
  /// `true` when the response ended cleanly on a keep-alive connection.
  var reusable: Bool
}

/// The last handler of a pooled HTTP/1.1 connection: writes one exchange at a time (head and body in
/// one flush, so a small request is one segment on the wire; a streamed body chunk by chunk as the
/// pool writes them), collects the response and reports what happened on the wire — a complete body,
/// a body cut short of its `Content-Length`, a body ended by the close, no reply at all, a reset, or a
/// read timeout. The read timeout counts from the last byte written or read.
///
/// Each head goes to the response decoder first (``HTTP1ResponseDecoder/observe(_:)``: the decoder
/// needs the method to know whether the response has a body), then to ``HTTP1RequestEncoder``, the
/// only outbound handler after this one. A whole body follows its head as one `.body` part, and no
/// `.end` is written for it: the encoder adds no bytes for an end, and the pool's flush writes what
/// the encoder holds. Two pipeline writes per small request instead of three, none through the decoder.
///
/// Per request it allocates as little as it can: the exchange in progress is a class updated in place
/// (not a struct copied out and back for every part that arrives), and the read-timeout timer is one
/// per connection, re-armed only when it fires during an exchange, not scheduled and cancelled for
/// every request.
final class HTTP1ExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias OutboundIn = HTTP1Write
  typealias OutboundOut = HTTPClientRequestPart

  private final class Pending {
    let exchange: HTTP1Exchange
    var head: HTTPResponseHead?
    var body = ByteBuffer()
    var lastActivity: NIODeadline

    init(exchange: HTTP1Exchange, now: NIODeadline) {
      self.exchange = exchange
      self.lastActivity = now
    }
  }

  /// The connection's response decoder, told each request head before it is written.
  private let decoder: HTTP1ResponseDecoder
  private var pending: Pending?
  /// The first error seen on the connection (a reset shows up here before the close).
  private var error: (any Error)?
  /// The connection's read-timeout timer and when it fires; `nil` when none is scheduled.
  private var timer: (task: Scheduled<Void>, deadline: NIODeadline)?

  init(decoder: HTTP1ResponseDecoder) {
    self.decoder = decoder
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch unwrapOutboundIn(data) {
    case .exchange(let exchange):
      start(exchange, context: context, promise: promise)
    case .body(let buffer):
      guard pending != nil else {
        promise?.fail(ChannelError.ioOnClosedChannel)
        return
      }
      pending?.lastActivity = .now()
      context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: tracked(promise, context))
    case .end:
      guard pending != nil else {
        promise?.fail(ChannelError.ioOnClosedChannel)
        return
      }
      pending?.lastActivity = .now()
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: tracked(promise, context))
    }
  }

  private func start(
    _ exchange: HTTP1Exchange, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?
  ) {
    guard pending == nil, context.channel.isActive else {
      // Nothing was written: the pool may safely try again on a new connection.
      exchange.promise.fail(HTTP1ConnectionUnusable())
      promise?.fail(ChannelError.ioOnClosedChannel)
      return
    }
    let now = NIODeadline.now()
    pending = Pending(exchange: exchange, now: now)
    armTimer(context: context, by: now + exchange.readTimeout)
    decoder.observe(exchange.head)
    if exchange.streamsBody {
      // The head alone; the pool writes the body chunks and the end as the body is produced.
      context.writeAndFlush(wrapOutboundOut(.head(exchange.head)), promise: tracked(promise, context))
      return
    }
    // The last part written carries the promise; the writer's flush (the pool's `writeAndFlush`)
    // sends both. (No `.end`: see the type's documentation.)
    guard exchange.body.readableBytes > 0 else {
      context.write(wrapOutboundOut(.head(exchange.head)), promise: tracked(promise, context))
      return
    }
    context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: tracked(promise, context))
  }

  /// The caller's write promise (a new one when it passed none), which also keeps the first write
  /// error (the peer reset or closed the connection) as the error to report.
  private func tracked(_ promise: EventLoopPromise<Void>?, _ context: ChannelHandlerContext)
    -> EventLoopPromise<Void>
  {
    let written = promise ?? context.eventLoop.makePromise(of: Void.self)
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    written.futureResult.whenFailure { error in
      if loopBound.value.error == nil { loopBound.value.error = error }
    }
    return written
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard let current = pending else {
      // Bytes nobody asked for (say a 408 before an idle close) would be taken for the next
      // request's response: this connection cannot be used again.
      context.close(promise: nil)
      return
    }
    current.lastActivity = .now()
    switch unwrapInboundIn(data) {
    case .head(let head):
      current.exchange.probe?.markHeadersReceived()
      current.head = head
    case .body(var buffer):
      if current.body.readableBytes == 0, current.body.capacity == 0 {
        if let capacity = Self.bodyCapacity(
          declared: current.head.flatMap(LiveResponseShape.declaredLength),
          firstPart: buffer.readableBytes)
        {
          // More is to come: one buffer of the declared size, not one regrown (and copied) as it fills.
          current.body = context.channel.allocator.buffer(capacity: capacity)
          current.body.writeBuffer(&buffer)
        } else {
          current.body = buffer  // the first part: kept as it is, no copy
        }
      } else {
        current.body.writeBuffer(&buffer)
      }
    case .end:
      guard let head = current.head else { return }
      let method = current.exchange.head.method.rawValue
      let bodyEnd = LiveResponseShape.bodyEnd(head, received: current.body.readableBytes, method: method)
      // A large body becomes `Data` over the buffer's own bytes (NIOFoundationCompat's heuristic: bodies
      // over 256 KiB are not copied); a small one is copied.
      let response = LiveResponseShape.response(head, body: Data(buffer: current.body), bodyEnd: bodyEnd)
      finish(.success(HTTP1Outcome(response: response, reusable: head.isKeepAlive && bodyEnd == .complete)))
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if self.error == nil { self.error = error }
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    if let current = pending {
      finish(Self.outcomeAfterClose(current, error: error))
    }
    timer?.task.cancel()
    timer = nil
    context.fireChannelInactive()
  }

  /// The largest body buffer reserved up front from a declared `Content-Length` (a larger body grows
  /// its buffer as it arrives): a peer's header alone never makes the client allocate more than this.
  static let reservedBodyLimit = 64 * 1024 * 1024

  /// The capacity to reserve for a body whose first part holds `firstPart` bytes of `declared`, or
  /// `nil` when the first part is the whole body, no length was declared, or it is out of range.
  static func bodyCapacity(declared: Int?, firstPart: Int) -> Int? {
    guard let declared, declared > firstPart, declared <= reservedBodyLimit else { return nil }
    return declared
  }

  // MARK: - Outcomes

  private func finish(_ result: Result<HTTP1Outcome, any Error>) {
    guard let current = pending else { return }
    pending = nil
    current.exchange.promise.completeWith(result)
  }

  /// The connection closed (or broke) before the response ended.
  private static func outcomeAfterClose(_ current: Pending, error: (any Error)?) -> Result<
    HTTP1Outcome, any Error
  > {
    guard let head = current.head else {
      if let error { return .failure(DXLiveErrorMapper.map(error, connected: true)) }
      return .failure(DXTransportError(.noResponse, message: "Remote end closed connection without response"))
    }
    // (A body-less response — HEAD, 1xx, 204, 304 — has already ended with its head.)
    if let truncated = LiveResponseShape.truncated(head, body: Data(current.body.readableBytesView)) {
      return .success(HTTP1Outcome(response: truncated, reusable: false))
    }
    let reason = error.map { String(describing: $0) } ?? "closed"
    return .failure(
      DXTransportError(.protocolError, message: "Connection broken after the response head: \(reason)"))
  }

  // MARK: - Read timeout

  /// Makes sure the timer fires by `deadline`: a timer already due by then stays (when it fires it
  /// re-arms itself for the exchange in progress), a later one is replaced.
  private func armTimer(context: ChannelHandlerContext, by deadline: NIODeadline) {
    if let timer {
      if timer.deadline <= deadline { return }
      timer.task.cancel()
    }
    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    let task = context.eventLoop.scheduleTask(deadline: deadline) {
      let (handler, context) = loopBound.value
      handler.timerFired(context: context)
    }
    timer = (task, deadline)
  }

  private func timerFired(context: ChannelHandlerContext) {
    timer = nil
    // Between exchanges (an idle pooled connection) nothing is timed; the next exchange arms again.
    guard let current = pending else { return }
    let timeout = current.exchange.readTimeout
    let deadline = current.lastActivity + timeout
    if deadline > .now() {
      armTimer(context: context, by: deadline)
      return
    }
    finish(
      .failure(
        DXTransportError.readTimeout("Read timed out. (read timeout exceeded) \(current.exchange.url)")))
    context.close(promise: nil)
  }
}
