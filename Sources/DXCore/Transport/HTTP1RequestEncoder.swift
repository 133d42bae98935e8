import NIOCore
import NIOHTTP1

/// The request side of a pooled HTTP/1.1 connection, in place of SwiftNIO's `HTTPRequestEncoder`: a
/// head becomes one buffer (request line, the fields in order, the empty line), and a body part that
/// follows it before the next flush is appended to that buffer, so a small request is a single write
/// to the socket.
///
/// It writes the head as given: the pool has already checked every field (``DXLiveTransport``'s
/// `headerProblem`: names are tokens, values hold no line break, NUL or other control character but a
/// tab) and set the framing (`Content-Length`, never chunked), so nothing is checked, added or removed
/// here. Body parts go out as they are and `.end` adds no bytes (trailers are not sent: a body framed by
/// `Content-Length` has none), as NIO's encoder does with a `Content-Length`. Measured reason for
/// replacing NIO's: its encoder cost ~20,300 instructions per small request, a third of them in four
/// `ByteBuffer` writes per field, and wrote head, body and end as three writes (docs/performance.md).
///
/// The response decoder next to it in the pipeline is inbound only: ``HTTP1ExchangeHandler`` hands it
/// each `.head` (it needs the request's method to know whether a response has a body) before writing
/// the head here, so the parts come straight from the exchange handler.
final class HTTP1RequestEncoder: ChannelOutboundHandler, RemovableChannelHandler {
  typealias OutboundIn = HTTPClientRequestPart
  typealias OutboundOut = IOData

  /// The largest body part copied into the head's buffer; a larger one is written after it as it is.
  static let defaultCoalescingLimit = 16 * 1024

  private let coalescingLimit: Int
  /// A head (and the body parts appended to it) not yet written, and the promises of those parts.
  private var pending: ByteBuffer?
  private var pendingPromise: EventLoopPromise<Void>?

  /// - Parameter coalescingLimit: the largest body part appended to its head's buffer (default
  ///   ``defaultCoalescingLimit``).
  init(coalescingLimit: Int = HTTP1RequestEncoder.defaultCoalescingLimit) {
    self.coalescingLimit = coalescingLimit
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch unwrapOutboundIn(data) {
    case .head(let head):
      writePending(context: context)
      let length = Self.encodedLength(of: head)
      var buffer = context.channel.allocator.buffer(capacity: length)
      Self.encode(head, length: length, into: &buffer)
      pending = buffer
      keep(promise)
    case .body(.byteBuffer(var part)) where pending != nil && part.readableBytes <= coalescingLimit:
      pending?.writeBuffer(&part)
      keep(promise)
    case .body(let part):
      writePending(context: context)
      context.write(wrapOutboundOut(part), promise: promise)
    case .end:
      if pending != nil {
        keep(promise)
        writePending(context: context)
      } else if let promise {
        // No bytes, but the promise must not complete before the writes ahead of it (as NIO's encoder).
        context.write(
          wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(capacity: 0))), promise: promise)
      }
    }
  }

  func flush(context: ChannelHandlerContext) {
    writePending(context: context)
    context.flush()
  }

  func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
    // Handed on, so the close fails its promise like any other write that was not flushed.
    writePending(context: context)
    context.close(mode: mode, promise: promise)
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    pending = nil
    if let promise = pendingPromise {
      pendingPromise = nil
      promise.fail(ChannelError.ioOnClosedChannel)
    }
  }

  private func keep(_ promise: EventLoopPromise<Void>?) {
    guard let promise else { return }
    if let earlier = pendingPromise {
      earlier.futureResult.cascade(to: promise)
    } else {
      pendingPromise = promise
    }
  }

  private func writePending(context: ChannelHandlerContext) {
    guard let buffer = pending else { return }
    let promise = pendingPromise
    pending = nil
    pendingPromise = nil
    context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
  }

  // MARK: - The head's bytes

  /// The number of bytes ``encode(_:length:into:)`` writes for `head`.
  static func encodedLength(of head: HTTPRequestHead) -> Int {
    // "METHOD SP target SP version CRLF", then "name: value CRLF" per field, then CRLF.
    var length =
      head.method.rawValue.utf8.count + 1 + head.uri.utf8.count + 1 + versionLength(head.version) + 2
    for (name, value) in head.headers {
      length += name.utf8.count + 2 + value.utf8.count + 2
    }
    return length + 2
  }

  /// Writes `head` as HTTP/1.1 puts it on the wire, its fields in their order, in one pass over the
  /// buffer's memory; `length` is ``encodedLength(of:)``'s (worked out once per head).
  static func encode(_ head: HTTPRequestHead, length: Int, into buffer: inout ByteBuffer) {
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { memory in
      var writer = HeadWriter(memory: memory)
      writer.append(head.method.rawValue)
      writer.append(byte: UInt8(ascii: " "))
      writer.append(head.uri)
      writer.append(byte: UInt8(ascii: " "))
      if head.version == .http1_1 {
        writer.append("HTTP/1.1")
      } else {
        writer.append("HTTP/\(head.version.major).\(head.version.minor)")
      }
      writer.appendLineEnd()
      for (name, value) in head.headers {
        writer.append(name)
        writer.append(byte: UInt8(ascii: ":"))
        writer.append(byte: UInt8(ascii: " "))
        writer.append(value)
        writer.appendLineEnd()
      }
      writer.appendLineEnd()
      return writer.offset
    }
  }

  private static func versionLength(_ version: HTTPVersion) -> Int {
    version == .http1_1 ? 8 : "HTTP/\(version.major).\(version.minor)".utf8.count
  }

  /// Copies bytes into the writable memory that ``encode(_:length:into:)`` sized exactly.
  private struct HeadWriter {
    let memory: UnsafeMutableRawBufferPointer
    var offset = 0

    mutating func append(byte: UInt8) {
      memory[offset] = byte
      offset += 1
    }

    mutating func appendLineEnd() {
      append(byte: UInt8(ascii: "\r"))
      append(byte: UInt8(ascii: "\n"))
    }

    mutating func append(_ text: String) {
      let copied = text.utf8.withContiguousStorageIfAvailable { bytes in
        UnsafeMutableRawBufferPointer(rebasing: memory[offset..<(offset + bytes.count)])
          .copyMemory(from: UnsafeRawBufferPointer(bytes))
        return bytes.count
      }
      if let copied {
        offset += copied
      } else {
        for byte in text.utf8 { append(byte: byte) }
      }
    }
  }
}

@available(*, unavailable)
extension HTTP1RequestEncoder: Sendable {}
