import DXCore
import Foundation

/// Rewrite rules written as JSON (`dx-mock-server --record … --rewrite FILE`), turned into
/// ``DXCassetteHooks`` for clients that cannot pass Swift closures.
///
/// ```json
/// {
///   "drop": [{"method": "POST", "path": "/system/greet"}],
///   "request": {"removeHeaders": ["X-Trace-ID"], "removeQueryParameters": ["ts"],
///               "removeBodyFields": ["clientTime"], "replace": [{"from": "alice@example.org", "to": "user@example.org"}]},
///   "response": {"removeHeaders": ["Set-Cookie"], "removeBodyFields": ["debug"], "replace": []}
/// }
/// ```
///
/// - `drop`: requests (method optional, `path` with `*` globs) that are neither recorded nor matched.
/// - `request`: applied to the request before it is stored, and to a live request before it is matched
///   (so a removed value never takes part in matching); the request sent upstream is unchanged.
/// - `response`: applied to the answer before it is stored (the client gets the live answer).
/// - `removeBodyFields` removes a JSON field at any depth (`name`) or at a dotted path (`a.b`);
///   `replace` replaces literal text in the URL, header values and bodies.
public struct DXCassetteRewriteRules: Sendable, Hashable {
  /// What to do to one side of an exchange.
  public struct Side: Sendable, Hashable {
    /// Header names (case-insensitive) removed.
    public var removeHeaders: [String] = []
    /// Query parameters removed from the URL (request only).
    public var removeQueryParameters: [String] = []
    /// JSON body fields removed: a plain name at any depth, a dotted path only there.
    public var removeBodyFields: [String] = []
    /// Literal replacements, in order.
    public var replace: [(from: String, to: String)] = []

    /// Creates an empty side.
    public init() {}

    /// Two sides are equal when every rule is.
    public static func == (lhs: Side, rhs: Side) -> Bool {
      lhs.removeHeaders == rhs.removeHeaders && lhs.removeQueryParameters == rhs.removeQueryParameters
        && lhs.removeBodyFields == rhs.removeBodyFields
        && lhs.replace.map { [$0.from, $0.to] } == rhs.replace.map { [$0.from, $0.to] }
    }

    /// Hashes every rule.
    public func hash(into hasher: inout Hasher) {
      hasher.combine(removeHeaders)
      hasher.combine(removeQueryParameters)
      hasher.combine(removeBodyFields)
      hasher.combine(replace.map { [$0.from, $0.to] })
    }
  }

  /// Requests that are neither recorded nor matched: `(method or nil for any, path glob)`.
  public var drop: [DXCassetteRequestPattern] = []
  /// Rewrites of the request.
  public var request = Side()
  /// Rewrites of the response.
  public var response = Side()

  /// Creates empty rules.
  public init() {}

  /// Parses the JSON form.
  /// - Throws: ``DXCassetteError/Kind-swift.struct/invalidData`` naming the first invalid field.
  public init(json data: Data) throws(DXCassetteError) {
    guard case .object(let top)? = try? DXJSON(parsing: data) else {
      throw Self.invalid("the document", "not a JSON object")
    }
    for key in top.keys where !["drop", "request", "response"].contains(key) {
      throw Self.invalid(key, "unknown key (expected drop, request, response)")
    }
    if let list = top["drop"] {
      guard let items = list.arrayValue else { throw Self.invalid("drop", "expected a list") }
      for (index, item) in items.enumerated() {
        guard let path = item["path"]?.stringValue, path.hasPrefix("/") else {
          throw Self.invalid("drop[\(index)].path", "expected a path starting with /")
        }
        drop.append(DXCassetteRequestPattern(method: item["method"]?.stringValue, path: path))
      }
    }
    request = try Self.side(top["request"], at: "request")
    response = try Self.side(top["response"], at: "response")
  }

