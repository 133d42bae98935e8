import DXCore
import Foundation

/// The readable JSON form of a cassette (`dxcassette export` / `import`).
///
/// ```json
/// {
///   "format": "dxcassette-export",
///   "interactions": [
///     {
///       "durationMicroseconds": 1520,
///       "id": 1,
///       "outcome": {"body": {"json": {...}}, "bodyEnd": "complete", "headers": [[...]], "kind": "response", "status": 200},
///       "recordedAt": "2026-11-27T09:41:12.345Z",
///       "request": {"body": {"json": {...}}, "headers": [["Content-Type", "application/json"]], "method": "POST", "url": "..."},
///       "sequence": 0
///     }
///   ],
///   "version": 1
/// }
/// ```
///
/// - Keys are sorted and interactions are in ID order, so the same cassette always exports to the same
///   bytes (a git textconv driver needs that).
/// - A body is `{"json": value}` when it is complete and valid JSON, `{"text": "..."}` when it is
///   UTF-8, `{"base64": "..."}` otherwise; an empty body is left out. A JSON body imports as its
///   compact form with sorted keys, so export → import → export is byte-identical.
/// - Optional keys, left out when unset: `timeToHeadersMicroseconds`, `tags` (a list of strings) and
///   `expiresAfterMilliseconds` (the interaction's own maximum age).
/// - `bodyEnd` is `"complete"`, `"closeDelimited"` or `{"truncated": {"declared": D, "received": R}}`;
///   a failure is `{"kind": "failure", "error": "<DXTransportError kind>", "message": "..."}`.
public enum DXCassetteExport {
  /// The `format` value.
  public static let format = "dxcassette-export"
  /// The `version` this code writes and reads.
  public static let version = 1

  // MARK: - Export

  /// The export JSON of `interactions` (in the order given), ending with a newline.
  public static func json(for interactions: [DXCassetteInteraction]) -> String {
    let document: DXJSON = [
      "format": .string(format),
      "version": .integer(version),
      "interactions": .array(interactions.map(json(for:))),
    ]
    return DXCassettePrettyJSON.render(document) + "\n"
  }

  /// One interaction as export JSON.
  public static func json(for interaction: DXCassetteInteraction) -> DXJSON {
    var object: [String: DXJSON] = [
      "request": requestJSON(interaction.request),
      "outcome": outcomeJSON(interaction.outcome),
      "sequence": .integer(interaction.sequence),
      "durationMicroseconds": .integer(microseconds(interaction.duration)),
      "recordedAt": .string(DXCassetteTimestamp.string(for: interaction.recordedAt)),
    ]
    if let id = interaction.id { object["id"] = .integer(Int(id)) }
    if let headers = interaction.timeToHeaders {
      object["timeToHeadersMicroseconds"] = .integer(microseconds(headers))
    }
    if !interaction.tags.isEmpty { object["tags"] = .array(interaction.tags.map { .string($0) }) }
    if let maximumAge = interaction.expiresAfter {
      object["expiresAfterMilliseconds"] = .integer(microseconds(maximumAge) / 1000)
    }
    return .object(object)
  }

  static func requestJSON(_ request: DXTransportRequest) -> DXJSON {
    var object: [String: DXJSON] = [
      "method": .string(request.method),
      "url": .string(request.url),
      "headers": headersJSON(request.headers),
    ]
    if let body = bodyJSON(request.body, complete: true) { object["body"] = body }
    return .object(object)
  }

  static func outcomeJSON(_ outcome: DXCassetteInteraction.Outcome) -> DXJSON {
    switch outcome {
    case .response(let response):
      var object: [String: DXJSON] = [
        "kind": "response",
        "status": .integer(response.status),
        "headers": headersJSON(response.headers),
      ]
      switch response.bodyEnd {
      case .complete:
        object["bodyEnd"] = "complete"
      case .closeDelimited:
        object["bodyEnd"] = "closeDelimited"
      case .truncated(let declared, let received):
        object["bodyEnd"] = ["truncated": ["declared": .integer(declared), "received": .integer(received)]]
      }
      if let body = bodyJSON(response.body, complete: response.bodyEnd == .complete) { object["body"] = body }
      return .object(object)
    case .failure(let error):
      var object: [String: DXJSON] = ["kind": "failure", "error": .string(error.kind.rawValue)]
      if !error.message.isEmpty { object["message"] = .string(error.message) }
      return .object(object)
    }
  }

