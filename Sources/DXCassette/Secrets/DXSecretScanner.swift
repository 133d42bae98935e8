import DXCore
import Foundation

/// Redacts credentials from interactions and finds any secret left behind.
///
/// Recording runs every interaction through ``redact(_:)-(DXCassetteInteraction)`` and then
/// ``scan(_:)-(DXCassetteInteraction)`` before it is
/// written; if the scan finds anything, the write is refused with the path of each field.
///
/// Redaction replaces, with ``placeholder``:
/// - the value of every header in ``redactedHeaders`` (`Authorization: Bearer <token>` keeps its
///   scheme: `Bearer [REDACTED]`);
/// - every occurrence of a configured token (``tokens``) and of the credential carried by the
///   request's `Authorization` header, wherever it appears: header values, the URL, request and
///   response bodies, an error message.
///
/// The scan then reports, with the field's path (`request.headers.X-Api-Key`,
/// `response.body.auth.token`, `request.url`, …):
/// - a configured token;
/// - a bearer credential (`Bearer <8 or more token characters>`);
/// - a JSON Web Token (`eyJ….….…`);
/// - a long (≥ ``minimumSecretLength``), high-entropy, token-looking value in an
///   authentication-related field (a header or JSON key naming a token, secret, password, API key,
///   credential, cookie or session).
///
/// Redacted values are excluded from request matching: the matcher redacts a live request the same
/// way before comparing it with the recording.
public struct DXSecretScanner: Sendable, Hashable {
  /// The text that replaces a secret. Defaults to `"[REDACTED]"`.
  public var placeholder: String
  /// Token values to redact wherever they appear (values shorter than 4 characters are ignored).
  public var tokens: [String]
  /// Header names (case-insensitive) whose values are always replaced. Defaults to
  /// `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`, `X-Auth-Token`.
  public var redactedHeaders: Set<String>
  /// The shortest value the high-entropy check flags. Defaults to 20.
  public var minimumSecretLength: Int

  /// The default placeholder.
  public static let defaultPlaceholder = "[REDACTED]"

  /// The default redacted headers (lower-case).
  public static let defaultRedactedHeaders: Set<String> = [
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token",
  ]

  /// Creates a scanner.
  /// - Parameters:
  ///   - tokens: Token values to redact everywhere. Defaults to none (the `Authorization` header's
  ///     credential is always redacted).
  ///   - placeholder: The replacement text. Defaults to ``defaultPlaceholder``.
  ///   - redactedHeaders: Headers whose values are replaced. Defaults to ``defaultRedactedHeaders``.
  ///   - minimumSecretLength: See ``minimumSecretLength``. Defaults to 20.
  public init(
    tokens: [String] = [], placeholder: String = defaultPlaceholder,
    redactedHeaders: Set<String> = defaultRedactedHeaders, minimumSecretLength: Int = 20
  ) {
    self.tokens = tokens
    self.placeholder = placeholder
    self.redactedHeaders = Set(redactedHeaders.map { $0.lowercased() })
    self.minimumSecretLength = minimumSecretLength
  }

  // MARK: - Redaction

  /// The tokens to replace in `request`'s exchange: the configured ones and the credential of its
  /// `Authorization` header, longest first.
  func secrets(for request: DXTransportRequest) -> [String] {
    var values = tokens.filter { $0.utf8.count >= 4 }
    for name in Self.credentialHeaders {
      for field in request.headers.fields where DXHTTPHeaders.namesMatch(field.name, name) {
        let credential = Self.credential(of: field.value)
        let trimmed =
          Self.hasNoOuterSpace(credential) ? credential : credential.trimmingCharacters(in: .whitespaces)
        if trimmed.utf8.count >= 4, !DXCassetteMatching.contains(placeholder, in: trimmed) {
          values.append(trimmed)
        }
      }
    }
    if values.count < 2 { return values }
    return Array(Set(values)).sorted { $0.utf8.count > $1.utf8.count }
  }

