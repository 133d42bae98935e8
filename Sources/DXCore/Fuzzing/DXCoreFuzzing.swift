import DXWire
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// DXCore's parsers of untrusted bytes as fuzz entry points (see `DXMockServerFuzzing` for the
/// pattern): configuration files, and the HTTP response handling of the live transport.
package enum DXCoreFuzzing {
  /// `~/.dnanexus_config/environment` (shell syntax) and `environment.json`.
  package static func configFile(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let values = try? DXShellEnvironmentParser.parse(text, path: "environment") {
      for (name, _) in values { precondition(!name.isEmpty, "an empty variable name was accepted") }
    }
    _ = try? DXConfiguration.parseEnvironmentJSON(Data(bytes), path: "environment.json")
  }

  /// A server's reply, byte for byte, to one request on a pooled connection (the pool's pipeline):
  /// NIO's response decoder and ``HTTP1ExchangeHandler`` (the head, the body's framing, a truncation, a close). The
  /// exchange's promise must always complete once the connection closes.
  package static func liveResponse(_ bytes: [UInt8]) {
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish() }
    do {
      try HTTP1ConnectionPool.addHandlers(to: channel.pipeline.syncOperations)
      try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
    } catch {
      return
    }
    let promise = channel.eventLoop.makePromise(of: HTTP1Outcome.self)
    var head = HTTPRequestHead(
      version: .http1_1, method: bytes.first.map { $0 & 1 == 0 ? .GET : .HEAD } ?? .GET, uri: "/")
    head.headers.add(name: "Host", value: "127.0.0.1")
    let exchange = HTTP1Exchange(
      head: head, url: "http://127.0.0.1/", body: ByteBuffer(), readTimeout: .seconds(30), promise: promise)
    channel.write(HTTP1Write.exchange(exchange), promise: nil)
    channel.flush()
    // The reply in two reads, split where the second byte says, as a socket may deliver it.
    let split = bytes.count > 1 ? Int(bytes[1]) % bytes.count : 0
    for part in [bytes[..<split], bytes[split...]] where !part.isEmpty {
      do {
        try channel.writeInbound(ByteBuffer(bytes: part))
      } catch {
        break
      }
    }
    _ = channel.close()
    channel.embeddedEventLoop.run()
    let completed = DXLock(false)
    promise.futureResult.whenComplete { _ in completed.withLock { $0 = true } }
    channel.embeddedEventLoop.run()
    let done = completed.withLock { $0 }
    if !done { promise.fail(DXTransportError(.noResponse, message: "fuzz: never completed")) }
    precondition(done, "the exchange was left pending after the connection closed")
  }
}
