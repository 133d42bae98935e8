import DXWire
import Foundation

/// The checks on a request head that libmicrohttpd 0.9.75 does not make, so that the server answers
/// them with a clean 400 (and closes the connection) instead of guessing where the body ends.
///
/// libmicrohttpd takes the first `Content-Length` and ignores the rest, accepts `Content-Length`
/// beside `Transfer-Encoding`, and reads any transfer coding other than `chunked` until the
/// connection closes. RFC 9112 §6.3 makes each of these an unrecoverable framing error (a server that
/// guesses differently from a proxy in front of it can be made to see a smuggled request).
enum HTTPFraming {
  /// Why the head cannot be framed, or `nil` when it can.
  /// - Parameters:
  ///   - headers: The request's header fields as received.
  ///   - version: The request line's version (`"HTTP/1.1"`, `"HTTP/1.0"`).
  static func problem(headers: DXHTTPHeaders, version: String) -> String? {
    var lengths: Set<String> = []
    var codings: [String] = []
    var hosts = 0
    for field in headers.fields {
      if DXHTTPHeaders.namesMatch(field.name, "Content-Length") {
        for value in field.value.split(separator: ",", omittingEmptySubsequences: false) {
          let trimmed = value.trimmingCharacters(in: .whitespaces)
          guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return "The Content-Length header \"\(field.value)\" is not a decimal number"
          }
          // Leading zeros do not make a different length.
          let digits = trimmed.drop { $0 == "0" }
          lengths.insert(digits.isEmpty ? "0" : String(digits))
        }
      } else if DXHTTPHeaders.namesMatch(field.name, "Transfer-Encoding") {
        codings += field.value.split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
      } else if DXHTTPHeaders.namesMatch(field.name, "Host") {
        hosts += 1
      }
    }
    if lengths.count > 1 {
      return
        "The request has conflicting Content-Length headers (\(lengths.sorted().joined(separator: ", ")))"
    }
    if !codings.isEmpty {
      if !lengths.isEmpty { return "The request has both Transfer-Encoding and Content-Length headers" }
      guard codings == ["chunked"] else {
        return "The Transfer-Encoding \"\(codings.joined(separator: ", "))\" is not supported; use chunked"
      }
    }
    if hosts > 1 { return "The request has more than one Host header" }
    if hosts == 0, version == "HTTP/1.1" { return "An HTTP/1.1 request needs a Host header" }
    return nil
  }

  /// Whether a body follows the head (a non-zero `Content-Length`, or chunked).
  static func expectsBody(headers: DXHTTPHeaders) -> Bool {
    if headers["Transfer-Encoding"] != nil { return true }
    guard let length = headers["Content-Length"] else { return false }
    return length.trimmingCharacters(in: .whitespaces).contains { $0 != "0" }
  }
}
