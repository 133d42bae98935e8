import DXCore
import Foundation

/// HAR 1.2 (HTTP Archive) import and export: the format browsers' developer tools, mitmproxy,
/// Polly.js and Swift's Replay write.
///
/// **Import.** Each `log.entries[]` item becomes an interaction: the request (method, URL, headers,
/// `postData.text`, base64 when `postData.encoding` is `"base64"`), the response (status, headers,
/// `content.text`, base64 when `content.encoding` is `"base64"`), `startedDateTime` as the recording
/// time (to the millisecond) and the timings: time to headers is `blocked + dns + connect + send +
/// wait` (`-1` counts as 0; `ssl` is part of `connect`), time to the last byte is the entry's `time`.
/// A response with status 0 (what browsers write for a request that got no answer) is a failure.
/// What a cassette cannot hold is reported as a note on the entry, never dropped silently: HTTP/2
/// pseudo-headers (`:authority`, …) are left out; a `Content-Encoding` header is left out because HAR
/// keeps the decoded body; a response body the HAR did not capture imports as empty; form
/// `postData.params` without `text` are re-encoded as `application/x-www-form-urlencoded`.
///
/// **Export.** Every interaction becomes an entry. DXKit's own facts that HAR has no field for travel
/// in `_`-prefixed custom fields (allowed by HAR 1.2), so import → export → import is lossless:
/// `_dxBodyEnd` (a body cut short or close-delimited), `_dxError` (a transport failure, beside
/// status 0 and Chrome's `_error` text), `_dxTags`, `_dxExpiresAfterMs`.
public enum DXCassetteHAR {
  /// The `log.creator.name` written on export.
  public static let creatorName = "DXKit dxcassette"

  // MARK: - Export

  /// The HAR document of `interactions` (in the order given), ending with a newline.
  public static func document(for interactions: [DXCassetteInteraction]) -> DXCassetteConversion<String> {
    let log: DXJSON = [
      "version": "1.2",
      "creator": ["name": .string(creatorName), "version": "1"],
      "entries": .array(interactions.map(entry(for:))),
    ]
    return DXCassetteConversion(value: DXCassettePrettyJSON.render(["log": log]) + "\n")
  }

  /// One interaction as a HAR entry.
  static func entry(for interaction: DXCassetteInteraction) -> DXJSON {
    let total = milliseconds(interaction.duration)
    let headers = interaction.timeToHeaders.map(milliseconds) ?? total
    var entry: [String: DXJSON] = [
      "startedDateTime": .string(DXCassetteTimestamp.string(for: interaction.recordedAt)),
      "time": number(total),
      "request": requestJSON(interaction.request),
      "cache": [:],
      "timings": [
        "blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": number(headers),
        "receive": number(max(0, total - headers)),
      ],
    ]
    if !interaction.tags.isEmpty { entry["_dxTags"] = .array(interaction.tags.map { .string($0) }) }
    if let maximumAge = interaction.expiresAfter {
      entry["_dxExpiresAfterMs"] = number(milliseconds(maximumAge))
    }
    switch interaction.outcome {
    case .response(let response):
      entry["response"] = responseJSON(response)
      switch response.bodyEnd {
      case .complete: break
      case .closeDelimited: entry["_dxBodyEnd"] = "closeDelimited"
      case .truncated(let declared, let received):
        entry["_dxBodyEnd"] = ["truncated": ["declared": .integer(declared), "received": .integer(received)]]
      }
    case .failure(let error):
      entry["response"] = [
        "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
        "content": ["size": 0, "mimeType": ""], "redirectURL": "", "headersSize": -1, "bodySize": -1,
        "_error": .string(error.description),
      ]
      var failure: [String: DXJSON] = ["kind": .string(error.kind.rawValue)]
      if !error.message.isEmpty { failure["message"] = .string(error.message) }
      entry["_dxError"] = .object(failure)
    }
    return .object(entry)
  }

  static func requestJSON(_ request: DXTransportRequest) -> DXJSON {
    var object: [String: DXJSON] = [
      "method": .string(request.method), "url": .string(request.url), "httpVersion": "HTTP/1.1",
      "cookies": [], "headers": headersJSON(request.headers), "queryString": queryJSON(request.url),
      "headersSize": -1, "bodySize": .integer(request.body.count),
    ]
    if !request.body.isEmpty {
      var postData = content(request.body)
      postData["mimeType"] = .string(request.headers["Content-Type"] ?? "")
      object["postData"] = .object(postData)
    }
    return .object(object)
  }

