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
    inspect(headers: headers, version: version).problem
  }

  /// ``problem(headers:version:)`` and, when there is none, ``expectsBody(headers:)``, from one pass
  /// over the fields (`expectsBody` is `false` when there is a problem: such a request is answered
  /// before its body); and the first `Content-Length` value, whatever the problem (what
  /// `headers.first("content-length")` answers).
  static func inspect(headers: DXHTTPHeaders, version: String) -> (
    problem: String?, expectsBody: Bool, contentLength: String?
  ) {
    // The distinct lengths: the first one apart, so that the usual head (one Content-Length)
    // allocates no array.
    var onlyLength: String?
    var lengths: [String] = []
    func note(_ length: String) {
      guard let only = onlyLength else {
        onlyLength = length
        return
      }
      if length != only, !lengths.contains(length) { lengths.append(length) }
    }
    var codings: [String] = []
    var hosts = 0
    var firstLength: String?
    var transferEncoding = false
    for field in headers.fields {
      switch framingField(field.name) {
      case .contentLength?:
        if firstLength == nil { firstLength = field.value }
        if let digits = plainDigits(field.value) {
          note(digits)
          continue
        }
        for value in field.value.split(separator: ",", omittingEmptySubsequences: false) {
          let trimmed = value.trimmingCharacters(in: .whitespaces)
          guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return (
              "The Content-Length header \"\(field.value)\" is not a decimal number", false, firstLength
            )
          }
          // Leading zeros do not make a different length.
          let digits = trimmed.drop { $0 == "0" }
          note(digits.isEmpty ? "0" : String(digits))
        }
      case .transferEncoding?:
        transferEncoding = true
        codings += field.value.split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
      case .host?:
        hosts += 1
      case nil:
        break
      }
    }
    if let only = onlyLength, !lengths.isEmpty {
      let all = ([only] + lengths).sorted().joined(separator: ", ")
      return ("The request has conflicting Content-Length headers (\(all))", false, firstLength)
    }
    if !codings.isEmpty {
      if onlyLength != nil {
        return ("The request has both Transfer-Encoding and Content-Length headers", false, firstLength)
      }
      guard codings == ["chunked"] else {
        return (
          "The Transfer-Encoding \"\(codings.joined(separator: ", "))\" is not supported; use chunked", false,
          firstLength
        )
      }
    }
    if hosts > 1 { return ("The request has more than one Host header", false, firstLength) }
    if hosts == 0, version == "HTTP/1.1" {
      return ("An HTTP/1.1 request needs a Host header", false, firstLength)
    }
    return (nil, transferEncoding || (firstLength.map(isNonZeroLength) ?? false), firstLength)
  }

  /// Whether a body follows the head (a non-zero `Content-Length`, or chunked).
  static func expectsBody(headers: DXHTTPHeaders) -> Bool {
    var length: String?
    for field in headers.fields {
      switch framingField(field.name) {
      case .transferEncoding?: return true
      case .contentLength?: if length == nil { length = field.value }
      default: break
      }
    }
    return length.map(isNonZeroLength) ?? false
  }

  /// Whether a `Content-Length` value (the first one) announces a body.
  private static func isNonZeroLength(_ length: String) -> Bool {
    if let digits = plainDigits(length) { return digits != "0" }
    return length.trimmingCharacters(in: .whitespaces).contains { $0 != "0" }
  }

  /// The header fields that frame a request.
  enum FramingField: Sendable, Hashable {
    case contentLength, transferEncoding, host
  }

  /// Which framing field `name` is (case-insensitive, as ``DXHTTPHeaders/namesMatch(_:_:)`` decides),
  /// or `nil`.
  ///
  /// On the path of every request: an ASCII name (every name a client sends) is read once and compared
  /// by length and ASCII case folding, instead of one general comparison per name asked about (which
  /// scanned both names again whenever they differed: 10% of a whoami's instructions). Anything else
  /// takes the general comparison.
  static func framingField(_ name: String) -> FramingField? {
    // By length first: only a name of 4, 14 or 17 bytes is compared (`foldedEqual` answers `nil` for a
    // non-ASCII one); any other name needs only to be ASCII to be none of them.
    func field(_ equal: Bool?, _ named: FramingField) -> FramingField?? {
      guard let equal else { return nil }
      return .some(equal ? named : nil)
    }
    let ascii: FramingField?? =
      name.utf8.withContiguousStorageIfAvailable { bytes -> FramingField?? in
        switch bytes.count {
        case 4: return field(HTTPFieldName.foldedEqual(bytes, "host"), .host)
        case 14: return field(HTTPFieldName.foldedEqual(bytes, "content-length"), .contentLength)
        case 17: return field(HTTPFieldName.foldedEqual(bytes, "transfer-encoding"), .transferEncoding)
        default: return bytes.allSatisfy { $0 < 0x80 } ? .some(nil) : nil
        }
      } ?? nil
    if let ascii { return ascii }
    if DXHTTPHeaders.namesMatch(name, "Content-Length") { return .contentLength }
    if DXHTTPHeaders.namesMatch(name, "Transfer-Encoding") { return .transferEncoding }
    if DXHTTPHeaders.namesMatch(name, "Host") { return .host }
    return nil
  }

  /// A `Content-Length` value that is only ASCII digits (the usual case), without its leading zeros
  /// (`"0"` for zero); `nil` for anything else (spaces, commas, other characters), which the general
  /// path judges.
  static func plainDigits(_ value: String) -> String? {
    let bytes = value.utf8
    guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    guard bytes.first == 0x30 else { return value }
    let digits = value.drop { $0 == "0" }
    return digits.isEmpty ? "0" : String(digits)
  }
}
