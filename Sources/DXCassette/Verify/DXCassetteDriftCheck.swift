import DXCore
import Foundation

/// A drift check (Hoverfly's diff mode, for this API): sends a cassette's read-only requests to a live
/// server and compares each answer with the recording (`dxcassette verify FILE --against URL`).
///
/// - **Which requests.** Only the platform routes of the route table (`DXAPIRoute.all`) that read:
///   `describe*`, `find*`, `list*`, `whoami`, `getDetails` and `resolveDataObjects`. A create, update or
///   remove is never sent, unless ``Options/replayWrites`` asks for it (for a disposable server such as
///   `dx-mock-server`, so that it builds the objects the recording created). Requests that are not
///   platform routes (transfer URLs; with ``Options/replayWrites``, one the live server handed out
///   anew is sent to that URL) and recorded faults (5xx, 429, a body cut short, no response) are
///   skipped and listed as such.
/// - **How they are compared.** The status, then the JSON body value by value (key order ignored).
///   Volatile fields are ignored wherever they appear: timestamps (``Options/volatileFields``), and
///   values the live server assigned anew — an object ID or URL in an earlier answer that differs from
///   the recording is learned, substituted into the later requests that used it, and not reported as
///   drift. Headers are not compared (dates, request IDs and lengths change on every answer).
public struct DXCassetteDriftCheck: Sendable {
  /// What to send and what to ignore.
  public struct Options: Sendable {
    /// JSON field names ignored at any depth (timestamps and counters the platform sets). Defaults to
    /// ``defaultVolatileFields``.
    public var volatileFields: Set<String>
    /// Whether to send the cassette's other API requests too (in recording order, compared like the
    /// others). Only for a disposable server. Defaults to `false`.
    public var replayWrites: Bool
    /// The token sent as `Authorization: Bearer …` (the recording holds none). Defaults to `nil`: the
    /// recorded header is left out.
    public var token: String?

    /// The fields ignored by default: `created`, `modified`, `expires`, `createdAt`, `updatedAt`,
    /// `lastModified`, `startedRunning`, `stoppedRunning`, `requestID`, `requestId`.
    public static let defaultVolatileFields: Set<String> = [
      "created", "modified", "expires", "createdAt", "updatedAt", "lastModified", "startedRunning",
      "stoppedRunning",
      "requestID", "requestId",
    ]

    /// Creates options; every parameter defaults to the documented default.
    public init(
      volatileFields: Set<String> = Options.defaultVolatileFields, replayWrites: Bool = false,
      token: String? = nil
    ) {
      self.volatileFields = volatileFields
      self.replayWrites = replayWrites
      self.token = token
    }
  }

  /// What happened to one interaction.
  public enum Verdict: Sendable, Hashable {
    /// The live answer agrees with the recording.
    case same
    /// The live answer differs: the fields, recorded value as `recordedValue`, live value as
    /// `requestValue`.
    case drifted([DXCassetteDifference])
    /// Not sent, and why.
    case skipped(String)
  }

  /// One interaction's result.
  public struct Entry: Sendable, Hashable {
    /// The interaction's id.
    public var id: Int64
    /// `POST /file-xxxx/describe → 200`.
    public var summary: String
    /// The verdict.
    public var verdict: Verdict
  }

  /// The whole check.
  public struct Report: Sendable, Hashable {
    /// One entry per interaction, in recording order.
    public var entries: [Entry]

    /// Whether any answer drifted.
    public var hasDrift: Bool {
      entries.contains { if case .drifted = $0.verdict { return true } else { return false } }
    }

    /// The text `dxcassette verify` prints: a line per drifted interaction with its fields, then counts.
    public func text(cassette: String, against base: String) -> String {
      var lines: [String] = []
      var same = 0
      var drifted = 0
      var skipped = 0
      for entry in entries {
        switch entry.verdict {
        case .same: same += 1
        case .skipped: skipped += 1
        case .drifted(let differences):
          drifted += 1
          lines.append("drift: #\(entry.id) \(entry.summary)")
          for difference in differences {
            lines.append(
              "    \(difference.field): recorded \(difference.recordedValue), now \(difference.requestValue)")
          }
        }
      }
      lines.append(
        "\(cassette) against \(base): \(same) same, \(drifted) drifted, \(skipped) skipped "
          + "(not read-only, not a platform route, or a recorded fault)")
      return lines.joined(separator: "\n")
    }
  }

  /// The options.
  public var options: Options

  /// Creates a check.
  public init(options: Options = Options()) { self.options = options }

  /// Whether `path` is a platform route that only reads, by the route table.
  public static func isReadOnlyRoute(_ path: String) -> Bool {
    guard let name = routeMethod(path) else { return false }
    return name.hasPrefix("describe") || name.hasPrefix("find") || name.hasPrefix("list") || name == "whoami"
      || name == "getDetails" || name == "resolveDataObjects"
  }

