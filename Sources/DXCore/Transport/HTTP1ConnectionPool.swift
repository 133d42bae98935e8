import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Plain-HTTP/1.1 keep-alive connections straight on SwiftNIO, for ``DXLiveTransport``'s direct
/// `http://` requests (a local dx-mock-server, a test double): one write per small request, the
/// response collected by ``HTTP1ExchangeHandler``, the connection kept for the next request.
///
/// Each request leases an idle connection to its host (or opens one), so concurrent requests use
/// concurrent connections; at most ``maxIdlePerHost`` idle connections are kept per host, and one idle
/// for longer than the idle timeout is closed instead of reused.
final class HTTP1ConnectionPool {
  /// Where a connection goes.
  struct Target: Hashable, Sendable {
    var host: String
    var port: Int
    /// The path and query to request.
    var requestTarget: String
    /// The `Host` header's value.
    var hostHeader: String

    var key: Key { Key(host: host, port: port) }
  }

  struct Key: Hashable, Sendable {
    var host: String
    var port: Int
  }

  private struct Idle: Sendable {
    var channel: any Channel
    var since: NIODeadline
  }

  private struct State: Sendable {
    /// Idle connections per host. A host's list stays in the dictionary when it empties, so leasing
    /// and releasing a connection mutate the list in place (no array allocated per request).
    var idle: [Key: [Idle]] = [:]
    var targets: [String: Target] = [:]
    /// The last target looked up: a client usually calls one URL after another, and comparing the
    /// URL costs less than hashing it.
    var lastTarget: (url: String, target: Target)?
    var isShutDown = false
  }

  static let maxIdlePerHost = 16
  private static let maxCachedTargets = 256

  private let group: any EventLoopGroup
  private let idleTimeout: TimeAmount
  private let state = DXLock(State())

  init(group: any EventLoopGroup, idleTimeout: TimeAmount) {
    self.group = group
    self.idleTimeout = idleTimeout
  }

  /// The target of a plain-HTTP URL, or `nil` when the URL is not `http://host[:port]/…`.
  func target(for url: String) -> Target? {
    let cached = state.withLock { state -> Target? in
      if let last = state.lastTarget, last.url == url { return last.target }
      guard let target = state.targets[url] else { return nil }
      state.lastTarget = (url, target)
      return target
    }
    if let cached { return cached }
    guard let components = URLComponents(string: url), components.scheme?.lowercased() == "http",
      let host = components.host, !host.isEmpty, components.user == nil
    else { return nil }
    let port = components.port ?? 80
    guard (1...65535).contains(port) else { return nil }
    var requestTarget = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
    if let query = components.percentEncodedQuery { requestTarget += "?" + query }
    let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    let target = Target(
      host: host, port: port, requestTarget: requestTarget,
      hostHeader: port == 80 ? bracketed : "\(bracketed):\(port)")
    state.withLock { state in
      if state.targets.count >= Self.maxCachedTargets { state.targets.removeAll(keepingCapacity: true) }
      state.targets[url] = target
      state.lastTarget = (url, target)
    }
    return target
  }

  /// Sends `request` to `target` on a pooled connection, with the header `fields` (in order) and Host
  /// and Content-Length after them, and reports what came back.
  func send(
    _ request: DXTransportRequest, to target: Target, fields: consuming [(String, String)], timeout: Duration
  ) async throws -> DXTransportResponse {
    let amount = DXLiveTransport.timeAmount(timeout)
    // `fields` holds no Host, Content-Length or Transfer-Encoding (`DXLiveTransport.transportOwned`),
    // and only token names (`DXLiveTransport.headerProblem`).
    let head = Self.head(
      method: request.method, target: target, fields: consume fields,
      contentLength: request.streamedBody?.length ?? request.body.count)
    let body = ByteBuffer(bytes: request.body)
    // An idle connection the server closed a moment ago can still look open; when it turns out
    // closed before anything was written, the request goes on a new connection instead.
    var (channel, reused) = try await lease(target, connectTimeout: amount)
    while true {
      do {
        return try await exchange(
          head, body: body, streamed: request.streamedBody, url: request.url, timeout: amount, on: channel,
          key: target.key)
      } catch is HTTP1ConnectionUnusable where reused {
        channel = try await connect(target, timeout: amount)
        reused = false
      } catch is HTTP1ConnectionUnusable {
        throw DXTransportError(.noResponse, message: "the new connection to \(request.url) closed at once")
      }
    }
  }

