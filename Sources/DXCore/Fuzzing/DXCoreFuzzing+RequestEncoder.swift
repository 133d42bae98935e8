import NIOCore
import NIOEmbedded
import NIOHTTP1

extension DXCoreFuzzing {
  /// A request the fuzz input describes: a method, a target, valid header fields (token names, values
  /// without control characters, as `DXLiveTransport.headerProblem` lets through) and a body, with
  /// Content-Length last, as the pool builds them.
  package struct EncoderCase: Sendable {
    /// The method.
    package var method: String
    /// The request target.
    package var target: String
    /// The fields in order.
    package var fields: [(String, String)]
    /// The body, in the parts it is written in.
    package var parts: [[UInt8]]
    /// ``HTTP1RequestEncoder``'s coalescing limit.
    package var coalescingLimit: Int
    /// Whether the head is flushed on its own before the body (a streamed body).
    package var flushesHead: Bool
    /// Where the encoded bytes are cut in two for the decoder.
    package var split: Int
  }

  /// Random valid requests written by ``HTTP1RequestEncoder`` parse back through SwiftNIO's
  /// `HTTPRequestDecoder` to the same method, target, fields (order and case kept) and body.
  package static func requestEncoder(_ bytes: [UInt8]) {
    if let problem = requestEncoderProblem(encoderCase(bytes)) { preconditionFailure(problem) }
  }

  private static let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
  private static let commonNames = [
    "Authorization", "Content-Type", "Accept", "Accept-Encoding", "User-Agent", "X-Request-Id", "Host",
    "content-type", "DNAnexus-API", "Range", "Expect", "Cookie",
  ]
  private static let targetBytes = Array("abcXYZ019-._~!$&'()*+,;=:@/?%".utf8)
  private static let tokenBytes = Array(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8)
  private static let valueExtras = ["\u{E9}", "\u{1F600}", "\u{80}", "\u{FF}"]

  /// The request `bytes` describe (every input gives a valid one).
  package static func encoderCase(_ bytes: [UInt8]) -> EncoderCase {
    var input = bytes.makeIterator()
    func next() -> Int { Int(input.next() ?? 0) }
    let method = methods[next() % methods.count]
    var target = "/"
    for _ in 0..<(next() % 24) {
      target.unicodeScalars.append(UnicodeScalar(targetBytes[next() % targetBytes.count]))
    }
    var fields: [(String, String)] = []
    for _ in 0..<(next() % 12) {
      let choice = next()
      var name = ""
      if choice % 2 == 0 {
        name = commonNames[(choice / 2) % commonNames.count]
      } else {
        for _ in 0...(next() % 16) {
          name.unicodeScalars.append(UnicodeScalar(tokenBytes[next() % tokenBytes.count]))
        }
      }
      // The framing and upgrade fields are the transport's own (an Upgrade would end the parse).
      if DXLiveTransport.transportOwned(name) || DXHTTPHeaders.namesMatch(name, "Upgrade")
        || DXHTTPHeaders.namesMatch(name, "Connection")
      {
        name = "X-" + name
      }
      var value = ""
      let length = next() % 40
      for position in 0..<length {
        let byte = next()
        if byte >= 0xF0 {
          value += valueExtras[byte % valueExtras.count]
        } else if byte >= 0xE0, position > 0, position < length - 1 {
          // Spaces and tabs inside a value only: a parser drops them at either end.
          value += byte % 2 == 0 ? " " : "\t"
        } else {
          value.unicodeScalars.append(UnicodeScalar(UInt8(0x21 + byte % 94)))
        }
      }
      fields.append((name, value))
    }
    let limits = [0, 8, 64, HTTP1RequestEncoder.defaultCoalescingLimit]
    let coalescingLimit = limits[next() % limits.count]
    let flushesHead = next() % 4 == 0
    let split = next()
    var body: [UInt8] = []
    while let byte = input.next() { body.append(byte) }
    fields.append(("Content-Length", String(body.count)))
    // The body in up to three parts, cut where its first bytes say.
    var parts: [[UInt8]] = []
    var rest = body[...]
    while !rest.isEmpty, parts.count < 2 {
      let cut = Int(rest[rest.startIndex]) % (rest.count + 1)
      parts.append(Array(rest.prefix(cut)))
      rest = rest.dropFirst(cut)
    }
    if !rest.isEmpty { parts.append(Array(rest)) }
    return EncoderCase(
      method: method, target: target, fields: fields, parts: parts, coalescingLimit: coalescingLimit,
      flushesHead: flushesHead, split: split)
  }

  /// What differs between `request` and what SwiftNIO's request decoder reads from its encoding, or
  /// `nil`.
  package static func requestEncoderProblem(_ request: EncoderCase) -> String? {
    let encoder = EmbeddedChannel(handler: HTTP1RequestEncoder(coalescingLimit: request.coalescingLimit))
    defer { _ = try? encoder.finish() }
    let head = HTTPRequestHead(
      version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.target,
      headers: HTTPHeaders(request.fields))
    encoder.write(HTTPClientRequestPart.head(head), promise: nil)
    if request.flushesHead { encoder.flush() }
    for part in request.parts {
      encoder.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: part))), promise: nil)
    }
    let ended = encoder.eventLoop.makePromise(of: Void.self)
    encoder.write(HTTPClientRequestPart.end(nil), promise: ended)
    encoder.flush()
    var written = ByteBuffer()
    do {
      while var buffer = try encoder.readOutbound(as: ByteBuffer.self) { written.writeBuffer(&buffer) }
    } catch {
      return "reading the encoder's output failed: \(error)"
    }
    let endResult = DXLock<Result<Void, any Error>?>(nil)
    ended.futureResult.whenComplete { result in endResult.withLock { $0 = result } }
    guard case .success = endResult.withLock({ $0 }) else { return "the end's write promise did not succeed" }

    let decoder = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
    defer { _ = try? decoder.finish() }
    let cut = written.readableBytes == 0 ? 0 : request.split % (written.readableBytes + 1)
    let text = String(decoding: written.readableBytesView, as: UTF8.self)
    do {
      if let first = written.readSlice(length: cut) { try decoder.writeInbound(first) }
      try decoder.writeInbound(written)
    } catch {
      return "SwiftNIO's decoder refused \(text.debugDescription): \(error)"
    }
    var parsedHead: HTTPRequestHead?
    var body: [UInt8] = []
    var ends = 0
    do {
      while let part = try decoder.readInbound(as: HTTPServerRequestPart.self) {
        switch part {
        case .head(let head): parsedHead = head
        case .body(let buffer): body += buffer.readableBytesView
        case .end: ends += 1
        }
      }
    } catch {
      return "reading the decoder's output failed: \(error)"
    }
    guard let parsed = parsedHead, ends == 1 else { return "no whole request in \(text.debugDescription)" }
    if parsed.method.rawValue != request.method {
      return "method \(parsed.method.rawValue) in \(text.debugDescription)"
    }
    if parsed.uri != request.target { return "target \(parsed.uri) in \(text.debugDescription)" }
    let fields = parsed.headers.map { ($0.name, $0.value) }
    if fields.count != request.fields.count || !zip(fields, request.fields).allSatisfy({ $0 == $1 }) {
      return "fields \(fields) instead of \(request.fields) in \(text.debugDescription)"
    }
    if body != request.parts.flatMap({ $0 }) {
      return "a body of \(body.count) bytes in \(text.debugDescription)"
    }
    return nil
  }
}
