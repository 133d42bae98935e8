import DXCore
import Foundation
import Yams

/// VCR.py cassette import and export: the YAML files (`version: 1`, VCR.py 4 and later) that Python
/// users of the DNAnexus API record with `vcrpy` or `pytest-recording`.
///
/// ```yaml
/// interactions:
/// - request:
///     body: '{"fields": {"name": true}}'    # null, a string, or !!binary base64
///     headers:
///       Content-Type:
///       - application/json
///     method: POST
///     uri: http://127.0.0.1:8124/file-xxxx/describe
///   response:
///     body:
///       string: '{"id": "file-xxxx"}'        # a string or !!binary base64
///     headers: {...}
///     status: {code: 200, message: OK}
/// version: 1
/// ```
///
/// **Import.** Strings are bodies encoded as UTF-8 (what VCR.py does when it loads them), `!!binary`
/// values are the bytes. VCR.py keeps neither recording times nor timings: imported interactions are
/// stamped with the import time (`now`) and take no time. Headers keep the file's order, each name's
/// values in order. A status message other than the standard reason phrase is noted (a cassette
/// does not keep reason phrases).
///
/// **Export.** Keys are sorted as VCR.py writes them, so a cassette exported twice is byte-identical.
/// What VCR.py cannot hold is reported per interaction: a transport failure (reset, timeout, …) is
/// left out; a body cut short or delimited by closing the connection is written as the bytes that
/// arrived; tags and a maximum age are left out; headers are grouped by name (VCR.py keeps a list of
/// values per name, not their interleaving).
public enum DXCassetteVCR {
  /// The cassette format version VCR.py 4+ writes and reads.
  public static let version = 1

  // MARK: - Export

  /// The VCR.py YAML of `interactions` (in the order given), with a note for each interaction that
  /// could not be written whole.
  public static func document(for interactions: [DXCassetteInteraction]) -> DXCassetteConversion<String> {
    var writer = DXCassetteYAMLWriter()
    var notes: [DXCassetteConversion<String>.Note] = []
    var written = 0
    for (index, interaction) in interactions.enumerated() {
      let location = interaction.id.map { "#\($0)" } ?? "interactions[\(index)]"
      func note(_ message: String) { notes.append(.init(location: location, message: message)) }
      guard case .response(let response) = interaction.outcome else {
        note(
          "no response (\(interaction.failure?.kind.rawValue ?? "failure")): VCR.py cannot hold a transport failure; left out"
        )
        continue
      }
      if written == 0 { writer.key("interactions", indent: 0) }
      written += 1
      switch response.bodyEnd {
      case .complete: break
      case .closeDelimited: note("body delimited by closing the connection: written as a complete body")
      case .truncated(let declared, let received):
        note("body cut short (\(received) of \(declared) bytes): written as the bytes received")
      }
      if !interaction.tags.isEmpty || interaction.expiresAfter != nil {
        note("tags and maximum age left out (VCR.py has no field for them)")
      }
      writer.key("request", indent: 2, prefix: "- ")
      body("body", interaction.request.body, indent: 4, nullWhenEmpty: true, into: &writer)
      headers(interaction.request.headers, indent: 4, into: &writer)
      writer.pair("method", interaction.request.method, indent: 4)
      writer.pair("uri", interaction.request.url, indent: 4)
      writer.key("response", indent: 2)
      writer.key("body", indent: 4)
      body("string", response.body, indent: 6, nullWhenEmpty: false, into: &writer)
      headers(response.headers, indent: 4, into: &writer)
      writer.key("status", indent: 4)
      writer.raw("code", String(response.status), indent: 6)
      writer.pair("message", DXHTTPReason.phrase(for: response.status), indent: 6)
    }
    var text = writer.text
    if written == 0 { text = "interactions: []\n" }
    text += "version: \(version)\n"
    return DXCassetteConversion(value: text, notes: notes)
  }