  /// The head of a request to `target`: the caller's `fields` in order, then Host and Content-Length.
  /// A TRACE request gets no Content-Length (RFC 9110 gives it no content; SwiftNIO's encoder, which
  /// the pool used before ``HTTP1RequestEncoder``, removed the field for it).
  /// `fields` is taken over (appended to in place when the caller handed it over with room to spare).
  static func head(method: String, target: Target, fields: consuming [(String, String)], contentLength: Int)
    -> HTTPRequestHead
  {
    fields.append(("Host", target.hostHeader))
    if method != "TRACE" { fields.append(("Content-Length", String(contentLength))) }
    return HTTPRequestHead(
      version: .http1_1, method: HTTPMethod(rawValue: method), uri: target.requestTarget,
      headers: HTTPHeaders(fields))
  }

  /// Sends one request on `channel` and returns the channel to the pool when it can carry another.
  private func exchange(
    _ head: HTTPRequestHead, body: ByteBuffer, streamed: DXStreamedBody?, url: String, timeout: TimeAmount,
    on channel: any Channel, key: Key
  ) async throws -> DXTransportResponse {
    let promise = channel.eventLoop.makePromise(of: HTTP1Outcome.self)
    var exchange = HTTP1Exchange(
      head: head, url: url, body: body, readTimeout: timeout, promise: promise,
      probe: DXTransportTimingProbe.current)
    exchange.streamsBody = streamed != nil
    // Only a streamed body waits for its head to be written.
    let written = streamed.map { _ in channel.eventLoop.makePromise(of: Void.self) }
    Self.submit(exchange, on: channel, written: written)
    var bodySent = true
    if let streamed, let written {
      bodySent = try await writeBody(streamed, after: written.futureResult, on: channel)
    }
    do {
      let outcome = try await withTaskCancellationHandler {
        try await promise.futureResult.get()
      } onCancel: {
        channel.close(promise: nil)
      }
      // A reply that came before the whole body was written leaves the server mid-request.
      if outcome.reusable, bodySent {
        release(channel, to: key)
      } else {
        channel.close(promise: nil)
      }
      return outcome.response
    } catch let error as HTTP1ConnectionUnusable {
      channel.close(promise: nil)
      throw error
    } catch {
      channel.close(promise: nil)
      try Task.checkCancellation()
      if let transportError = error as? DXTransportError { throw transportError }
      throw DXLiveErrorMapper.map(error, connected: true)
    }
  }

  /// Writes `exchange` to `channel` from its event loop, or fails it with ``HTTP1ConnectionUnusable``
  /// when the channel is no longer active there.
  ///
  /// A channel that closed after it was leased drops a write before any handler sees it, and the
  /// exchange would never complete; nothing was sent, so another connection may carry it. On the loop,
  /// an active channel still has its handlers (they are removed only after it turned inactive), so the
  /// exchange handler sees the write, and one that became inactive is refused there as well. Checking
  /// on the loop costs no more than `writeAndFlush` from another thread (which hops to the loop
  /// itself), and no write promise or callback is needed for it.
  static func submit(_ exchange: HTTP1Exchange, on channel: any Channel, written: EventLoopPromise<Void>?) {
    @Sendable func write() {
      if channel.isActive {
        channel.writeAndFlush(HTTP1Write.exchange(exchange), promise: written)
      } else {
        exchange.promise.fail(HTTP1ConnectionUnusable())
        written?.fail(ChannelError.ioOnClosedChannel)
      }
    }
    if channel.eventLoop.inEventLoop {
      write()
    } else {
      channel.eventLoop.execute(write)
    }
  }

