import DXWire
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A one-connection-at-a-time TCP server on 127.0.0.1 port 0 that does exactly what a test scripts:
/// read the request head, then write raw bytes, close, or reset. Used to check how the live transport
/// reports each wire event, independently of the mock server.
final class RawSocketServer: @unchecked Sendable {
  // Invariant: `listener` is set once in init and closed once in stop(); the accept thread only reads it.
  enum Action: Sendable {
    /// Write these bytes, then close normally.
    case write([UInt8])
    /// Write these bytes, then reset (SO_LINGER 0).
    case writeThenReset([UInt8])
    /// Wait this long before doing nothing else, then close.
    case stall(milliseconds: Int)
    /// Answer one request per response on the same (keep-alive) connection, in order, then close.
    case serve([[UInt8]])
    /// Act as a proxy for one CONNECT: accept the tunnel, read the request inside it, answer with
    /// these bytes, then close.
    case tunnel([UInt8])
  }

  let port: Int
  private let listener: Int32
  private let thread: Thread
  private let heads = DXLock<[String]>([])

  /// The request heads received so far (request line and headers), in order.
  var receivedHeads: [String] { heads.withLock { $0 } }

  /// Starts serving `actions`, one per accepted connection, for at most `actions.count` connections.
  init(_ actions: [Action]) throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(fd, 8) == 0 else {
      close(fd)
      throw POSIXError(.EADDRINUSE)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    listener = fd
    let heads = self.heads
    thread = Thread {
      for action in actions {
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { return }
        let head = RawSocketServer.readHead(connection)
        heads.withLock { $0.append(head) }
        switch action {
        case .write(let bytes):
          RawSocketServer.send(bytes, to: connection)
          close(connection)
        case .writeThenReset(let bytes):
          RawSocketServer.send(bytes, to: connection)
          var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
          setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
          close(connection)
        case .serve(let responses):
          for (index, response) in responses.enumerated() {
            if index > 0 {
              let next = RawSocketServer.readHead(connection)
              heads.withLock { $0.append(next) }
            }
            RawSocketServer.send(response, to: connection)
          }
          close(connection)
        case .tunnel(let bytes):
          RawSocketServer.send(Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8), to: connection)
          let inner = RawSocketServer.readHead(connection)
          heads.withLock { $0.append(inner) }
          RawSocketServer.send(bytes, to: connection)
          close(connection)
        case .stall(let milliseconds):
          usleep(useconds_t(milliseconds * 1000))
          close(connection)
        }
      }
    }
    thread.start()
  }

  var baseURL: String { "http://127.0.0.1:\(port)" }

  /// Stops accepting.
  func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  @discardableResult
  private static func readHead(_ connection: Int32) -> String {
    // Generous: a loaded machine may take seconds to send; a client that never sends is not a case here.
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while received.count < 65536 {
      let count = recv(connection, &buffer, buffer.count, 0)
      if count <= 0 { break }
      received.append(contentsOf: buffer[0..<count])
      if let text = String(bytes: received, encoding: .utf8), let end = text.range(of: "\r\n\r\n") {
        let head = text[..<end.lowerBound].lowercased()
        let length =
          head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
          .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        if received.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length {
          return String(text[..<end.lowerBound])
        }
      }
    }
    return String(decoding: received, as: UTF8.self)
  }

  private static func send(_ bytes: [UInt8], to connection: Int32) {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if sent <= 0 { return }
      offset += sent
    }
  }
}

/// Runs `body` with a raw server and always stops it.
func withRawServer<T>(_ actions: [RawSocketServer.Action], _ body: (RawSocketServer) async throws -> T)
  async throws -> T
{
  let server = try RawSocketServer(actions)
  defer { server.stop() }
  return try await body(server)
}
