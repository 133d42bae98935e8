import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import DXCore

@Suite("HTTP1ExchangeHandler — a pooled connection's pipeline, in memory")
struct HTTP1ExchangeHandlerTests {
  /// A connected channel with the pool's handlers.
  static func channel() throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try HTTP1ConnectionPool.addHandlers(to: channel.pipeline.syncOperations)
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
    return channel
  }

  static func exchange(_ method: HTTPMethod, body: String = "", on channel: EmbeddedChannel) -> HTTP1Exchange
  {
    var head = HTTPRequestHead(version: .http1_1, method: method, uri: "/x")
    head.headers.add(name: "Host", value: "127.0.0.1")
    head.headers.add(name: "Content-Length", value: String(body.utf8.count))
    return HTTP1Exchange(
      head: head, url: "http://127.0.0.1/x", body: ByteBuffer(string: body), readTimeout: .seconds(30),
      promise: channel.eventLoop.makePromise(of: HTTP1Outcome.self))
  }

  /// The outcome of `promise` once the loop has run, or `nil` while it is pending.
  static func outcome(_ promise: EventLoopPromise<HTTP1Outcome>, on channel: EmbeddedChannel)
    -> Result<HTTP1Outcome, any Error>?
  {
    let result = DXLock<Result<HTTP1Outcome, any Error>?>(nil)
    promise.futureResult.whenComplete { value in result.withLock { $0 = value } }
    channel.embeddedEventLoop.run()
    return result.withLock { $0 }
  }

  static func written(_ channel: EmbeddedChannel) throws -> [String] {
    var writes: [String] = []
    while let buffer = try channel.readOutbound(as: ByteBuffer.self) { writes.append(String(buffer: buffer)) }
    return writes
  }

  @Test("a request with a body is one write of head and body, and its write promise succeeds")
  func oneWrite() throws {
    let channel = try Self.channel()
    defer { _ = try? channel.finish() }
    let exchange = Self.exchange(.POST, body: "{}", on: channel)
    let written = channel.eventLoop.makePromise(of: Void.self)
    let succeeded = DXLock(false)
    written.futureResult.whenSuccess { succeeded.withLock { $0 = true } }
    channel.writeAndFlush(HTTP1Write.exchange(exchange), promise: written)
    #expect(
      try Self.written(channel) == ["POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"])
    #expect(succeeded.withLock { $0 })
    let empty = Self.exchange(.GET, on: channel)
    try channel.writeInbound(
      ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"))
    #expect(try Self.outcome(exchange.promise, on: channel)?.get().response.body == Data("abc".utf8))
    channel.writeAndFlush(HTTP1Write.exchange(empty), promise: nil)
    #expect(try Self.written(channel) == ["GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"])
  }

  @Test(
    "the decoder knows each request's method: a HEAD response ends with its head, a GET's waits for its body"
  )
  func headResponses() throws {
    let channel = try Self.channel()
    defer { _ = try? channel.finish() }
    let reply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"

    let head = Self.exchange(.HEAD, on: channel)
    channel.writeAndFlush(HTTP1Write.exchange(head), promise: nil)
    try channel.writeInbound(ByteBuffer(string: reply))
    let headOutcome = try #require(try Self.outcome(head.promise, on: channel)?.get())
    #expect(headOutcome.response.status == 200)
    #expect(headOutcome.response.body.isEmpty)
    #expect(headOutcome.response.bodyEnd == .complete)
    #expect(headOutcome.reusable)

    let get = Self.exchange(.GET, on: channel)
    channel.writeAndFlush(HTTP1Write.exchange(get), promise: nil)
    try channel.writeInbound(ByteBuffer(string: reply))
    #expect(Self.outcome(get.promise, on: channel) == nil, "a GET's response has five bytes to come")
    try channel.writeInbound(ByteBuffer(string: "hello"))
    #expect(try Self.outcome(get.promise, on: channel)?.get().response.body == Data("hello".utf8))

    // And HEAD again after a GET, on the same connection.
    let again = Self.exchange(.HEAD, on: channel)
    channel.writeAndFlush(HTTP1Write.exchange(again), promise: nil)
    try channel.writeInbound(ByteBuffer(string: reply))
    #expect(try Self.outcome(again.promise, on: channel)?.get().response.body.isEmpty == true)
    #expect(try Self.written(channel).count == 3)
  }

  @Test("an exchange submitted to a closed channel fails as unusable (nothing sent), its write promise too")
  func submitToClosedChannel() throws {
    let channel = try Self.channel()
    _ = try? channel.finish()
    let exchange = Self.exchange(.POST, body: "{}", on: channel)
    let written = channel.eventLoop.makePromise(of: Void.self)
    let writeResult = DXLock<Result<Void, any Error>?>(nil)
    written.futureResult.whenComplete { result in writeResult.withLock { $0 = result } }
    HTTP1ConnectionPool.submit(exchange, on: channel, written: written)
    guard case .failure(let error) = Self.outcome(exchange.promise, on: channel) else {
      Issue.record("the exchange did not fail")
      return
    }
    #expect(error is HTTP1ConnectionUnusable)
    guard case .failure(let writeError) = writeResult.withLock({ $0 }) else {
      Issue.record("the write promise did not fail")
      return
    }
    #expect(writeError as? ChannelError == .ioOnClosedChannel)
  }

  @Test("an exchange submitted to an open channel is written and flushed")
  func submitToOpenChannel() throws {
    let channel = try Self.channel()
    defer { _ = try? channel.finish() }
    let exchange = Self.exchange(.PUT, body: "abc", on: channel)
    HTTP1ConnectionPool.submit(exchange, on: channel, written: nil)
    #expect(
      try Self.written(channel) == ["PUT /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"])
    try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n"))
    #expect(try Self.outcome(exchange.promise, on: channel)?.get().response.status == 204)
  }
}