  private static func side(_ value: DXJSON?, at location: String) throws(DXCassetteError) -> Side {
    var side = Side()
    guard let value else { return side }
    guard case .object(let object) = value else { throw invalid(location, "expected an object") }
    func strings(_ key: String) throws(DXCassetteError) -> [String] {
      guard let list = object[key] else { return [] }
      guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
        throw invalid("\(location).\(key)", "expected a list of strings")
      }
      return items.compactMap(\.stringValue)
    }
    for key in object.keys
    where !["removeHeaders", "removeQueryParameters", "removeBodyFields", "replace"].contains(key) {
      throw invalid("\(location).\(key)", "unknown key")
    }
    side.removeHeaders = try strings("removeHeaders")
    side.removeQueryParameters = try strings("removeQueryParameters")
    side.removeBodyFields = try strings("removeBodyFields")
    if let list = object["replace"] {
      guard let items = list.arrayValue else { throw invalid("\(location).replace", "expected a list") }
      for (index, item) in items.enumerated() {
        guard let from = item["from"]?.stringValue, !from.isEmpty, let to = item["to"]?.stringValue else {
          throw invalid("\(location).replace[\(index)]", "expected {\"from\": non-empty text, \"to\": text}")
        }
        side.replace.append((from, to))
      }
    }
    return side
  }

  private static func invalid(_ location: String, _ reason: String) -> DXCassetteError {
    DXCassetteError(kind: .invalidData, message: "rewrite rules: \(location): \(reason)")
  }

  // MARK: - As hooks

  /// The rules as hooks (`drop` and `request` in `beforeRecordRequest`, `response` in
  /// `beforeRecordResponse`).
  public var hooks: DXCassetteHooks {
    let rules = self
    return DXCassetteHooks(
      beforeRecordRequest: { request in
        if rules.drop.contains(where: { $0.matches(request) }) { return nil }
        return rules.rewrite(request)
      },
      beforeRecordResponse: { interaction in
        guard case .response(let response) = interaction.outcome else { return interaction }
        var changed = interaction
        changed.outcome = .response(rules.rewrite(response))
        return changed
      })
  }

  /// `request` with the request rules applied.
  func rewrite(_ request: DXTransportRequest) -> DXTransportRequest {
    var result = request
    result.url = Self.removingQuery(request.url, names: Set(self.request.removeQueryParameters))
    result.headers = Self.rewrite(request.headers, self.request)
    result.body = Self.rewrite(request.body, self.request)
    for (from, to) in self.request.replace {
      result.url = result.url.replacingOccurrences(of: from, with: to)
    }
    return result
  }

  /// `response` with the response rules applied.
  func rewrite(_ response: DXTransportResponse) -> DXTransportResponse {
    var result = response
    result.headers = Self.rewrite(response.headers, self.response)
    if response.bodyEnd == .complete { result.body = Self.rewrite(response.body, self.response) }
    return result
  }

  static func rewrite(_ headers: DXHTTPHeaders, _ side: Side) -> DXHTTPHeaders {
    let removed = Set(side.removeHeaders.map { $0.lowercased() })
    var result = DXHTTPHeaders()
    for field in headers.fields where !removed.contains(field.name.lowercased()) {
      var value = field.value
      for (from, to) in side.replace { value = value.replacingOccurrences(of: from, with: to) }
      result.add(name: field.name, value: value)
    }
    return result
  }

  static func rewrite(_ body: Data, _ side: Side) -> Data {
    var result = body
    if !side.removeBodyFields.isEmpty, let json = try? DXJSON(parsing: body) {
      result = removing(Set(side.removeBodyFields), from: json, path: "").serializedData()
    }
    guard !side.replace.isEmpty, var text = String(data: result, encoding: .utf8) else { return result }
    for (from, to) in side.replace { text = text.replacingOccurrences(of: from, with: to) }
    return Data(text.utf8)
  }

  static func removing(_ fields: Set<String>, from json: DXJSON, path: String) -> DXJSON {
    switch json {
    case .object(let members):
      var kept: [String: DXJSON] = [:]
      for (name, value) in members {
        let child = path.isEmpty ? name : "\(path).\(name)"
        if fields.contains(name) || fields.contains(child) { continue }
        kept[name] = removing(fields, from: value, path: child)
      }
      return .object(kept)
    case .array(let items):
      return .array(items.map { removing(fields, from: $0, path: path) })
    default:
      return json
    }
  }

  static func removingQuery(_ url: String, names: Set<String>) -> String {
    guard !names.isEmpty, let mark = url.firstIndex(of: "?") else { return url }
    let kept = url[url.index(after: mark)...].split(separator: "&").filter { pair in
      let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
      return !names.contains(name.removingPercentEncoding ?? name)
    }
    return String(url[..<mark]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
  }
}
