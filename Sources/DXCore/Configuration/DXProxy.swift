/// An HTTP(S) proxy from the `http_proxy`/`HTTPS_PROXY` family of variables.
///
/// As in dxpy, the variables are scanned in the order `http_proxy`, `HTTP_PROXY`, `https_proxy`,
/// `HTTPS_PROXY` and the last one present wins; one proxy serves every scheme; `NO_PROXY` is ignored.
/// `user:pass@` credentials become a Basic `Proxy-Authorization` and are stripped from ``url``.
public struct DXProxy: Sendable, Hashable {
  /// The variable the proxy came from, e.g. `HTTPS_PROXY`.
  public var variable: String
  /// The scheme, `http` or `https` (default `http` when the value has none).
  public var scheme: String
  /// The proxy's host.
  public var host: String
  /// The proxy's port (default 80 for http, 443 for https).
  public var port: Int
  /// The user name from `user:pass@`, percent-decoded, or `nil`.
  public var username: String?
  /// The password from `user:pass@`, percent-decoded, or `nil`.
  public var password: String?

  /// Creates a proxy setting.
  public init(
    variable: String = "HTTPS_PROXY", scheme: String = "http", host: String, port: Int,
    username: String? = nil, password: String? = nil
  ) {
    self.variable = variable
    self.scheme = scheme
    self.host = host
    self.port = port
    self.username = username
    self.password = password
  }

  /// The proxy URL without credentials, e.g. `http://proxy.example:3128`.
  public var url: String { "\(scheme)://\(host):\(port)" }

  /// Parses `protocol://[user:pass@]host[:port][/]`.
  /// - Throws: ``DXConfigurationError`` naming `source` and `variable` when the value has no host, an
  ///   unknown scheme or a bad port.
  public init(parsing value: String, variable: String, source: String = "environment")
    throws(DXConfigurationError)
  {
    var rest = Substring(value.trimmingSpaces())
    var scheme = "http"
    if let range = rest.range(of: "://") {
      scheme = rest[..<range.lowerBound].lowercased()
      rest = rest[range.upperBound...]
    }
    guard scheme == "http" || scheme == "https" else {
      throw .invalidValue(source: source, key: variable, reason: "unsupported proxy scheme '\(scheme)'")
    }
    if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
    var username: String?
    var password: String?
    if let at = rest.lastIndex(of: "@") {
      let credentials = rest[..<at]
      rest = rest[rest.index(after: at)...]
      if let colon = credentials.firstIndex(of: ":") {
        username = Self.percentDecoded(credentials[..<colon])
        password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
      } else {
        username = Self.percentDecoded(credentials)
        password = ""
      }
    }
    var host = rest
    var port = scheme == "https" ? 443 : 80
    if host.hasPrefix("[") {
      guard let close = host.firstIndex(of: "]") else {
        throw .invalidValue(source: source, key: variable, reason: "unterminated IPv6 address in proxy URL")
      }
      let after = host[host.index(after: close)...]
      host = host[host.index(after: host.startIndex)..<close]
      if after.hasPrefix(":") {
        guard let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else {
          throw .invalidValue(
            source: source, key: variable, reason: "invalid proxy port '\(after.dropFirst())'")
        }
        port = parsed
      }
    } else if let colon = host.lastIndex(of: ":") {
      let portText = host[host.index(after: colon)...]
      guard let parsed = Int(portText), (1...65535).contains(parsed) else {
        throw .invalidValue(source: source, key: variable, reason: "invalid proxy port '\(portText)'")
      }
      port = parsed
      host = host[..<colon]
    }
    guard !host.isEmpty else {
      throw .invalidValue(source: source, key: variable, reason: "the proxy URL '\(value)' has no host")
    }
    self.init(
      variable: variable, scheme: scheme, host: String(host), port: port, username: username,
      password: password)
  }

  private static func percentDecoded(_ text: Substring) -> String {
    var bytes: [UInt8] = []
    var index = text.utf8.startIndex
    let utf8 = text.utf8
    while index < utf8.endIndex {
      let byte = utf8[index]
      if byte == UInt8(ascii: "%"), utf8.distance(from: index, to: utf8.endIndex) >= 3,
        let value = UInt8(
          String(decoding: utf8[utf8.index(after: index)..<utf8.index(index, offsetBy: 3)], as: UTF8.self),
          radix: 16)
      {
        bytes.append(value)
        index = utf8.index(index, offsetBy: 3)
      } else {
        bytes.append(byte)
        index = utf8.index(after: index)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

extension String {
  func trimmingSpaces() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
    while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
    return String(scalars)
  }
}