  /// The credential of an `Authorization` value: what follows the scheme (`Bearer abc` → `abc`), or
  /// the whole value when it has no second part — `value.split(separator: " ", maxSplits: 1)`'s
  /// second part, found on the bytes when the value is ASCII (where a `Character` is a byte, a space
  /// never joining a CR LF pair).
  static func credential(of value: String) -> String {
    guard DXHTTPHeaders.isASCII(value) else {
      let parts = value.split(separator: " ", maxSplits: 1)
      return parts.count == 2 ? String(parts[1]) : value
    }
    let bytes = value.utf8
    let space = UInt8(ascii: " ")
    // Leading spaces make empty parts, which `split` leaves out without counting them.
    guard let schemeStart = bytes.firstIndex(where: { $0 != space }),
      let separator = bytes[schemeStart...].firstIndex(of: space)
    else { return value }
    let rest = bytes.index(after: separator)
    return rest == bytes.endIndex ? value : String(value[rest...])
  }

  /// The headers whose credential is redacted wherever it appears, in the order they are read.
  private static let credentialHeaders = ["authorization", "proxy-authorization"]

  /// Whether `text` is empty or starts and ends with an ASCII character other than a space or tab, so
  /// that `trimmingCharacters(in: .whitespaces)` would return it unchanged (skipped on the replay path).
  static func hasNoOuterSpace(_ text: String) -> Bool {
    guard let first = text.utf8.first, let last = text.utf8.last else { return true }
    func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
    return plain(first) && plain(last)
  }

  /// Returns `request` with its credentials replaced (see the type's documentation).
  public func redact(_ request: DXTransportRequest) -> DXTransportRequest {
    redact(request, secrets: secrets(for: request))
  }

  /// Returns `interaction` with its credentials replaced (see the type's documentation).
  public func redact(_ interaction: DXCassetteInteraction) -> DXCassetteInteraction {
    let values = secrets(for: interaction.request)
    var result = interaction
    result.request = redact(interaction.request, secrets: values)
    switch interaction.outcome {
    case .response(var response):
      response.headers = redact(response.headers, secrets: values)
      response.body = Self.replace(values, with: placeholder, in: response.body)
      result.outcome = .response(response)
    case .failure(var error):
      error.message = Self.replace(values, with: placeholder, in: error.message)
      result.outcome = .failure(error)
    }
    return result
  }

  /// Returns `interaction` with its credentials and every secret ``scan(_:)-(DXCassetteInteraction)`` finds
  /// replaced.
  ///
  /// For cleaning an existing cassette (`dxcassette redact`); recording refuses such secrets instead.
  public func redactDetected(_ interaction: DXCassetteInteraction) -> DXCassetteInteraction {
    var scanner = self
    scanner.tokens += detectedValues(in: redact(interaction))
    return scanner.redact(interaction)
  }

  func redact(_ request: DXTransportRequest, secrets values: [String]) -> DXTransportRequest {
    var result = request
    result.headers = redact(request.headers, secrets: values)
    result.url = Self.replace(values, with: placeholder, in: request.url)
    result.body = Self.replace(values, with: placeholder, in: request.body)
    return result
  }

  private func redact(_ headers: DXHTTPHeaders, secrets values: [String]) -> DXHTTPHeaders {
    DXHTTPHeaders(
      headers.fields.map { field in
        if redactedHeaders.contains(field.name.lowercased()) {
          let parts = field.value.split(separator: " ", maxSplits: 1)
          if parts.count == 2, parts[0].lowercased() == "bearer" || parts[0].lowercased() == "basic" {
            return .init(name: field.name, value: "\(parts[0]) \(placeholder)")
          }
          return .init(name: field.name, value: placeholder)
        }
        return .init(name: field.name, value: Self.replace(values, with: placeholder, in: field.value))
      })
  }

  static func replace(_ values: [String], with placeholder: String, in text: String) -> String {
    guard !values.isEmpty, !text.isEmpty else { return text }
    // The usual case, nothing to replace, is settled on the bytes when text and secrets are ASCII
    // (where a character-wise match is a byte-wise one); anything else takes the general search.
    let asciiText = DXHTTPHeaders.isASCII(text)
    var result = text
    for value in values {
      if asciiText, DXHTTPHeaders.isASCII(value), !DXByteSearch.occurs(value.utf8, in: result.utf8) {
        continue
      }
      if result.contains(value) { result = result.replacingOccurrences(of: value, with: placeholder) }
    }
    return result
  }

