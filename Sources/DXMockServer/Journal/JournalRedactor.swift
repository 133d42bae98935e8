import DXWire
import Foundation

/// Removes secrets from what the journal keeps.
///
/// - `Authorization` and `Proxy-Authorization` values always become `<scheme> <redacted>` (e.g.
///   `Bearer <redacted>`), whatever the token, since an unknown token is usually a mistyped real one.
/// - Every known secret (the server's API and admin tokens) of at least ``minimumSecretLength``
///   characters is replaced by `<redacted>` wherever else it occurs: other header values, the path,
///   query values and the body (byte-wise, so binary bodies are covered too). Shorter tokens are only
///   redacted in `Authorization`, so a test token like `abc` does not blank out unrelated text.
struct JournalRedactor: Sendable {
  /// The replacement text.
  static let marker = "<redacted>"
  /// Secrets shorter than this are not searched for outside `Authorization`.
  static let minimumSecretLength = 6

  /// The secrets' UTF-8 bytes, longest first.
  private let secrets: [[UInt8]]

  init(secrets: [String]) {
    // Longest first, so a secret that contains another is replaced whole.
    let usable = Set(secrets.filter { $0.utf8.count >= Self.minimumSecretLength })
      .sorted { $0.utf8.count > $1.utf8.count }
    self.secrets = usable.map { Array($0.utf8) }
  }

  /// The longest secret's length in bytes (0 when there is none).
  var longestSecret: Int { secrets.first?.count ?? 0 }

  /// `text` with every secret replaced.
  func redact(_ text: String) -> String {
    guard let shortest = secrets.last?.count, text.utf8.count >= shortest else { return text }
    var text = text
    let found = text.withUTF8 { buffer in secrets.contains { Self.occurs($0, in: buffer) } }
    guard found else { return text }
    return String(decoding: redact(Array(text.utf8), limit: Int.max).bytes, as: UTF8.self)
  }

  /// Whether `secret` occurs in `buffer` (a plain scan: values are short and secrets few).
  private static func occurs(_ secret: [UInt8], in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = secret.first, buffer.count >= secret.count else { return false }
    var index = 0
    let last = buffer.count - secret.count
    while index <= last {
      if buffer[index] == first {
        var offset = 1
        while offset < secret.count, buffer[index + offset] == secret[offset] { offset += 1 }
        if offset == secret.count { return true }
      }
      index += 1
    }
    return false
  }

  /// The headers with authorization values masked and secrets replaced (copied only where changed).
  func redact(_ headers: DXHTTPHeaders) -> DXHTTPHeaders {
    var result = headers
    for (index, field) in headers.fields.enumerated() {
      let length = field.name.utf8.count
      if length == 13 || length == 19,
        ["authorization", "proxy-authorization"].contains(field.name.lowercased())
      {
        result.fields[index].value = Self.maskCredentials(field.value)
      } else if !secrets.isEmpty {
        let redacted = redact(field.value)
        if redacted != field.value { result.fields[index].value = redacted }
      }
    }
    return result
  }

  /// `Bearer abc` → `Bearer <redacted>`; a value without a scheme → `<redacted>`.
  static func maskCredentials(_ value: String) -> String {
    let trimmed = value.drop { $0 == " " }
    if let space = trimmed.firstIndex(of: " ") {
      return "\(trimmed[..<space]) \(marker)"
    }
    return trimmed.isEmpty ? "" : marker
  }

  /// The first `limit` bytes of `bytes` with every secret replaced, byte-wise, and whether bytes
  /// were left out.
  ///
  /// The limit applies to the original positions: a secret that starts before it is replaced whole
  /// (even when it runs past the limit), and nothing at or after it is kept, so a cut never leaves
  /// part of a secret behind. `bytes` should extend at least ``longestSecret`` bytes past `limit`
  /// when the body does.
  func redact(_ bytes: [UInt8], limit: Int) -> (bytes: [UInt8], cut: Bool) {
    let end = min(limit, bytes.count)
    if secrets.isEmpty { return (Array(bytes[0..<end]), bytes.count > end) }
    let marker = Array(Self.marker.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(end)
    var index = 0
    while index < end {
      let byte = bytes[index]
      var matched = 0
      for secret in secrets where secret[0] == byte && index + secret.count <= bytes.count {
        if bytes[index..<(index + secret.count)].elementsEqual(secret) {
          matched = secret.count
          break
        }
      }
      if matched > 0 {
        output.append(contentsOf: marker)
        index += matched
      } else {
        output.append(byte)
        index += 1
      }
    }
    return (output, index < bytes.count)
  }
}
