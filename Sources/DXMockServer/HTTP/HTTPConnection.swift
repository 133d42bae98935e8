import CMicroHTTPD
import DXWire
import Foundation

/// A borrowed libmicrohttpd connection handle, valid only inside the callback that received it
/// (libmicrohttpd owns and frees it).
///
/// This is the only file that calls `MHD_*` functions on a connection.
struct HTTPConnection {
  let handle: OpaquePointer

  // MARK: - Request data

  /// The first value of the request header `name` (case-insensitive), or `nil`.
  func header(_ name: String) -> String? {
    guard let value = MHD_lookup_connection_value(handle, .HEADER_KIND, name) else { return nil }
    return String(cString: value)
  }

  /// Every request header field, in the order received.
  func headers() -> DXHTTPHeaders { headers(reusing: nil).headers }

  /// Every request header field, in the order received, with the strings of `previous` (the
  /// connection's last request's fields) reused where the bytes are the same (``HTTPFieldCollector``);
  /// `unchanged` when every field is the same, and `headers` is then `previous` itself.
  func headers(reusing previous: DXHTTPHeaders?) -> (headers: DXHTTPHeaders, unchanged: Bool) {
    var collector = HTTPFieldCollector(previous: previous?.fields ?? [])
    withUnsafeMutablePointer(to: &collector) { pointer in
      _ = MHD_get_connection_values(
        handle, .HEADER_KIND,
        { context, _, key, value in
          guard let context, let key else { return .YES }
          context.assumingMemoryBound(to: HTTPFieldCollector.self).pointee.add(name: key, value: value)
          return .YES
        }, pointer)
    }
    if let previous, collector.isPrevious { return (previous, true) }
    return (DXHTTPHeaders(collector.finish()), false)
  }

  /// The query-string arguments, in order (a key without `=` has an empty value).
  func queryArguments() -> [(name: String, value: String)] {
    var arguments: [(name: String, value: String)] = []
    withUnsafeMutablePointer(to: &arguments) { pointer in
      _ = MHD_get_connection_values(
        handle, .GET_ARGUMENT_KIND,
        { context, _, key, value in
          guard let context, let key else { return .YES }
          let arguments = context.assumingMemoryBound(to: [(name: String, value: String)].self)
          arguments.pointee.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
          return .YES
        }, pointer)
    }
    return arguments
  }

  /// The peer's IP address as text (`"127.0.0.1"`, `"::1"`), or `""` when unknown.
  func peerAddress() -> String {
    guard let address = dx_mhd_connection_client_address(handle) else { return "" }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
      return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
        var raw = v4.pointee.sin_addr
        guard inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return Self.text(buffer)
      }
    case AF_INET6:
      return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
        var raw = v6.pointee.sin6_addr
        guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        let text = Self.text(buffer)
        // An IPv4 client of a dual-stack socket shows up mapped; report the plain IPv4 address.
        return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
      }
    default:
      return ""
    }
  }

  /// The NUL-terminated text in `buffer`.
  private static func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  // MARK: - Responding

  /// Queues `response` with `status`; `false` when libmicrohttpd refused it.
  func queue(_ response: HTTPResponse, status: Int) -> Bool {
    MHD_queue_response(handle, UInt32(clamping: status), response.handle) == .YES
  }

  /// Arranges for the connection's close to be a TCP reset: `SO_LINGER` with a zero timeout.
  ///
  /// Effective when the caller then drops the connection (access handler returns `MHD_NO`) on a daemon
  /// running with `MHD_USE_TURBO`, which closes without `shutdown()` first.
  @discardableResult
  func armReset() -> Bool {
    let fd = socket
    guard fd >= 0 else { return false }
    var option = linger(l_onoff: 1, l_linger: 0)
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size)) == 0
  }

  /// The connection's record in the ``ConnectionGuard`` (kept in libmicrohttpd's socket context from
  /// the connection's opening to its close), or `nil` when there is none.
  var guarded: GuardedConnection? {
    guard let raw = dx_mhd_connection_socket_context(handle) else { return nil }
    return Unmanaged<GuardedConnection>.fromOpaque(raw).takeUnretainedValue()
  }

  /// The connection's socket, or -1 when unavailable.
  var socket: Int32 { dx_mhd_connection_fd(handle) }

  // MARK: - Suspension

  /// Suspends the connection: libmicrohttpd stops calling back for it until ``resume(bitPattern:)``.
  func suspend() { MHD_suspend_connection(handle) }

  /// The handle as an integer, to carry it to the thread that resumes it.
  var bitPattern: UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle))) }

  /// Resumes a suspended connection from any thread; libmicrohttpd calls the access handler again.
  static func resume(bitPattern: UInt) {
    guard let pointer = OpaquePointer(bitPattern: bitPattern) else { return }
    MHD_resume_connection(pointer)
  }
}
