import ArgumentParser
import DXCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One blocking keep-alive TCP connection speaking just enough HTTP/1.1 for a benchmark floor: write a
/// prepared request, read a head and a `Content-Length` body. No retries, no chunked bodies, no TLS.
final class BlockingHTTPSocket {
  private let descriptor: Int32
  private let hostHeader: String
  private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

  /// Connects to an IPv4 `host` (a dotted address or `localhost`) and `port`.
  init(host: String, port: Int) throws {
    let address = host == "localhost" ? "127.0.0.1" : host
    var socketAddress = sockaddr_in()
    socketAddress.sin_family = sa_family_t(AF_INET)
    socketAddress.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
    guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
      throw ValidationError("--mode socket needs an IPv4 address, got '\(host)'")
    }
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ValidationError("socket(): \(String(cString: strerror(errno)))") }
    let connected = withUnsafePointer(to: &socketAddress) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      let reason = String(cString: strerror(errno))
      Glibc.close(descriptor)
      throw ValidationError("connect to \(address):\(port): \(reason)")
    }
    var one: Int32 = 1
    setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    self.descriptor = descriptor
    self.hostHeader = "\(host):\(port)"
  }

  func close() { Glibc.close(descriptor) }

  /// The bytes of `request` as HTTP/1.1 on this connection (Host and Content-Length added).
  func requestBytes(_ request: DXTransportRequest) -> [UInt8] {
    let path = URLComponents(string: request.url)?.percentEncodedPath ?? "/"
    var head = "\(request.method) \(path.isEmpty ? "/" : path) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
    for field in request.headers { head += "\(field.name): \(field.value)\r\n" }
    head += "Content-Length: \(request.body.count)\r\n\r\n"
    return Array(head.utf8) + Array(request.body)
  }

  /// Writes `bytes` and reads one response; returns its status.
  func roundTrip(_ bytes: [UInt8]) throws -> Int {
    var written = 0
    while written < bytes.count {
      let sent = bytes[written...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
      guard sent > 0 else { throw ValidationError("send: \(String(cString: strerror(errno)))") }
      written += sent
    }
    var received = 0
    var bodyStart = -1
    var length = 0
    // The buffer is read through one pointer per pass, not indexed as a class property (each such
    // access is an exclusivity check): the floor's own instructions stay a small part of a call.
    while bodyStart < 0 || received < bodyStart + length {
      guard received < buffer.count else { throw ValidationError("the response is larger than 64 KiB") }
      // (Not through `buffer[received...]`: a slice of a property is copied, 64 KiB a read.)
      let count = buffer.withUnsafeMutableBytes { raw in
        recv(descriptor, raw.baseAddress.map { $0 + received }, raw.count - received, 0)
      }
      guard count > 0 else { throw ValidationError("the server closed the connection") }
      received += count
      if bodyStart < 0 {
        (bodyStart, length) = buffer.withUnsafeBufferPointer { Self.parseHead($0, received: received) }
      }
    }
    return status()
  }

  /// Where the body starts and its `Content-Length` once the head's `\r\n\r\n` has arrived, else
  /// `(-1, 0)`.
  private static func parseHead(_ bytes: UnsafeBufferPointer<UInt8>, received: Int) -> (Int, Int) {
    guard received >= 4 else { return (-1, 0) }
    var end = -1
    for index in 0...(received - 4)
    where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
      end = index + 4
      break
    }
    guard end >= 0 else { return (-1, 0) }
    let name = Array("\r\ncontent-length:".utf8)
    var index = 0
    while index + name.count <= end {
      var matches = true
      for offset in 0..<name.count where bytes[index + offset] | (offset >= 2 ? 0x20 : 0) != name[offset] {
        matches = false
        break
      }
      if matches {
        var position = index + name.count
        var length = 0
        while position < end, bytes[position] == 32 { position += 1 }
        while position < end, bytes[position] >= 48, bytes[position] <= 57 {
          length = length * 10 + Int(bytes[position] - 48)
          position += 1
        }
        return (end, length)
      }
      index += 1
    }
    return (end, 0)
  }

  private func status() -> Int {
    guard buffer.count > 12 else { return 0 }
    return Int(String(decoding: buffer[9..<12], as: UTF8.self)) ?? 0
  }
}