  /// Writes a streamed body once its head is on the wire, one chunk at a time (each write awaited,
  /// so a single chunk is in memory), then the end. Returns whether all of it was written; a failed
  /// write stops it (the exchange's outcome says what happened). What the body's producer throws is
  /// rethrown after the connection is closed.
  private func writeBody(
    _ streamed: DXStreamedBody, after head: EventLoopFuture<Void>, on channel: any Channel
  ) async throws -> Bool {
    do {
      try await head.get()
    } catch {
      return false
    }
    var chunks = streamed.chunks().makeAsyncIterator()
    while true {
      let chunk: Data?
      do {
        try Task.checkCancellation()
        chunk = try await chunks.next()
      } catch {
        channel.close(promise: nil)
        throw error
      }
      do {
        guard let chunk else {
          try await channel.writeAndFlush(HTTP1Write.end).get()
          return true
        }
        try await channel.writeAndFlush(HTTP1Write.body(channel.allocator.buffer(bytes: chunk))).get()
      } catch {
        return false
      }
    }
  }

  /// Closes every idle connection; later requests fail.
  func shutdown() async {
    let channels = state.withLock { state -> [any Channel] in
      state.isShutDown = true
      let all = state.idle.values.flatMap { $0.map(\.channel) }
      state.idle = [:]
      return all
    }
    for channel in channels { try? await channel.close() }
  }

  // MARK: - Leasing

  /// An idle connection to `target` (`reused: true`) or a new one.
  private func lease(_ target: Target, connectTimeout: TimeAmount) async throws -> (any Channel, reused: Bool)
  {
    let now = NIODeadline.now()
    let (reused, stale, isShutDown) = state.withLock { state -> ((any Channel)?, [any Channel], Bool) in
      var stale: [any Channel] = []
      guard !state.isShutDown else { return (nil, stale, true) }
      guard let index = state.idle.index(forKey: target.key) else { return (nil, stale, false) }
      while let last = state.idle.values[index].popLast() {
        if last.channel.isActive, now - last.since < idleTimeout { return (last.channel, stale, false) }
        stale.append(last.channel)
      }
      return (nil, stale, false)
    }
    for channel in stale { channel.close(promise: nil) }
    if isShutDown { throw DXTransportError(.invalidRequest, message: "the transport was shut down") }
    if let reused { return (reused, true) }
    return (try await connect(target, timeout: connectTimeout), false)
  }

  private func release(_ channel: any Channel, to key: Key) {
    let kept = state.withLock { state -> Bool in
      guard !state.isShutDown, channel.isActive else { return false }
      guard let index = state.idle.index(forKey: key) else {
        state.idle[key] = [Idle(channel: channel, since: .now())]
        return true
      }
      guard state.idle.values[index].count < Self.maxIdlePerHost else { return false }
      state.idle.values[index].append(Idle(channel: channel, since: .now()))
      return true
    }
    if !kept { channel.close(promise: nil) }
  }

  /// A pooled connection's handlers: ``HTTP1RequestEncoder`` (SwiftNIO's header check is left out
  /// too: `DXLiveTransport.headerProblem` refused the same fields — names that are not tokens, values
  /// with control characters — before the request was built), SwiftNIO's response decoder (inbound
  /// only, see ``HTTP1ResponseDecoder``), and ``HTTP1ExchangeHandler``, which tells that decoder each
  /// request head.
  static func addHandlers(to pipeline: ChannelPipeline.SynchronousOperations) throws {
    let decoder = HTTP1ResponseDecoder(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes))
    try pipeline.addHandlers([
      HTTP1RequestEncoder(), ByteToMessageHandler(decoder), HTTP1ExchangeHandler(decoder: decoder),
    ])
  }

  private func connect(_ target: Target, timeout: TimeAmount) async throws -> any Channel {
    let bootstrap = ClientBootstrap(group: group.any())
      .connectTimeout(timeout)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try Self.addHandlers(to: channel.pipeline.syncOperations)
        }
      }
    do {
      return try await bootstrap.connect(host: target.host, port: target.port).get()
    } catch {
      throw DXLiveErrorMapper.map(error, connected: false)
    }
  }
}

// Invariant: the mutable state (idle connections, parsed targets, the shut-down flag) is in `state`,
// behind its lock; `group` and `idleTimeout` are immutable and Sendable.
extension HTTP1ConnectionPool: @unchecked Sendable {}