  static func replace(_ values: [String], with placeholder: String, in data: Data) -> Data {
    guard !values.isEmpty, !data.isEmpty else { return data }
    // Most bodies hold no secret: find that out without copying them.
    guard values.contains(where: { DXByteSearch.occurs($0.utf8, in: data) }) else { return data }
    var bytes = [UInt8](data)
    var changed = false
    for value in values {
      let needle = Array(value.utf8)
      guard !needle.isEmpty, bytes.count >= needle.count else { continue }
      var output: [UInt8] = []
      var index = 0
      var found = false
      while index < bytes.count {
        if bytes[index] == needle[0], index + needle.count <= bytes.count,
          bytes[index..<(index + needle.count)].elementsEqual(needle)
        {
          output.append(contentsOf: placeholder.utf8)
          index += needle.count
          found = true
        } else {
          output.append(bytes[index])
          index += 1
        }
      }
      if found {
        bytes = output
        changed = true
      }
    }
    return changed ? Data(bytes) : data
  }

  // MARK: - Scanning

  /// Every secret left in `interaction`, one finding per field.
  public func scan(_ interaction: DXCassetteInteraction) -> [DXSecretFinding] {
    var findings: [DXSecretFinding] = []
    let values = tokens.filter { $0.utf8.count >= 4 }
    forEachField(of: interaction) { path, key, value in
      if let kind = classify(value, key: key, tokens: values) {
        findings.append(DXSecretFinding(path: path, kind: kind, excerpt: Self.excerpt(value)))
      }
    }
    return findings
  }

  /// Every secret found in `request` alone (paths start with `request.`).
  public func scan(_ request: DXTransportRequest) -> [DXSecretFinding] {
    scan(DXCassetteInteraction(request: request, outcome: .failure(.init(.other))))
  }

  /// The secret substrings found, for ``redactDetected(_:)``.
  private func detectedValues(in interaction: DXCassetteInteraction) -> [String] {
    var found: [String] = []
    forEachField(of: interaction) { _, key, value in
      found += Self.bearerCredentials(in: value)
      found += Self.jsonWebTokens(in: value)
      if let key, Self.isAuthField(key), looksHighEntropy(value) { found.append(value) }
    }
    return found.filter { $0.utf8.count >= 4 }
  }

  private func classify(_ value: String, key: String?, tokens: [String]) -> DXSecretFinding.Kind? {
    if tokens.contains(where: { value.contains($0) }) { return .configuredToken }
    if !Self.bearerCredentials(in: value).isEmpty { return .bearer }
    if !Self.jsonWebTokens(in: value).isEmpty { return .jwt }
    if let key, Self.isAuthField(key), looksHighEntropy(value) { return .highEntropy }
    return nil
  }

  /// Calls `body(path, key, value)` for every string in the interaction that could hold a secret.
  private func forEachField(
    of interaction: DXCassetteInteraction, _ body: (String, String?, String) -> Void
  ) {
    let request = interaction.request
    body("request.url", nil, request.url)
    for field in request.headers { body("request.headers.\(field.name)", field.name, field.value) }
    Self.forEachString(in: request.body, path: "request.body", body)
    switch interaction.outcome {
    case .response(let response):
      for field in response.headers { body("response.headers.\(field.name)", field.name, field.value) }
      Self.forEachString(in: response.body, path: "response.body", body)
    case .failure(let error):
      body("error.message", nil, error.message)
    }
  }

  private static func forEachString(in data: Data, path: String, _ body: (String, String?, String) -> Void) {
    guard !data.isEmpty else { return }
    if let json = try? DXJSON(parsing: data) {
      walk(json, path: path, key: nil, body)
    } else {
      body(path, nil, String(decoding: data, as: UTF8.self))
    }
  }

