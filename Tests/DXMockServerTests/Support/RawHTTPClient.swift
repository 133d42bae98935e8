import Foundation

/// A blocking HTTP/1.1 client over a raw TCP socket, for checking exactly what the server puts on the
/// wire (bytes, and whether the connection ended with FIN, RST or not at all).
final class RawHTTPClient {
  /// How reading ended.
  enum Ending: Equatable, Sendable, CustomStringConvertible {
    /// `recv` returned 0: the peer closed cleanly (FIN).
    case eof
    /// `recv` failed with ECONNRESET: the peer reset the connection (RST).
    case reset
    /// Nothing more arrived within the timeout; the connection is still open.
    case timeout
    /// Another error.
    case error(Int32)
    /// The reader stopped because it had a complete response (keep-alive).
    case complete

    var description: String {
      switch self {
      case .eof: return "eof"
      case .reset: return "reset"
      case .timeout: return "timeout"
      case .error(let code): return "errno \(code)"
      case .complete: return "complete"
      }
    }
  }

  /// A response as read from the wire.
  struct Response: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var ending: Ending
    /// Every byte received (head and body).
    var raw: [UInt8]

    func header(_ name: String) -> String? {
      headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var contentLength: Int? { header("Content-Length").flatMap { Int($0) } }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    var json: [String: Any]? {
      (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    var errorType: String? { (json?["error"] as? [String: Any])?["type"] as? String }
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  private let fd: Int32

  /// Connects to 127.0.0.1:`port`; reads time out after `timeout` seconds.
  init(port: Int, timeout: Double = 30) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      let code = errno
      close(fd)
      throw Failure(description: "connect: errno \(code)")
    }
  }

  deinit { close(fd) }

  /// Sends raw bytes.
  func send(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
      offset += sent
    }
  }

  /// Closes the sending side (the server reads end-of-file); reading still works.
  func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

  /// How many response heads (status lines) `raw` holds.
  static func statusLines(in raw: [UInt8]) -> Int {
    String(decoding: raw, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").count - 1
  }

  /// Sends a request with the given pieces; `Content-Length` is added for a body unless `chunked`.
  func sendRequest(
    method: String = "POST", path: String, headers: [(String, String)] = [], body: [UInt8] = [],
    chunked: Bool = false, keepAlive: Bool = false
  ) throws {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if chunked {
      head += "Transfer-Encoding: chunked\r\n"
    } else if !body.isEmpty || method == "POST" {
      head += "Content-Length: \(body.count)\r\n"
    }
    if !keepAlive { head += "Connection: close\r\n" }
    head += "\r\n"
    var bytes = Array(head.utf8)
    if chunked {
      var offset = 0
      while offset < body.count {
        let size = min(16 * 1024, body.count - offset)
        bytes += Array(String(size, radix: 16).utf8) + [13, 10] + body[offset..<offset + size] + [13, 10]
        offset += size
      }
      bytes += Array("0\r\n\r\n".utf8)
    } else {
      bytes += body
    }
    try send(bytes)
  }

  /// Reads until the peer closes, resets, or the timeout passes.
  func readAll() -> (bytes: [UInt8], ending: Ending) {
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count > 0 {
        data += buffer[0..<count]
        continue
      }
      if count == 0 { return (data, .eof) }
      let code = errno
      if code == EINTR { continue }
      if code == ECONNRESET { return (data, .reset) }
      if code == EAGAIN || code == EWOULDBLOCK { return (data, .timeout) }
      return (data, .error(code))
    }
  }

  /// Reads one response: until the peer ends the connection, or (keep-alive) once a response with a
  /// `Content-Length` is complete.
  func readResponse() throws -> Response {
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var ending = Ending.eof
    while true {
      if let parsed = Self.parse(data), let length = parsed.contentLength, parsed.body.count >= length {
        var response = parsed
        response.body = Array(response.body.prefix(length))
        response.ending = .complete
        return response
      }
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count > 0 {
        data += buffer[0..<count]
        continue
      }
      if count == 0 {
        ending = .eof
        break
      }
      let code = errno
      if code == EINTR { continue }
      ending = code == ECONNRESET ? .reset : (code == EAGAIN || code == EWOULDBLOCK) ? .timeout : .error(code)
      break
    }
    guard var response = Self.parse(data) else {
      throw Failure(description: "no HTTP response (\(data.count) bytes, ended by \(ending))")
    }
    response.ending = ending
    return response
  }

  /// Parses a response head and whatever body bytes follow it.
  static func parse(_ data: [UInt8]) -> Response? {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard data.count >= 4,
      let end = (0...(data.count - 4)).first(where: { Array(data[$0..<$0 + 4]) == separator })
    else { return nil }
    let head = String(decoding: data[0..<end], as: UTF8.self)
    var lines = head.components(separatedBy: "\r\n")
    let statusLine = lines.removeFirst().split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
    let headers = lines.compactMap { line -> (name: String, value: String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return Response(
      status: status, headers: headers, body: Array(data[(end + 4)...]), ending: .eof, raw: data)
  }
}

extension RawHTTPClient {
  /// One request on a fresh connection (`Connection: close`), read to the end.
  static func exchange(
    port: Int, method: String = "POST", path: String, token: String? = "dxmock-token",
    headers: [(String, String)] = [], body: String = "{}", timeout: Double = 30
  ) throws -> Response {
    let client = try RawHTTPClient(port: port, timeout: timeout)
    var all = headers
    if let token { all.append(("Authorization", "Bearer \(token)")) }
    if method == "POST" { all.append(("Content-Type", "application/json")) }
    try client.sendRequest(method: method, path: path, headers: all, body: Array(body.utf8))
    return try client.readResponse()
  }
}

/// Runs blocking socket work off the cooperative thread pool.
func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread.detachNewThread {
      continuation.resume(with: Result { try work() })
    }
  }
}
