import NIOCore
import NIOHTTP1

/// SwiftNIO's HTTP/1.1 response decoder on a pooled connection, told each request head by
/// ``HTTP1ExchangeHandler`` instead of watching the pipeline's writes.
///
/// The decoder must know each request's method: a response to HEAD has no body whatever its
/// Content-Length says. Wrapped directly in `ByteToMessageHandler`, it learns the method by observing
/// every outbound write, which makes the handler an outbound one that every part of every request
/// passes through (~7,900 instructions per request, a generic unwrap of each part included;
/// docs/performance.md). Through this wrapper, which does not observe writes, the handler is inbound
/// only, and the exchange handler hands the same decoder each head (``observe(_:)``) just before it
/// writes that head. The decoding itself is SwiftNIO's, unchanged.
struct HTTP1ResponseDecoder: ByteToMessageDecoder {
  typealias InboundOut = HTTPClientResponsePart

  /// SwiftNIO's decoder (a class: ``HTTP1ExchangeHandler`` holds the same instance).
  let decoder: HTTPResponseDecoder

  init(_ decoder: HTTPResponseDecoder) {
    self.decoder = decoder
  }

  /// Queues `head` as the request the next response answers (what `ByteToMessageHandler` does with
  /// each written head).
  func observe(_ head: HTTPRequestHead) {
    decoder.write(data: .head(head))
  }

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    try decoder.decode(context: context, buffer: &buffer)
  }

  mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
    -> DecodingState
  {
    try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
  }

  mutating func decoderAdded(context: ChannelHandlerContext) {
    decoder.decoderAdded(context: context)
  }

  mutating func decoderRemoved(context: ChannelHandlerContext) {
    decoder.decoderRemoved(context: context)
  }

  func shouldReclaimBytes(buffer: ByteBuffer) -> Bool {
    decoder.shouldReclaimBytes(buffer: buffer)
  }
}

@available(*, unavailable)
extension HTTP1ResponseDecoder: Sendable {}