  private static func walk(
    _ json: DXJSON, path: String, key: String?, _ body: (String, String?, String) -> Void
  ) {
    switch json {
    case .string(let value): body(path, key, value)
    case .array(let elements):
      for (index, element) in elements.enumerated() {
        walk(element, path: "\(path)[\(index)]", key: key, body)
      }
    case .object(let members):
      for name in members.keys.sorted() {
        if let value = members[name] { walk(value, path: "\(path).\(name)", key: name, body) }
      }
    default: break
    }
  }

  // MARK: - Shapes

  private static let tokenCharacters: Set<UInt8> = Set(
    Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=".utf8))
  private static let base64URLCharacters: Set<UInt8> = Set(
    Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8))

  /// The credentials following `Bearer ` (case-insensitive) that are at least 8 token characters.
  static func bearerCredentials(in text: String) -> [String] {
    let bytes = Array(text.utf8)
    let word = Array("bearer".utf8)
    var results: [String] = []
    var index = 0
    while index + word.count < bytes.count {
      var matches = true
      for offset in 0..<word.count where bytes[index + offset] | 0x20 != word[offset] {
        matches = false
        break
      }
      guard matches else {
        index += 1
        continue
      }
      var cursor = index + word.count
      let spacesStart = cursor
      while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
      let start = cursor
      while cursor < bytes.count, tokenCharacters.contains(bytes[cursor]) { cursor += 1 }
      if cursor > spacesStart, start > spacesStart, cursor - start >= 8 {
        results.append(String(decoding: bytes[start..<cursor], as: UTF8.self))
      }
      index = max(cursor, index + 1)
    }
    return results
  }

  /// Substrings shaped like a JSON Web Token: `eyJ<header>.<payload>.<signature>`.
  static func jsonWebTokens(in text: String) -> [String] {
    let bytes = Array(text.utf8)
    var results: [String] = []
    var index = 0
    while index + 3 <= bytes.count {
      guard bytes[index] == UInt8(ascii: "e"), bytes[index + 1] == UInt8(ascii: "y"),
        bytes[index + 2] == UInt8(ascii: "J"), index == 0 || !base64URLCharacters.contains(bytes[index - 1])
      else {
        index += 1
        continue
      }
      var cursor = index
      var segments: [Int] = []
      var segmentStart = cursor
      while cursor <= bytes.count {
        if cursor < bytes.count, base64URLCharacters.contains(bytes[cursor]) {
          cursor += 1
          continue
        }
        segments.append(cursor - segmentStart)
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "."), segments.count < 3 {
          cursor += 1
          segmentStart = cursor
          continue
        }
        break
      }
      if segments.count == 3, segments[0] >= 10, segments[1] >= 5 {
        results.append(String(decoding: bytes[index..<min(cursor, bytes.count)], as: UTF8.self))
      }
      index = max(cursor, index + 1)
    }
    return results
  }

  /// Whether a header or JSON key names something secret.
  static func isAuthField(_ key: String) -> Bool {
    let normalized = String(
      key.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    if normalized == "auth" || normalized == "authorization" || normalized == "proxyauthorization" {
      return true
    }
    for word in [
      "token", "secret", "password", "passwd", "apikey", "credential", "cookie", "session", "privatekey",
    ]
    where normalized.contains(word) {
      return true
    }
    return false
  }

  /// Whether `value` looks like a random credential: long, one word of token characters, varied.
  func looksHighEntropy(_ value: String) -> Bool {
    let bytes = Array(value.utf8)
    guard bytes.count >= minimumSecretLength, !value.contains(placeholder),
      bytes.allSatisfy({ Self.tokenCharacters.contains($0) })
    else { return false }
    let hasDigit = bytes.contains { (0x30...0x39).contains($0) }
    let hasLetter = bytes.contains { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    guard hasDigit && hasLetter else { return false }
    var counts: [UInt8: Int] = [:]
    for byte in bytes { counts[byte, default: 0] += 1 }
    let total = Double(bytes.count)
    let entropy = counts.values.reduce(0.0) { sum, count in
      let p = Double(count) / total
      return sum - p * log2(p)
    }
    return entropy >= 3.5
  }

  static func excerpt(_ value: String) -> String {
    let prefix = value.prefix(4)
    return value.count > 4 ? "\(prefix)…" : "…"
  }
}