  static func responseJSON(_ response: DXTransportResponse) -> DXJSON {
    var body = content(response.body)
    body["size"] = .integer(response.body.count)
    body["mimeType"] = .string(response.headers["Content-Type"] ?? "")
    return [
      "status": .integer(response.status), "statusText": .string(DXHTTPReason.phrase(for: response.status)),
      "httpVersion": "HTTP/1.1", "cookies": [], "headers": headersJSON(response.headers),
      "content": .object(body), "redirectURL": .string(response.headers["Location"] ?? ""), "headersSize": -1,
      "bodySize": .integer(response.body.count),
    ]
  }

  /// `{"text": …}` for UTF-8, `{"text": base64, "encoding": "base64"}` otherwise (empty for no body).
  static func content(_ body: Data) -> [String: DXJSON] {
    guard !body.isEmpty else { return [:] }
    if let text = String(data: body, encoding: .utf8), Data(text.utf8) == body {
      return ["text": .string(text)]
    }
    return ["text": .string(body.base64EncodedString()), "encoding": "base64"]
  }

  static func headersJSON(_ headers: DXHTTPHeaders) -> DXJSON {
    .array(headers.fields.map { ["name": .string($0.name), "value": .string($0.value)] })
  }

  static func queryJSON(_ url: String) -> DXJSON {
    let query = DXCassetteURL.query(of: url)
    guard !query.isEmpty else { return [] }
    return .array(
      query.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let value = parts.count > 1 ? String(parts[1]) : ""
        return [
          "name": .string(name.removingPercentEncoding ?? name),
          "value": .string(value.removingPercentEncoding ?? value),
        ]
      })
  }

  /// Milliseconds, to the microsecond.
  static func milliseconds(_ duration: Duration) -> Double {
    Double(DXCassetteExport.microseconds(duration)) / 1000
  }

  /// A whole number as an integer, anything else as a double.
  static func number(_ value: Double) -> DXJSON {
    value == value.rounded() && abs(value) < 1e15 ? .integer(Int(value)) : .double(value)
  }

  // MARK: - Import

  /// The interactions of a HAR document, with a note for each entry that could not be carried over
  /// whole.
  /// - Throws: ``DXCassetteToolError/Kind/invalidExport`` naming the first field that makes an entry
  ///   unreadable (a HAR that is not JSON, has no `log.entries`, or an entry without a method or URL).
  public static func interactions(fromHAR data: Data) throws(DXCassetteToolError)
    -> DXCassetteConversion<[DXCassetteInteraction]>
  {
    let document: DXJSON
    do {
      document = try DXJSON(parsing: data)
    } catch {
      throw .invalidFile("HAR", "the document", "invalid JSON: \(error)")
    }
    guard let entries = document["log"]?["entries"]?.arrayValue else {
      throw .invalidFile("HAR", "log.entries", "missing or not an array")
    }
    var result: [DXCassetteInteraction] = []
    result.reserveCapacity(entries.count)
    var notes: [DXCassetteConversion<[DXCassetteInteraction]>.Note] = []
    for (index, item) in entries.enumerated() {
      let location = "entries[\(index)]"
      var entryNotes: [String] = []
      result.append(try interaction(item, at: location, notes: &entryNotes))
      notes += entryNotes.map { .init(location: location, message: $0) }
    }
    return DXCassetteConversion(value: result, notes: notes)
  }

  static func interaction(_ entry: DXJSON, at location: String, notes: inout [String])
    throws(DXCassetteToolError)
    -> DXCassetteInteraction
  {
    guard case .object(let object) = entry else { throw .invalidFile("HAR", location, "not an object") }
    guard case .object(let request)? = object["request"] else {
      throw .invalidFile("HAR", location + ".request", "missing or not an object")
    }
    guard let method = request["method"]?.stringValue, !method.isEmpty else {
      throw .invalidFile("HAR", location + ".request.method", "missing")
    }
    guard let url = request["url"]?.stringValue, !url.isEmpty else {
      throw .invalidFile("HAR", location + ".request.url", "missing")
    }
    let requestHeaders = try headers(request["headers"], at: location + ".request.headers", notes: &notes)
    let requestBody = try postData(
      request["postData"], size: request["bodySize"]?.intValue, at: location + ".request.postData",
      notes: &notes)
    let outcome = try outcome(object, at: location, notes: &notes)
    var recordedAt = Date(timeIntervalSince1970: 0)
    if let started = object["startedDateTime"]?.stringValue {
      guard let date = DXCassetteTimestamp.date(fromISO8601: started) else {
        throw .invalidFile(
          "HAR", location + ".startedDateTime", "not an ISO 8601 time: \(started.prefix(40))")
      }
      recordedAt = date
    } else {
      notes.append("no startedDateTime; recorded at 1970-01-01")
    }
    let (timeToHeaders, total) = timings(object)
    var tags: [String] = []
    if let list = object["_dxTags"]?.arrayValue { tags = list.compactMap(\.stringValue) }
    var expiresAfter: Duration?
    if let value = object["_dxExpiresAfterMs"]?.doubleValue, value > 0 { expiresAfter = duration(value) }
    return DXCassetteInteraction(
      request: DXTransportRequest(method: method, url: url, headers: requestHeaders, body: requestBody),
      outcome: outcome, duration: total, timeToHeaders: timeToHeaders, recordedAt: recordedAt, tags: tags,
      expiresAfter: expiresAfter)
  }

  static func outcome(_ entry: [String: DXJSON], at location: String, notes: inout [String])
    throws(DXCassetteToolError) -> DXCassetteInteraction.Outcome
  {
    guard case .object(let response)? = entry["response"] else {
      throw .invalidFile("HAR", location + ".response", "missing or not an object")
    }
    guard let status = response["status"]?.intValue, status == 0 || (100...999).contains(status) else {
      throw .invalidFile("HAR", location + ".response.status", "expected an HTTP status or 0")
    }
    if status == 0 {
      if let failure = entry["_dxError"], let kind = failure["kind"]?.stringValue, !kind.isEmpty {
        return .failure(
          DXTransportError(.init(rawValue: kind), message: failure["message"]?.stringValue ?? ""))
      }
      let text = response["_error"]?.stringValue ?? ""
      notes.append(
        "no response (status 0\(text.isEmpty ? "" : ", \(text)")): imported as a transport failure")
      return .failure(DXTransportError(failureKind(text), message: text))
    }
    var responseHeaders = try headers(response["headers"], at: location + ".response.headers", notes: &notes)
    let contentLocation = location + ".response.content"
    guard case .object(let content)? = response["content"] else {
      throw .invalidFile("HAR", contentLocation, "missing or not an object")
    }
    let body = try decodedText(content, size: content["size"]?.intValue, at: contentLocation, notes: &notes)
    if body.isEmpty, let size = content["size"]?.intValue, size > 0 {
      notes.append("the response body (\(size) bytes) is not in the HAR: imported as empty")
    }
    if responseHeaders.contains("Content-Encoding") {
      responseHeaders.remove(name: "Content-Encoding")
      notes.append("Content-Encoding left out: HAR keeps the decoded body")
    }
    var bodyEnd = DXTransportResponse.BodyEnd.complete
    switch entry["_dxBodyEnd"] {
    case nil, .string("complete")?: break
    case .string("closeDelimited")?: bodyEnd = .closeDelimited
    case let value?:
      guard let declared = value["truncated"]?["declared"]?.intValue,
        let received = value["truncated"]?["received"]?.intValue, declared >= 0, received >= 0
      else {
        throw .invalidFile(
          "HAR", location + "._dxBodyEnd",
          "expected \"closeDelimited\" or {\"truncated\": {\"declared\", \"received\"}}")
      }
      bodyEnd = .truncated(declared: declared, received: received)
    }
    return .response(
      DXTransportResponse(status: status, headers: responseHeaders, body: body, bodyEnd: bodyEnd))
  }

  /// A browser's error text as a transport error kind (`net::ERR_CONNECTION_RESET` → reset, …).
  static func failureKind(_ text: String) -> DXTransportError.Kind {
    let upper = text.uppercased()
    if upper.contains("RESET") { return .connectionReset }
    if upper.contains("REFUSED") { return .connectionRefused }
    if upper.contains("TIMED_OUT") || upper.contains("TIMEOUT") { return .readTimeout }
    if upper.contains("NAME_NOT_RESOLVED") { return .nameResolution }
    return .noResponse
  }

  static func headers(_ value: DXJSON?, at location: String, notes: inout [String])
    throws(DXCassetteToolError)
    -> DXHTTPHeaders
  {
    guard let value else { return DXHTTPHeaders() }
    guard let list = value.arrayValue else {
      throw .invalidFile("HAR", location, "expected [{name, value}, …]")
    }
    var result = DXHTTPHeaders()
    var pseudo: [String] = []
    for (index, item) in list.enumerated() {
      guard let name = item["name"]?.stringValue, !name.isEmpty, let text = item["value"]?.stringValue else {
        throw .invalidFile("HAR", "\(location)[\(index)]", "expected {\"name\": …, \"value\": …}")
      }
      if name.hasPrefix(":") {
        pseudo.append(name)
        continue
      }
      result.add(name: name, value: text)
    }
    if !pseudo.isEmpty { notes.append("HTTP/2 pseudo-headers left out: \(pseudo.joined(separator: ", "))") }
    return result
  }

  static func postData(_ value: DXJSON?, size: Int?, at location: String, notes: inout [String])
    throws(DXCassetteToolError) -> Data
  {
    guard case .object(let object)? = value else { return Data() }
    if object["text"] == nil, let params = object["params"]?.arrayValue, !params.isEmpty {
      notes.append("form params re-encoded as application/x-www-form-urlencoded")
      var allowed = CharacterSet.alphanumerics
      allowed.insert(charactersIn: "-._~")
      let pairs = params.map { param -> String in
        let name = param["name"]?.stringValue ?? ""
        let text = param["value"]?.stringValue ?? ""
        return (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + "="
          + (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text)
      }
      return Data(pairs.joined(separator: "&").utf8)
    }
    return try decodedText(object, size: size, at: location, notes: &notes)
  }

  /// `text`, base64-decoded when `encoding` (or `_encoding`) is `"base64"`.
  ///
  /// Some tools (mitmproxy) write a binary body as text with one character per byte: when the UTF-8
  /// form of `text` does not have the recorded `size` but its character count does and every
  /// character is below U+0100, the characters are the bytes (noted).
  static func decodedText(
    _ object: [String: DXJSON], size: Int? = nil, at location: String, notes: inout [String]
  ) throws(DXCassetteToolError) -> Data {
    guard let text = object["text"]?.stringValue else { return Data() }
    let encoding = object["encoding"]?.stringValue ?? object["_encoding"]?.stringValue
    guard encoding == "base64" else {
      let utf8 = Data(text.utf8)
      if let size, size >= 0, utf8.count != size, text.unicodeScalars.count == size,
        text.unicodeScalars.allSatisfy({ $0.value <= 0xFF })
      {
        notes.append(
          "body text taken as one byte per character (its UTF-8 form is not the recorded \(size) bytes)")
        return Data(text.unicodeScalars.map { UInt8($0.value) })
      }
      return utf8
    }
    guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
      throw .invalidFile("HAR", location + ".text", "not base64")
    }
    return data
  }

  /// Time to headers and to the last byte of an entry (`time`, or the sum of its timings).
  static func timings(_ entry: [String: DXJSON]) -> (headers: Duration?, total: Duration) {
    let timings = entry["timings"]?.objectValue ?? [:]
    func part(_ name: String) -> Double { max(0, timings[name]?.doubleValue ?? 0) }
    let beforeHeaders = part("blocked") + part("dns") + part("connect") + part("send") + part("wait")
    let total = max(0, entry["time"]?.doubleValue ?? beforeHeaders + part("receive"))
    guard timings["wait"] != nil else { return (nil, duration(total)) }
    return (duration(min(beforeHeaders, total)), duration(total))
  }

  /// Milliseconds (fractional) as a duration, to the microsecond.
  static func duration(_ milliseconds: Double) -> Duration {
    .microseconds(Int64((milliseconds * 1000).rounded()))
  }
}