  private static func body(
    _ name: String, _ data: Data, indent: Int, nullWhenEmpty: Bool, into writer: inout DXCassetteYAMLWriter
  ) {
    if data.isEmpty {
      if nullWhenEmpty {
        writer.raw(name, "null", indent: indent)
      } else {
        writer.raw(name, "''", indent: indent)
      }
    } else if let text = String(data: data, encoding: .utf8), Data(text.utf8) == data {
      writer.pair(name, text, indent: indent)
    } else {
      writer.binary(name, data, indent: indent)
    }
  }

  private static func headers(_ headers: DXHTTPHeaders, indent: Int, into writer: inout DXCassetteYAMLWriter)
  {
    guard !headers.isEmpty else {
      writer.raw("headers", "{}", indent: indent)
      return
    }
    writer.key("headers", indent: indent)
    var names: [String] = []
    var values: [String: [String]] = [:]
    for field in headers.fields {
      if values[field.name] == nil { names.append(field.name) }
      values[field.name, default: []].append(field.value)
    }
    for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
      writer.key(name, indent: indent + 2)
      for value in values[name] ?? [] { writer.item(value, indent: indent + 2) }
    }
  }

  // MARK: - Import

  /// The interactions of a VCR.py YAML cassette, with a note for each interaction that could not be
  /// carried over whole.
  /// - Parameters:
  ///   - data: The YAML file.
  ///   - now: The recording time given to every interaction (VCR.py keeps none). Defaults to now.
  /// - Throws: ``DXCassetteToolError/Kind/invalidExport`` naming the first field that makes the file
  ///   unreadable (not YAML, not `version: 1`, an interaction without a method, URI or status).
  public static func interactions(fromYAML data: Data, now: Date = Date()) throws(DXCassetteToolError)
    -> DXCassetteConversion<[DXCassetteInteraction]>
  {
    guard let text = String(data: data, encoding: .utf8) else {
      throw .invalidFile("VCR.py", "the document", "not UTF-8 text")
    }
    let root: Node
    do {
      // The basic resolver leaves plain scalars as strings: the few that mean something else here
      // (null, integers) are read by hand, which spares a regular expression per scalar.
      guard let node = try Yams.compose(yaml: text, .basic) else {
        throw DXCassetteToolError.invalidFile("VCR.py", "the document", "empty")
      }
      root = node
    } catch let error as DXCassetteToolError {
      throw error
    } catch {
      let reason = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
      throw .invalidFile("VCR.py", "the document", "invalid YAML: \(reason)")
    }
    guard let top = fields(root) else { throw .invalidFile("VCR.py", "the document", "not a mapping") }
    guard let fileVersion = integer(top["version"]) else {
      throw .invalidFile("VCR.py", "version", "missing (VCR.py 4+ cassettes say version: 1)")
    }
    guard fileVersion == version else {
      throw .invalidFile("VCR.py", "version", "version \(fileVersion) is not \(version)")
    }
    guard let list = top["interactions"]?.sequence else {
      throw .invalidFile("VCR.py", "interactions", "missing or not a list")
    }
    // Rounded to the millisecond, as a cassette keeps it, so that a second import is identical.
    let stamp = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded() / 1000)
    var result: [DXCassetteInteraction] = []
    result.reserveCapacity(list.count)
    var notes: [DXCassetteConversion<[DXCassetteInteraction]>.Note] = []
    for (index, item) in list.enumerated() {
      let location = "interactions[\(index)]"
      var itemNotes: [String] = []
      result.append(try interaction(item, at: location, recordedAt: stamp, notes: &itemNotes))
      notes += itemNotes.map { .init(location: location, message: $0) }
    }
    return DXCassetteConversion(value: result, notes: notes)
  }

  static func interaction(_ node: Node, at location: String, recordedAt: Date, notes: inout [String])
    throws(DXCassetteToolError) -> DXCassetteInteraction
  {
    guard let item = fields(node), let request = item["request"].flatMap(fields) else {
      throw .invalidFile("VCR.py", location + ".request", "missing or not a mapping")
    }
    guard let response = item["response"].flatMap(fields) else {
      throw .invalidFile("VCR.py", location + ".response", "missing or not a mapping")
    }
    guard let method = request["method"]?.scalar?.string, !method.isEmpty else {
      throw .invalidFile("VCR.py", location + ".request.method", "missing")
    }
    guard let uri = (request["uri"] ?? request["url"])?.scalar?.string, !uri.isEmpty else {
      throw .invalidFile("VCR.py", location + ".request.uri", "missing")
    }
    let requestBody = try bytes(request["body"], at: location + ".request.body")
    let requestHeaders = try headers(request["headers"], at: location + ".request.headers")
    let statusFields = response["status"].flatMap(fields)
    guard let status = integer(statusFields?["code"]) ?? integer(response["status"]),
      (100...999).contains(status)
    else {
      throw .invalidFile("VCR.py", location + ".response.status.code", "expected an HTTP status")
    }
    if let message = statusFields?["message"]?.scalar?.string, !message.isEmpty,
      message != DXHTTPReason.phrase(for: status)
    {
      notes.append(
        "status message \"\(message)\" not kept (replayed as \"\(DXHTTPReason.phrase(for: status))\")")
    }
    let responseBody = try bytes(response["body"], at: location + ".response.body")
    let responseHeaders = try headers(response["headers"], at: location + ".response.headers")
    return DXCassetteInteraction(
      request: DXTransportRequest(method: method, url: uri, headers: requestHeaders, body: requestBody),
      outcome: .response(DXTransportResponse(status: status, headers: responseHeaders, body: responseBody)),
      recordedAt: recordedAt)
  }

  /// A mapping's entries by key (string keys only), or `nil` for anything else.
  static func fields(_ node: Node) -> [String: Node]? {
    guard let mapping = node.mapping else { return nil }
    var result: [String: Node] = [:]
    result.reserveCapacity(mapping.count)
    for (key, value) in mapping {
      if let name = key.scalar?.string { result[name] = value }
    }
    return result
  }

  /// Whether `node` is YAML's null: an empty or `null`/`~` plain scalar, or an explicit `!!null`.
  static func isNull(_ node: Node) -> Bool {
    guard let scalar = node.scalar else { return false }
    if scalar.tag.rawValue == Tag.Name.null.rawValue { return true }
    return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// A plain decimal integer scalar's value.
  static func integer(_ node: Node?) -> Int? {
    guard let scalar = node?.scalar, scalar.style == .plain else { return nil }
    return Int(scalar.string)
  }

  /// A body: `null`, a string (UTF-8), `!!binary` base64, or a mapping holding one under `string`.
  static func bytes(_ node: Node?, at location: String) throws(DXCassetteToolError) -> Data {
    guard let node, !isNull(node) else { return Data() }
    if let body = fields(node) { return try bytes(body["string"], at: location + ".string") }
    guard let scalar = node.scalar else {
      throw .invalidFile("VCR.py", location, "expected a string, !!binary or null")
    }
    guard scalar.tag.rawValue == Tag.Name.binary.rawValue else { return Data(scalar.string.utf8) }
    guard let data = Data(base64Encoded: scalar.string, options: .ignoreUnknownCharacters) else {
      throw .invalidFile("VCR.py", location, "!!binary value is not base64")
    }
    return data
  }

  /// Headers: a mapping of names to a list of values (or one value).
  static func headers(_ node: Node?, at location: String) throws(DXCassetteToolError) -> DXHTTPHeaders {
    guard let node, !isNull(node) else { return DXHTTPHeaders() }
    guard let mapping = node.mapping else {
      throw .invalidFile("VCR.py", location, "expected a mapping of names to lists of values")
    }
    var result = DXHTTPHeaders()
    for (key, value) in mapping {
      guard let name = key.scalar?.string, !name.isEmpty else {
        throw .invalidFile("VCR.py", location, "a header name is not a string")
      }
      let values = value.sequence.map { Array($0) } ?? [value]
      for item in values {
        guard let text = item.scalar?.string else {
          throw .invalidFile("VCR.py", "\(location).\(name)", "expected a string value")
        }
        result.add(name: name, value: text)
      }
    }
    return result
  }
}
