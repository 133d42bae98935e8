import Foundation

/// An IPv4 or IPv6 socket address parsed from numeric text, for binding.
struct SocketAddress: Sendable {
  private enum Storage: Sendable {
    case v4(in_addr)
    case v6(in6_addr)
  }

  private let storage: Storage
  private let port: UInt16

  /// Parses `host` (`"127.0.0.1"`, `"::1"`, `"[::1]"`, `"0.0.0.0"`; `"localhost"` is 127.0.0.1).
  /// - Throws: ``DXMockServerError/invalidConfiguration(_:)`` when `host` is not a numeric address.
  init(host: String, port: Int) throws(DXMockServerError) {
    self.port = UInt16(clamping: port)
    var text = host
    if text == "localhost" { text = "127.0.0.1" }
    if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
      storage = .v4(v4)
      return
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 {
      storage = .v6(v6)
      return
    }
    throw .invalidConfiguration(
      "the host must be a numeric IP address such as 127.0.0.1 or ::1 (or localhost), got \"\(host)\"")
  }

  /// Whether this is an IPv6 address.
  var isIPv6: Bool {
    if case .v6 = storage { return true }
    return false
  }

  /// Calls `body` with a pointer to the `sockaddr`.
  func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
    switch storage {
    case .v4(let address):
      var raw = sockaddr_in()
      raw.sin_family = sa_family_t(AF_INET)
      raw.sin_port = port.bigEndian
      raw.sin_addr = address
      return withUnsafePointer(to: &raw) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    case .v6(let address):
      var raw = sockaddr_in6()
      raw.sin6_family = sa_family_t(AF_INET6)
      raw.sin6_port = port.bigEndian
      raw.sin6_addr = address
      return withUnsafePointer(to: &raw) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    }
  }
}