  /// The API method of the route-table route `path` takes (`describe`, `findDataObjects`…), or `nil`.
  static func routeMethod(_ path: String) -> String? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    for route in DXAPIRoute.all {
      let template = route.pathTemplate.split(separator: "/", omittingEmptySubsequences: true)
      guard template.count == parts.count else { continue }
      let fits = zip(template, parts).allSatisfy { pattern, part in
        (pattern.hasPrefix("{") && pattern.hasSuffix("}") && !part.isEmpty) || pattern == part
      }
      if fits, let last = template.last { return String(last) }
    }
    return nil
  }

  /// Runs the check: sends what may be sent through `transport` to `base` (e.g.
  /// `http://127.0.0.1:8124`), one request at a time, in recording order.
  public func run(_ interactions: [DXCassetteInteraction], base: String, transport: any DXTransport) async
    -> Report
  {
    var learned = DXCassetteLearnedValues()
    var entries: [Entry] = []
    for interaction in interactions {
      let id = interaction.id ?? 0
      let summary =
        DXCassetteDiff.line(interaction).split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
      let path = interaction.path
      let transfer = options.replayWrites && learned.knows(interaction.request.url)
      guard Self.routeMethod(path) != nil || transfer else {
        entries.append(Entry(id: id, summary: summary, verdict: .skipped("not a platform route")))
        continue
      }
      guard options.replayWrites || Self.isReadOnlyRoute(path) else {
        entries.append(Entry(id: id, summary: summary, verdict: .skipped("not read-only")))
        continue
      }
      guard case .response(let recorded) = interaction.outcome, recorded.bodyEnd == .complete,
        recorded.status < 500, recorded.status != 429
      else {
        entries.append(Entry(id: id, summary: summary, verdict: .skipped("a recorded fault")))
        continue
      }
      let request = live(interaction.request, base: base, learned: learned)
      let verdict: Verdict
      do {
        let response = try await transport.send(request)
        verdict = compare(recorded, response, learned: &learned)
      } catch {
        verdict = .drifted([
          DXCassetteDifference(
            field: "outcome", requestValue: "no response (\(error))", recordedValue: "\(recorded.status)")
        ])
      }
      entries.append(Entry(id: id, summary: summary, verdict: verdict))
    }
    return Report(entries: entries)
  }

  /// The recorded request as it goes to `base`: same method, path, query and body, values the live
  /// server assigned anew substituted, the token set.
  func live(_ recorded: DXTransportRequest, base: String, learned: DXCassetteLearnedValues)
    -> DXTransportRequest
  {
    let query = DXCassetteURL.query(of: recorded.url)
    var base = base
    while base.hasSuffix("/") { base.removeLast() }
    // A transfer URL the live server handed out replaces the recorded one whole (another host, maybe).
    let url =
      learned.knows(recorded.url)
      ? learned.substitute(recorded.url)
      : learned.substitute(base + DXCassetteURL.path(of: recorded.url) + (query.isEmpty ? "" : "?" + query))
    var headers = DXHTTPHeaders()
    for field in recorded.headers.fields {
      switch field.name.lowercased() {
      case "authorization", "host", "content-length", "connection", "transfer-encoding": continue
      default: headers.add(name: field.name, value: field.value)
      }
    }
    if let token = options.token { headers.add(name: "Authorization", value: "Bearer \(token)") }
    let body = learned.substitute(recorded.body)
    return DXTransportRequest(method: recorded.method, url: url, headers: headers, body: body)
  }

  /// The differences that count between the recording and the live answer (learning new values).
  func compare(
    _ recorded: DXTransportResponse, _ live: DXTransportResponse, learned: inout DXCassetteLearnedValues
  )
    -> Verdict
  {
    var differences: [DXCassetteDifference] = []
    if recorded.status != live.status {
      differences.append(
        DXCassetteDifference(
          field: "status", requestValue: "\(live.status)", recordedValue: "\(recorded.status)"))
    }
    if let old = try? DXJSON(parsing: recorded.body), let new = try? DXJSON(parsing: live.body) {
      learned.learn(recorded: old, live: new)
      var found: [DXCassetteDifference] = []
      DXCassetteDiff.jsonDifferences("body", strip(old), strip(new), into: &found)
      differences += found.filter { !learned.explains($0) }
    } else if recorded.body != live.body {
      differences.append(
        DXCassetteDifference(
          field: "body", requestValue: DXCassetteDiff.summary(live.body),
          recordedValue: DXCassetteDiff.summary(recorded.body)))
    }
    return differences.isEmpty ? .same : .drifted(differences)
  }

  /// `value` without the volatile fields.
  func strip(_ value: DXJSON) -> DXJSON {
    switch value {
    case .object(let members):
      var kept: [String: DXJSON] = [:]
      for (name, member) in members where !options.volatileFields.contains(name) {
        kept[name] = strip(member)
      }
      return .object(kept)
    case .array(let elements):
      return .array(elements.map(strip))
    default:
      return value
    }
  }
}
