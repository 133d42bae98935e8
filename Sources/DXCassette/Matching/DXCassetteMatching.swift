import DXCore
import Foundation

/// Which parts of a request must agree for a recorded interaction to answer it.
///
/// The default matches the method, the path (without query) and the canonical JSON body: object key
/// order does not matter, the volatile fields in ``ignoredBodyFields`` (`nonce`) are left out, and
/// redacted values (see ``DXSecretScanner``) compare equal. Those three parts form the cassette's
/// indexed match key; the key is computed from the raw stored fields and recomputed whenever these
/// settings change (see ``fingerprint``), never baked in. ``headers`` and ``custom`` matchers then
/// narrow the indexed candidates.
public struct DXCassetteMatching: Sendable {
  /// Match the method. Defaults to `true`.
  public var method: Bool
  /// Match the path (without scheme, host and query). Defaults to `true`.
  public var path: Bool
  /// Match the query string too (byte for byte). Defaults to `false`.
  public var query: Bool
  /// Match the body: canonical JSON for JSON bodies, the exact bytes otherwise. Defaults to `true`.
  public var body: Bool
  /// JSON body fields left out of the comparison. A plain name (`"nonce"`) is ignored at any
  /// depth; a dotted path (`"input.seed"`) only there. Defaults to `["nonce"]`.
  public var ignoredBodyFields: Set<String>
  /// Header names (case-insensitive) whose values must be equal. Redacted headers are skipped.
  /// Defaults to none.
  public var headers: [String]
  /// Further rules applied to the indexed candidates. Defaults to none.
  public var custom: [any DXCassetteRequestMatcher]

  /// Creates matching settings; every parameter defaults to the documented default.
  public init(
    method: Bool = true, path: Bool = true, query: Bool = false, body: Bool = true,
    ignoredBodyFields: Set<String> = ["nonce"], headers: [String] = [],
    custom: [any DXCassetteRequestMatcher] = []
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.body = body
    self.ignoredBodyFields = ignoredBodyFields
    self.headers = headers
    self.custom = custom
  }

  /// Method, path and canonical JSON body, with `nonce` ignored.
  public static let `default` = DXCassetteMatching()

  /// A string that changes whenever the indexed key would: the cassette stores it and rebuilds its
  /// key index when it differs.
  public var fingerprint: String {
    let ignored = ignoredBodyFields.sorted().joined(separator: ",")
    return "key-v1;method=\(method);path=\(path);query=\(query);body=\(body);ignore=\(ignored)"
  }

  /// Whether candidates need their stored request loaded to apply ``headers`` or ``custom``.
  var needsCandidateCheck: Bool { !headers.isEmpty || !custom.isEmpty }
}

/// The indexed part of a request's identity.
struct DXCassetteMatchKey: Sendable, Hashable {
  var method: String
  var path: String
  var body: String
}

extension DXCassetteMatching {
  /// The key of an already redacted request.
  ///
  /// With a `plan` (see ``DXCanonicalJSONHasher/Plan``), a JSON body in the hasher's subset is keyed
  /// in one pass over its bytes; any other body takes the general code, which gives the same key.
  func key(
    method requestMethod: String, url: String, body requestBody: Data, placeholder: String,
    plan: DXCanonicalJSONHasher.Plan? = nil
  ) -> DXCassetteMatchKey {
    var keyPath = "*"
    if path {
      keyPath = DXCassetteURL.path(of: url)
      if query {
        let queryString = DXCassetteURL.query(of: url)
        if !queryString.isEmpty { keyPath += "?" + queryString }
      }
    } else if query {
      keyPath = "?" + DXCassetteURL.query(of: url)
    }
    return DXCassetteMatchKey(
      method: method ? requestMethod.uppercased() : "*", path: keyPath,
      body: body ? bodyKey(requestBody, placeholder: placeholder, plan: plan) : "*")
  }