  static func headersJSON(_ headers: DXHTTPHeaders) -> DXJSON {
    .array(headers.fields.map { .array([.string($0.name), .string($0.value)]) })
  }

  /// `{"json": …}`, `{"text": …}` or `{"base64": …}`; `nil` for an empty body.
  static func bodyJSON(_ body: Data, complete: Bool) -> DXJSON? {
    guard !body.isEmpty else { return nil }
    if complete, let value = try? DXJSON(parsing: body) { return ["json": value] }
    if let text = String(data: body, encoding: .utf8), Data(text.utf8) == body {
      return ["text": .string(text)]
    }
    return ["base64": .string(body.base64EncodedString())]
  }

  static func microseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
  }

  // MARK: - Import

  /// The interactions of an export document.
  /// - Throws: ``DXCassetteToolError/Kind/invalidExport`` naming the first invalid field.
  public static func interactions(fromJSON data: Data) throws(DXCassetteToolError) -> [DXCassetteInteraction]
  {
    let document: DXJSON
    do {
      document = try DXJSON(parsing: data)
    } catch {
      throw .invalidExport("the document", "invalid JSON: \(error)")
    }
    guard case .object(let top) = document else { throw .invalidExport("the document", "not a JSON object") }
    guard top["format"]?.stringValue == format else {
      throw .invalidExport("format", "expected \"\(format)\"")
    }
    guard let fileVersion = top["version"]?.intValue else { throw .invalidExport("version", "missing") }
    guard fileVersion <= version else {
      throw .invalidExport("version", "version \(fileVersion) is newer than this dxcassette (\(version))")
    }
    guard let list = top["interactions"]?.arrayValue else {
      throw .invalidExport("interactions", "missing or not an array")
    }
    var result: [DXCassetteInteraction] = []
    for (index, item) in list.enumerated() {
      result.append(try interaction(item, at: "interactions[\(index)]"))
    }
    return result
  }

  static func interaction(_ value: DXJSON, at location: String) throws(DXCassetteToolError)
    -> DXCassetteInteraction
  {
    guard case .object(let object) = value else { throw .invalidExport(location, "not an object") }
    let request = try requestValue(object["request"], at: location + ".request")
    let outcome = try outcomeValue(object["outcome"], at: location + ".outcome")
    let sequence = try int(object["sequence"], at: location + ".sequence", default: 0)
    let micros = try int(object["durationMicroseconds"], at: location + ".durationMicroseconds", default: 0)
    var recordedAt = Date(timeIntervalSince1970: 0)
    if let stamp = object["recordedAt"] {
      guard let text = stamp.stringValue, let date = DXCassetteTimestamp.date(from: text) else {
        throw .invalidExport(location + ".recordedAt", "expected a time like 2026-01-31T12:00:00.000Z")
      }
      recordedAt = date
    }
    var id: Int64?
    if let raw = object["id"] {
      guard let number = raw.intValue, number > 0 else {
        throw .invalidExport(location + ".id", "expected a positive integer")
      }
      id = Int64(number)
    }
    var timeToHeaders: Duration?
    if object["timeToHeadersMicroseconds"] != nil {
      timeToHeaders = .microseconds(
        try int(object["timeToHeadersMicroseconds"], at: location + ".timeToHeadersMicroseconds", default: 0))
    }
    var tags: [String] = []
    if let list = object["tags"] {
      guard let items = list.arrayValue?.compactMap(\.stringValue), items.count == list.arrayValue?.count
      else {
        throw .invalidExport(location + ".tags", "expected a list of strings")
      }
      tags = items
    }
    var expiresAfter: Duration?
    if object["expiresAfterMilliseconds"] != nil {
      let millis = try int(
        object["expiresAfterMilliseconds"], at: location + ".expiresAfterMilliseconds", default: 0)
      guard millis > 0 else {
        throw .invalidExport(location + ".expiresAfterMilliseconds", "expected a positive integer")
      }
      expiresAfter = .milliseconds(millis)
    }
    return DXCassetteInteraction(
      id: id, request: request, outcome: outcome, sequence: sequence, duration: .microseconds(micros),
      timeToHeaders: timeToHeaders, recordedAt: recordedAt, tags: tags, expiresAfter: expiresAfter)
  }

  static func requestValue(_ value: DXJSON?, at location: String) throws(DXCassetteToolError)
    -> DXTransportRequest
  {
    guard case .object(let object)? = value else {
      throw .invalidExport(location, "missing or not an object")
    }
    guard let method = object["method"]?.stringValue, !method.isEmpty else {
      throw .invalidExport(location + ".method", "missing")
    }
    guard let url = object["url"]?.stringValue else { throw .invalidExport(location + ".url", "missing") }
    return DXTransportRequest(
      method: method, url: url, headers: try headers(object["headers"], at: location + ".headers"),
      body: try body(object["body"], at: location + ".body"))
  }

  static func outcomeValue(_ value: DXJSON?, at location: String) throws(DXCassetteToolError)
    -> DXCassetteInteraction.Outcome
  {
    guard case .object(let object)? = value else {
      throw .invalidExport(location, "missing or not an object")
    }
    switch object["kind"]?.stringValue {
    case "response":
      guard let status = object["status"]?.intValue, (100...999).contains(status) else {
        throw .invalidExport(location + ".status", "expected an HTTP status")
      }
      let bodyEnd: DXTransportResponse.BodyEnd
      switch object["bodyEnd"] {
      case nil, .string("complete")?:
        bodyEnd = .complete
      case .string("closeDelimited")?:
        bodyEnd = .closeDelimited
      case .object(let truncated)?:
        guard let counts = truncated["truncated"], let declared = counts["declared"]?.intValue,
          let received = counts["received"]?.intValue, declared >= 0, received >= 0
        else {
          throw .invalidExport(
            location + ".bodyEnd", "expected {\"truncated\": {\"declared\": D, \"received\": R}}")
        }
        bodyEnd = .truncated(declared: declared, received: received)
      default:
        throw .invalidExport(
          location + ".bodyEnd", "expected \"complete\", \"closeDelimited\" or a truncation")
      }
      return .response(
        DXTransportResponse(
          status: status, headers: try headers(object["headers"], at: location + ".headers"),
          body: try body(object["body"], at: location + ".body"), bodyEnd: bodyEnd))
    case "failure":
      guard let kind = object["error"]?.stringValue, !kind.isEmpty else {
        throw .invalidExport(location + ".error", "missing the transport error kind")
      }
      let message = object["message"]?.stringValue ?? ""
      return .failure(DXTransportError(DXTransportError.Kind(rawValue: kind), message: message))
    default:
      throw .invalidExport(location + ".kind", "expected \"response\" or \"failure\"")
    }
  }

  static func headers(_ value: DXJSON?, at location: String) throws(DXCassetteToolError) -> DXHTTPHeaders {
    guard let value else { return DXHTTPHeaders() }
    guard let list = value.arrayValue else { throw .invalidExport(location, "expected [[name, value], …]") }
    var headers = DXHTTPHeaders()
    for (index, pair) in list.enumerated() {
      guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
        let text = items[1].stringValue, !name.isEmpty
      else { throw .invalidExport("\(location)[\(index)]", "expected [name, value]") }
      headers.add(name: name, value: text)
    }
    return headers
  }

  static func body(_ value: DXJSON?, at location: String) throws(DXCassetteToolError) -> Data {
    guard let value else { return Data() }
    guard case .object(let object) = value, object.count == 1, let (kind, content) = object.first else {
      throw .invalidExport(location, "expected {\"json\": …}, {\"text\": …} or {\"base64\": …}")
    }
    switch kind {
    case "json":
      return content.serializedData(sortedKeys: true)
    case "text":
      guard let text = content.stringValue else {
        throw .invalidExport(location + ".text", "expected a string")
      }
      return Data(text.utf8)
    case "base64":
      guard let text = content.stringValue, let data = Data(base64Encoded: text) else {
        throw .invalidExport(location + ".base64", "expected base64 text")
      }
      return data
    default:
      throw .invalidExport(location, "unknown body kind \"\(kind)\"")
    }
  }

  static func int(_ value: DXJSON?, at location: String, default fallback: Int) throws(DXCassetteToolError)
    -> Int
  {
    guard let value else { return fallback }
    guard let number = value.intValue, number >= 0 else {
      throw .invalidExport(location, "expected a non-negative integer")
    }
    return number
  }
}
