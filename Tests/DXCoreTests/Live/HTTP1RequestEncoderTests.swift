import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing

@testable import DXCore

@Suite("HTTP1RequestEncoder — the pooled connection's request bytes")
struct HTTP1RequestEncoderTests {
  /// What `parts` become on the wire, one string per write to the socket, through `encoder` (written
  /// in order, then one flush; `flushAfterHead` flushes the head on its own, as a streamed body does).
  static func writes(
    _ parts: [HTTPClientRequestPart], encoder: any ChannelHandler = HTTP1RequestEncoder(),
    flushAfterHead: Bool = false
  ) throws -> [[UInt8]] {
    let channel = EmbeddedChannel(handler: encoder)
    defer { _ = try? channel.finish() }
    for part in parts {
      channel.write(part, promise: nil)
      if flushAfterHead, case .head = part { channel.flush() }
    }
    channel.flush()
    var writes: [[UInt8]] = []
    while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
      writes.append(Array(buffer.readableBytesView))
    }
    return writes
  }

  static func head(_ method: HTTPMethod, _ uri: String, _ fields: [(String, String)]) -> HTTPRequestHead {
    HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(fields))
  }

  static func text(_ writes: [[UInt8]]) -> String { String(decoding: writes.flatMap { $0 }, as: UTF8.self) }

  @Test(
    "GET, POST and PUT without a body: the head, byte for byte, in one write",
    arguments: ["GET", "POST", "PUT"])
  func withoutBody(method: String) throws {
    let head = Self.head(
      HTTPMethod(rawValue: method), "/system/whoami?x=1",
      [("Accept", "*/*"), ("Host", "127.0.0.1:8080"), ("Content-Length", "0")])
    let writes = try Self.writes([.head(head), .end(nil)])
    #expect(writes.count == 1)
    #expect(
      Self.text(writes)
        == "\(method) /system/whoami?x=1 HTTP/1.1\r\nAccept: */*\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\n\r\n"
    )
  }

  @Test("GET, POST and PUT with a body: head and body in one write", arguments: ["GET", "POST", "PUT"])
  func withBody(method: String) throws {
    let body = #"{"project":"project-1"}"#
    let head = Self.head(
      HTTPMethod(rawValue: method), "/file-1/describe",
      [("Content-Type", "application/json"), ("Host", "h"), ("Content-Length", "\(body.utf8.count)")])
    let writes = try Self.writes([.head(head), .body(.byteBuffer(ByteBuffer(string: body))), .end(nil)])
    #expect(writes.count == 1)
    #expect(
      Self.text(writes)
        == "\(method) /file-1/describe HTTP/1.1\r\nContent-Type: application/json\r\nHost: h\r\n"
        + "Content-Length: 23\r\n\r\n" + body)
  }

  @Test("fields go out in their order, with their case, repeated names repeated; values as UTF-8")
  func fieldOrder() throws {
    let fields = [
      ("X-B", "2"), ("x-a", "1"), ("X-B", "3"), ("HOST", "example.test:81"), ("X-Note", "caf\u{E9}\ta b"),
      ("X-Empty", ""), ("Content-Length", "0"),
    ]
    let writes = try Self.writes([.head(Self.head(.DELETE, "/a/b", fields)), .end(nil)])
    #expect(
      Self.text(writes)
        == "DELETE /a/b HTTP/1.1\r\nX-B: 2\r\nx-a: 1\r\nX-B: 3\r\nHOST: example.test:81\r\n"
        + "X-Note: caf\u{E9}\ta b\r\nX-Empty: \r\nContent-Length: 0\r\n\r\n")
    #expect(HTTP1RequestEncoder.encodedLength(of: Self.head(.DELETE, "/a/b", fields)) == writes[0].count)
  }

  @Test(
    "the pool's head: the caller's fields, then Host (IPv6 bracketed, port) and Content-Length; none for TRACE"
  )
  func poolHead() throws {
    let pool = HTTP1ConnectionPool(group: MultiThreadedEventLoopGroup.singleton, idleTimeout: .seconds(1))
    let target = try #require(pool.target(for: "http://[::1]:8124/system/whoami?a=b"))
    let head = HTTP1ConnectionPool.head(
      method: "POST", target: target, fields: [("Authorization", "Bearer t"), ("X-A", "1")], contentLength: 12
    )
    #expect(head.uri == "/system/whoami?a=b")
    #expect(
      head.headers.map { "\($0.name): \($0.value)" } == [
        "Authorization: Bearer t", "X-A: 1", "Host: [::1]:8124", "Content-Length: 12",
      ])
    let plain = try #require(pool.target(for: "http://localhost/x"))
    #expect(
      HTTP1ConnectionPool.head(method: "GET", target: plain, fields: [], contentLength: 0).headers.map {
        $0.value
      } == ["localhost", "0"])
    let trace = HTTP1ConnectionPool.head(method: "TRACE", target: plain, fields: [], contentLength: 0)
    #expect(trace.headers.map { $0.name } == ["Host"])
  }

  @Test(
    "the same bytes as SwiftNIO's HTTPRequestEncoder for the pool's heads (TRACE: NIO drops its Content-Length)",
    arguments: ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "get"])
  func sameAsNIO(method: String) throws {
    let pool = HTTP1ConnectionPool(group: MultiThreadedEventLoopGroup.singleton, idleTimeout: .seconds(1))
    let target = try #require(pool.target(for: "http://127.0.0.1:9000/system/whoami"))
    let fields = [("Authorization", "Bearer abc"), ("Accept-Encoding", "identity"), ("X-Tab", "a\tb")]
    for body in ["", "{}", String(repeating: "x", count: 20_000)] {
      let parts: (HTTPRequestHead) -> [HTTPClientRequestPart] = { head in
        [.head(head)] + (body.isEmpty ? [] : [.body(.byteBuffer(ByteBuffer(string: body)))]) + [.end(nil)]
      }
      let ours = HTTP1ConnectionPool.head(
        method: method, target: target, fields: fields, contentLength: body.utf8.count)
      var withLength = fields + [("Host", target.hostHeader)]
      withLength.append(("Content-Length", "\(body.utf8.count)"))
      let nios = Self.head(HTTPMethod(rawValue: method), target.requestTarget, withLength)
      let expected = try Self.writes(parts(nios), encoder: HTTPRequestEncoder())
      #expect(
        try Self.writes(parts(ours)).flatMap { $0 } == expected.flatMap { $0 },
        "\(method), \(body.count) bytes")
    }
  }

  @Test(
    "a body larger than the coalescing limit follows the head as it is; a smaller one grows the head's buffer"
  )
  func largeBody() throws {
    let limit = HTTP1RequestEncoder.defaultCoalescingLimit
    for size in [limit - 1, limit, limit + 1, 1 << 20] {
      let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
      let head = Self.head(.PUT, "/upload", [("Host", "h"), ("Content-Length", "\(size)")])
      let writes = try Self.writes([.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
      let headBytes = Array("PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: \(size)\r\n\r\n".utf8)
      #expect(writes.flatMap { $0 } == headBytes + body, "\(size) bytes")
      #expect(writes.count == (size <= limit ? 1 : 2), "\(size) bytes")
      if size > limit { #expect(writes.first == headBytes) }
    }
  }

  @Test("a streamed body: the head goes out at its flush, then each chunk as it is; the end adds nothing")
  func streamed() throws {
    let head = Self.head(.POST, "/f/upload", [("Host", "h"), ("Content-Length", "6")])
    let parts: [HTTPClientRequestPart] = [
      .head(head), .body(.byteBuffer(ByteBuffer(string: "abc"))),
      .body(.byteBuffer(ByteBuffer(string: "def"))),
      .end(nil),
    ]
    let writes = try Self.writes(parts, flushAfterHead: true)
    #expect(writes.count == 3)
    #expect(Self.text(writes) == "POST /f/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nabcdef")
    #expect(Self.text([writes[0]]).hasSuffix("\r\n\r\n"))
  }

  @Test("every part's write promise completes, in order, when its bytes were written with the head's")
  func promises() throws {
    let channel = EmbeddedChannel(handler: HTTP1RequestEncoder())
    defer { _ = try? channel.finish() }
    let order = DXLock<[String]>([])
    let promises = (0..<3).map { _ in channel.eventLoop.makePromise(of: Void.self) }
    for (name, promise) in zip(["head", "body", "end"], promises) {
      promise.futureResult.whenSuccess { order.withLock { $0.append(name) } }
    }
    channel.write(
      HTTPClientRequestPart.head(Self.head(.POST, "/", [("Content-Length", "1")])), promise: promises[0])
    channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "x"))), promise: promises[1])
    channel.write(HTTPClientRequestPart.end(nil), promise: promises[2])
    #expect(order.withLock { $0 }.isEmpty, "nothing is written before the flush")
    channel.flush()
    #expect(order.withLock { $0 } == ["head", "body", "end"])
    #expect(
      try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
        == "POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx")
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
  }

  @Test(
    "an unflushed head is handed on at a close (which fails it as any unflushed write), failed if removed")
  func pendingHeadAtClose() throws {
    let channel = EmbeddedChannel(handler: HTTP1RequestEncoder())
    channel.write(HTTPClientRequestPart.head(Self.head(.GET, "/", [("Content-Length", "0")])), promise: nil)
    guard case .leftOvers(_, _, let unflushed) = try channel.finish() else {
      Issue.record("the head was kept by the encoder at the close")
      return
    }
    #expect(unflushed.count == 1)

    let encoder = HTTP1RequestEncoder()
    let removed = EmbeddedChannel(handler: encoder)
    defer { _ = try? removed.finish() }
    let promise = removed.eventLoop.makePromise(of: Void.self)
    let outcome = DXLock<Result<Void, any Error>?>(nil)
    promise.futureResult.whenComplete { result in outcome.withLock { $0 = result } }
    removed.write(
      HTTPClientRequestPart.head(Self.head(.GET, "/", [("Content-Length", "0")])), promise: promise)
    try removed.pipeline.syncOperations.removeHandler(encoder).wait()
    guard case .failure = outcome.withLock({ $0 }) else {
      Issue.record("the promise did not fail: \(String(describing: outcome.withLock { $0 }))")
      return
    }
  }

  @Test("random valid requests parse back through SwiftNIO's request decoder (the fuzz target's check)")
  func roundTrip() {
    var generator = SystemRandomNumberGenerator()
    for round in 0..<300 {
      let count = Int.random(in: 0..<(round < 200 ? 120 : 3000), using: &generator)
      let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let request = DXCoreFuzzing.encoderCase(bytes)
      let problem = DXCoreFuzzing.requestEncoderProblem(request)
      #expect(problem == nil, "input \(bytes)")
    }
  }
}
