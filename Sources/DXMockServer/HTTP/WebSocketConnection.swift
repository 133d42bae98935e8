import CMicroHTTPD
import DXWire
import Foundation

/// What a WebSocket session reads from its client.
enum WebSocketEvent: Sendable, Equatable {
  /// A complete text message.
  case text(String)
  /// Nothing arrived in time.
  case timeout
  /// The client closed (or the connection broke, or sent something invalid, which is answered).
  case closed
}

/// The server side of a WebSocket: read messages, send text, close.
///
/// ``WebSocketConnection`` is the real one, on an upgraded libmicrohttpd socket; tests may supply
/// their own.
protocol WebSocketChannel: AnyObject {
  /// Waits up to `timeoutMs` for the next message; answers pings and close frames itself.
  func receive(timeoutMs: Int) -> WebSocketEvent
  /// Sends a text message; `false` once the connection is gone.
  @discardableResult
  func send(text: String) -> Bool
  /// Sends a close frame with `code` and `reason` (cut to 123 bytes); later sends do nothing.
  func close(code: UInt16, reason: String)
}

/// A WebSocket on a socket libmicrohttpd handed over after a `101 Switching Protocols` response.
///
/// Used from the one thread that runs the session; ``shutdown()`` may come from any thread (the server
/// stopping) and makes a blocked ``receive(timeoutMs:)`` return. ``release()`` gives the socket back to
/// libmicrohttpd, which closes it; it is called exactly once, when the session ends. This is the only
/// file that calls `MHD_*` on an upgrade handle.
final class WebSocketConnection: WebSocketChannel {
  private let socket: Int32
  private let handle: OpaquePointer
  private var buffer: [UInt8]
  private var message: [UInt8] = []
  private var messageOpcode: UInt8 = 0
  private var closeSent = false
  private let state = DXLock((released: false, shutdown: false))

  init(socket: Int32, handle: OpaquePointer, extra: [UInt8]) {
    self.socket = socket
    self.handle = handle
    self.buffer = extra
  }

  func receive(timeoutMs: Int) -> WebSocketEvent {
    let deadline = ContinuousClock.now + .milliseconds(max(0, timeoutMs))
    while true {
      switch WebSocketFrame.decodeClientFrame(buffer[...]) {
      case .invalid(let reason):
        close(code: 1002, reason: reason)
        return .closed
      case .frame(let frame, let consumed):
        buffer.removeFirst(consumed)
        if let event = handle(frame) { return event }
        continue
      case .needMore:
        break
      }
      let left = deadline - ContinuousClock.now
      let leftMs = Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
      if leftMs <= 0 { return .timeout }
      var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(min(leftMs, 1000)))
      if ready < 0, errno == EINTR { continue }
      if state.withLock({ $0.shutdown }) { return .closed }
      guard ready > 0 else { continue }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = recv(socket, &chunk, chunk.count, 0)
      if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
      guard count > 0 else { return .closed }
      buffer.append(contentsOf: chunk[0..<count])
    }
  }

  /// Handles one frame: a finished message or a close is an event; pings are answered.
  private func handle(_ frame: WebSocketFrame.Frame) -> WebSocketEvent? {
    switch frame.opcode {
    case WebSocketFrame.Opcode.ping.rawValue:
      write(WebSocketFrame.encode(.pong, frame.payload))
      return nil
    case WebSocketFrame.Opcode.pong.rawValue:
      return nil
    case WebSocketFrame.Opcode.close.rawValue:
      let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1000
      close(code: code, reason: "")
      return .closed
    case WebSocketFrame.Opcode.continuation.rawValue:
      message += frame.payload
    default:
      messageOpcode = frame.opcode
      message = frame.payload
    }
    guard frame.fin else { return nil }
    defer { message = [] }
    guard messageOpcode == WebSocketFrame.Opcode.text.rawValue else { return nil }
    guard let text = String(validating: message, as: UTF8.self) else {
      close(code: 1007, reason: "text messages must be UTF-8")
      return .closed
    }
    return .text(text)
  }

  @discardableResult
  func send(text: String) -> Bool {
    guard !closeSent else { return false }
    return write(WebSocketFrame.encode(.text, Array(text.utf8)))
  }

  func close(code: UInt16, reason: String) {
    guard !closeSent else { return }
    closeSent = true
    write(WebSocketFrame.encode(.close, WebSocketFrame.closePayload(code: code, reason: reason)))
  }

  /// Writes all of `bytes` (waiting while the socket is full, at most 5 s); `false` on failure.
  @discardableResult
  private func write(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    var waited = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes { raw in
        Foundation.send(socket, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
      }
      if sent > 0 {
        offset += sent
        continue
      }
      guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR, waited < 50 else {
        return false
      }
      var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
      _ = poll(&poller, 1, 100)
      waited += 1
    }
    return true
  }

  /// Makes the session end soon: a pending or later ``receive(timeoutMs:)`` returns `.closed`.
  func shutdown() {
    state.withLock { $0.shutdown = true }
    _ = Foundation.shutdown(socket, Int32(SHUT_RDWR))
  }

  /// Hands the socket back to libmicrohttpd to close (once).
  func release() {
    let first = state.withLock { state -> Bool in
      defer { state.released = true }
      return !state.released
    }
    if first { _ = dx_mhd_upgrade_close(handle) }
  }
}

// The socket and buffers are used by the single session thread; `shutdown()` and `release()` may come
// from another thread and only touch `state` (behind its lock) and thread-safe system calls.
extension WebSocketConnection: @unchecked Sendable {}
