import DXCore
import DXMockServer
import Foundation

/// The recorder's and the replayer's pass-through URLs for file bytes.
///
/// The platform answers `/file-xxxx/upload` and `/file-xxxx/download` with a `url` on another host (or
/// another path of the API server). So that a client's file bytes go through the recorder too, such a
/// URL is rewritten to `http://<this server>/__proxy/<scheme>/<host[:port]>/<original path>?<original
/// query>`; the server forwards (record) or looks up (replay) a request on that path as one to the
/// original URL. The cassette always stores the original URL, so a cassette does not depend on the port
/// the recorder listened on.
enum CassetteProxyURL {
  /// The path prefix of a pass-through request.
  static let prefix = "/__proxy/"

  /// The pass-through URL for `original` on the server whose base URL is `base` (`http://host:port`);
  /// `nil` when `original` is not an absolute http(s) URL.
  static func wrap(_ original: String, base: String) -> String? {
    guard let components = URLComponents(string: original), let scheme = components.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
    else { return nil }
    let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    let authority = shownHost + (components.port.map { ":\($0)" } ?? "")
    let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
    let query = components.percentEncodedQuery.map { "?\($0)" } ?? ""
    return base + prefix + scheme + "/" + authority + path + query
  }

  /// The original URL of a pass-through request, or `nil` when `path` is not one.
  ///
  /// The path may arrive percent-decoded (libmicrohttpd decodes the request line's path), so the
  /// original path is encoded again where needed; `query` is the request's query string, if any.
  static func unwrap(path: String, query: [(name: String, value: String)]) -> String? {
    guard path.hasPrefix(prefix) else { return nil }
    let rest = path.dropFirst(prefix.count)
    let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count >= 2, parts[0] == "http" || parts[0] == "https", !parts[1].isEmpty else { return nil }
    let originalPath = parts.count == 3 ? "/" + parts[2] : "/"
    return String(parts[0]) + "://" + String(parts[1]) + encodePath(originalPath) + encodeQuery(query)
  }

  /// The path with every character a URL path cannot hold percent-encoded; existing escapes are kept.
  static func encodePath(_ path: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.insert("%")
    let escaped = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    // A '%' not followed by two hex digits was a literal percent sign in the decoded path.
    var result = ""
    let scalars = Array(escaped.unicodeScalars)
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar == "%" {
        let isEscape =
          index + 2 < scalars.count && scalars[index + 1].properties.isASCIIHexDigit
          && scalars[index + 2].properties.isASCIIHexDigit
        result += isEscape ? "%" : "%25"
      } else {
        result.unicodeScalars.append(scalar)
      }
      index += 1
    }
    return result
  }

  /// `?name=value&…` with each part percent-encoded, or `""` for no query.
  static func encodeQuery(_ query: [(name: String, value: String)]) -> String {
    guard !query.isEmpty else { return "" }
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+")
    let pairs = query.map { pair in
      let name = pair.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? pair.name
      let value = pair.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? pair.value
      return "\(name)=\(value)"
    }
    return "?" + pairs.joined(separator: "&")
  }

  /// Whether `path` is a platform route whose answer carries a transfer URL (`/file-xxxx/upload` or
  /// `/file-xxxx/download`).
  static func isTransferRoute(_ path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    return parts.count == 2 && parts[0].hasPrefix("file-") && (parts[1] == "upload" || parts[1] == "download")
  }

  /// The response body of a transfer route with its `url` rewritten to pass through `base`; the body
  /// unchanged when it is not such an answer.
  static func rewriteTransferBody(_ body: Data, path: String, base: String) -> Data {
    guard isTransferRoute(path), let json = try? DXJSON(parsing: body), case .object(var object) = json,
      let url = object["url"]?.stringValue, let wrapped = wrap(url, base: base)
    else { return body }
    object["url"] = .string(wrapped)
    return DXJSON.object(object).serializedData(sortedKeys: true)
  }

  /// `http://<Host header>`, the base URL the client used to reach this server.
  static func base(of request: DXMockRequest) -> String {
    "http://" + (request.headers["Host"] ?? "127.0.0.1")
  }
}