  /// `""` for no body, `j<hash>` for JSON (canonical), `r<hash>` for other bytes.
  ///
  /// With a `plan`, a body within ``DXCanonicalJSONHasher``'s subset is hashed in one pass, without
  /// building its ``DXJSON`` tree; the result is the general code's.
  func bodyKey(_ data: Data, placeholder: String, plan: DXCanonicalJSONHasher.Plan? = nil) -> String {
    if data.isEmpty { return "" }
    if let plan, let hash = DXCanonicalJSONHasher.canonicalHash(of: data, plan: plan) {
      return Self.hex(hash, prefix: UInt8(ascii: "j"))
    }
    if let json = canonicalBody(data, placeholder: placeholder) {
      return "j" + Self.hash(json.serialized(sortedKeys: true))
    }
    return "r" + Self.hash(data)
  }

  /// The body as JSON with ignored fields removed and redacted strings normalized, or `nil` when the
  /// body is not JSON.
  func canonicalBody(_ data: Data, placeholder: String) -> DXJSON? {
    guard !data.isEmpty, let json = try? DXJSON(parsing: data) else { return nil }
    // Dotted paths are only built when an ignored field is one (a nested member's path always has a
    // dot, so without dotted entries only the plain name can be ignored).
    let tracksPaths = ignoredBodyFields.contains { $0.utf8.contains(UInt8(ascii: ".")) }
    return canonicalize(json, path: "", tracksPaths: tracksPaths, placeholder: placeholder) ?? json
  }

  /// `json` with ignored fields removed and redacted strings normalized, or `nil` when that changes
  /// nothing (the usual case, which then copies nothing).
  private func canonicalize(_ json: DXJSON, path: String, tracksPaths: Bool, placeholder: String) -> DXJSON? {
    switch json {
    case .object(let members):
      var result = members
      var changed = false
      for (name, value) in members {
        var childPath = ""
        if tracksPaths { childPath = path.isEmpty ? name : "\(path).\(name)" }
        if ignoredBodyFields.contains(name) || (tracksPaths && ignoredBodyFields.contains(childPath)) {
          result.removeValue(forKey: name)
          changed = true
        } else if let canonical = canonicalize(
          value, path: childPath, tracksPaths: tracksPaths, placeholder: placeholder)
        {
          result[name] = canonical
          changed = true
        }
      }
      return changed ? .object(result) : nil
    case .array(let elements):
      var result = elements
      var changed = false
      for (offset, element) in elements.enumerated() {
        if let canonical = canonicalize(
          element, path: path, tracksPaths: tracksPaths, placeholder: placeholder)
        {
          result[offset] = canonical
          changed = true
        }
      }
      return changed ? .array(result) : nil
    case .string(let text) where Self.contains(placeholder, in: text):
      // Redacted values are excluded from matching.
      return text == placeholder ? nil : .string(placeholder)
    default:
      return nil
    }
  }

  /// `text.contains(placeholder)`, answered on the bytes when both are ASCII.
  static func contains(_ placeholder: String, in text: String) -> Bool {
    if DXHTTPHeaders.isASCII(placeholder), DXHTTPHeaders.isASCII(text) {
      return DXByteSearch.occurs(placeholder.utf8, in: text.utf8)
    }
    return text.contains(placeholder)
  }

  /// 64-bit FNV-1a, as 16 hex digits.
  static func hash<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var value = fnv1aOffsetBasis
    for byte in bytes { value = fnv1a(value, byte) }
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The 64-bit FNV-1a offset basis: the hash of no bytes.
  static let fnv1aOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

  /// One step of 64-bit FNV-1a: `hash` followed by `byte` (the key's hash, here and in
  /// ``DXCanonicalJSONHasher``).
  @inline(__always)
  static func fnv1a(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
    (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
  }

  private static let hexDigits: StaticString = "0123456789abcdef"

  /// `prefix` and `value` as 16 lower-case hex digits, written at once (what `"j" + hash(...)` gives).
  static func hex(_ value: UInt64, prefix: UInt8) -> String {
    String(unsafeUninitializedCapacity: 17) { buffer in
      buffer[0] = prefix
      for position in 0..<16 {
        let nibble = Int((value >> UInt64(60 - 4 * position)) & 0xF)
        buffer[1 + position] = hexDigits.utf8Start[nibble]
      }
      return 17
    }
  }
}
