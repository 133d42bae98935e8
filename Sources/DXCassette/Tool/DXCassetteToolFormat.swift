import DXCore
import Foundation

/// The text `dxcassette` prints: pure functions of interactions, so they are tested without files.
enum DXCassetteToolFormat {
  // MARK: - list

  /// One line per interaction: id, method, path, outcome, attempt and time.
  static func list(_ interactions: [DXCassetteInteraction]) -> String {
    guard !interactions.isEmpty else { return "(no interactions)" }
    let width = String(interactions.last?.id ?? 0).count + 1
    return interactions.map { interaction in
      let id = "#\(interaction.id.map(String.init) ?? "-")"
      let padded = id + String(repeating: " ", count: max(0, width - id.count))
      let sequence = interaction.sequence > 0 ? "  (attempt \(interaction.sequence + 1))" : ""
      return
        "\(padded)  \(DXCassetteTimestamp.string(for: interaction.recordedAt))  \(interaction.request.method) "
        + "\(interaction.path)\(query(interaction))  → \(outcome(interaction))\(sequence)"
    }.joined(separator: "\n")
  }

  /// One line per summary (no bodies loaded): the same columns as ``list(_:)-interactions``.
  static func list(_ summaries: [DXCassetteInteraction.Summary]) -> String {
    guard !summaries.isEmpty else { return "(no interactions)" }
    let width = String(summaries.last?.id ?? 0).count + 1
    return summaries.map { summary in
      let id = "#\(summary.id)"
      let padded = id + String(repeating: " ", count: max(0, width - id.count))
      let sequence = summary.sequence > 0 ? "  (attempt \(summary.sequence + 1))" : ""
      let query = DXCassetteURL.query(of: summary.url)
      var outcome: String
      if let status = summary.status {
        outcome = "\(status)"
        switch summary.bodyEnd {
        case "truncated"?: outcome += " (truncated body)"
        case "closeDelimited"?: outcome += " (close-delimited body)"
        default: break
        }
      } else {
        outcome = "no response: \(summary.errorKind?.rawValue ?? "unknown")"
      }
      return "\(padded)  \(DXCassetteTimestamp.string(for: summary.recordedAt))  \(summary.method) "
        + "\(DXCassetteURL.path(of: summary.url))\(query.isEmpty ? "" : "?" + query)  → \(outcome)\(sequence)"
    }.joined(separator: "\n")
  }

  static func query(_ interaction: DXCassetteInteraction) -> String {
    let query = DXCassetteURL.query(of: interaction.request.url)
    return query.isEmpty ? "" : "?" + query
  }

  /// `200`, `503 (truncated 5/120 bytes)`, `connectionReset`, …
  static func outcome(_ interaction: DXCassetteInteraction) -> String {
    switch interaction.outcome {
    case .response(let response):
      switch response.bodyEnd {
      case .complete: return "\(response.status)"
      case .closeDelimited: return "\(response.status) (close-delimited body)"
      case .truncated(let declared, let received):
        return "\(response.status) (truncated \(received)/\(declared) bytes)"
      }
    case .failure(let error):
      return "no response: \(error.kind.rawValue)"
    }
  }

  // MARK: - show

  /// One interaction, readably: request and response lines, headers, bodies (JSON pretty-printed).
  static func show(_ interaction: DXCassetteInteraction) -> String {
    let request = interaction.request
    var lines = [
      "interaction #\(interaction.id.map(String.init) ?? "-")  recorded \(DXCassetteTimestamp.string(for: interaction.recordedAt))"
        + "  took \(milliseconds(interaction.duration)) ms  attempt \(interaction.sequence + 1)",
      "",
      "> \(request.method) \(request.url)",
    ]
    lines += request.headers.fields.map { "> \($0.name): \($0.value)" }
    lines += body(request.body, complete: true, prefix: ">")
    lines.append("")
    switch interaction.outcome {
    case .response(let response):
      lines.append("< HTTP \(response.status)")
      lines += response.headers.fields.map { "< \($0.name): \($0.value)" }
      lines += body(response.body, complete: response.bodyEnd == .complete, prefix: "<")
      switch response.bodyEnd {
      case .complete: break
      case .closeDelimited: lines.append("(body delimited by closing the connection, no Content-Length)")
      case .truncated(let declared, let received):
        lines.append(
          "(body cut short: \(received) of \(declared) declared bytes, then the connection closed)")
      }
    case .failure(let error):
      lines.append(
        "(no response: \(error.kind.rawValue)\(error.message.isEmpty ? "" : " — \(error.message)"))")
    }
    return lines.joined(separator: "\n")
  }

  static func milliseconds(_ duration: Duration) -> String {
    let micros = DXCassetteExport.microseconds(duration)
    let whole = micros / 1000
    let fraction = String(micros % 1000 / 100)
    return "\(whole).\(fraction)"
  }

  /// The body's lines after a blank `prefix` line: JSON pretty-printed, text as is, binary as a
  /// base64 summary.
  static func body(_ data: Data, complete: Bool, prefix: String) -> [String] {
    guard !data.isEmpty else { return [] }
    let text: String
    if complete, let json = try? DXJSON(parsing: data) {
      text = DXCassettePrettyJSON.render(json)
    } else if let utf8 = String(data: data, encoding: .utf8), Data(utf8.utf8) == data {
      text = utf8
    } else {
      text = "(\(data.count) binary bytes, base64) " + data.base64EncodedString()
    }
    return [prefix] + text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(prefix) \($0)" }
  }

  // MARK: - stats

  /// Counts by outcome and route, body sizes and the recording's time span.
  static func stats(
    _ interactions: [DXCassetteInteraction], fileBytes: Int?, now: Date = Date(), maximumAge: Duration? = nil
  ) -> String {
    var statuses: [String: Int] = [:]
    var routes: [String: Int] = [:]
    var requestBytes = 0
    var responseBytes = 0
    var faults = 0
    var retries = 0
    var tags: [String: Int] = [:]
    var expired = 0
    for interaction in interactions {
      for tag in interaction.tags { tags[tag, default: 0] += 1 }
      if interaction.isExpired(at: now, cassetteMaximumAge: maximumAge) { expired += 1 }
      let key: String
      switch interaction.outcome {
      case .response(let response):
        key =
          "\(response.status)" + (response.bodyEnd == .complete ? "" : " \(bodyEndWord(response.bodyEnd))")
        responseBytes += response.body.count
        if response.bodyEnd != .complete || response.status >= 500 || response.status == 429 { faults += 1 }
      case .failure(let error):
        key = error.kind.rawValue
        faults += 1
      }
      statuses[key, default: 0] += 1
      routes["\(interaction.request.method) \(routeName(interaction.path))", default: 0] += 1
      requestBytes += interaction.request.body.count
      if interaction.sequence > 0 { retries += 1 }
    }
    var lines = [
      "\(interactions.count) interactions, \(faults) faults (5xx, 429, cut-short bodies, no response), "
        + "\(retries) repeated requests"
    ]
    if let fileBytes { lines.append("file: \(fileBytes) bytes") }
    lines.append("bodies: \(requestBytes) request bytes, \(responseBytes) response bytes")
    let dates = interactions.map(\.recordedAt)
    if let first = dates.min(), let last = dates.max() {
      lines.append(
        "recorded: \(DXCassetteTimestamp.string(for: first)) to \(DXCassetteTimestamp.string(for: last))")
      lines.append(
        "ages: oldest \(DXCassetteAge.text(DXCassetteAge.between(first, now))), newest "
          + "\(DXCassetteAge.text(DXCassetteAge.between(last, now)))")
    }
    let ownLimits = interactions.filter { $0.expiresAfter != nil }.count
    if maximumAge != nil || ownLimits > 0 {
      var line = "expiry: "
      line += maximumAge.map { "maximum age \(DXCassetteAge.text($0))" } ?? "no cassette maximum age"
      if ownLimits > 0 { line += ", \(ownLimits) interactions with their own" }
      line += "; \(expired) expired"
      lines.append(line)
    } else {
      lines.append("expiry: none (interactions never expire)")
    }
    lines.append("outcomes:")
    lines += statuses.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
    lines.append("routes:")
    lines += routes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
      "  \($0.key): \($0.value)"
    }
    if !tags.isEmpty {
      lines.append("tags:")
      lines += tags.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
    }
    return lines.joined(separator: "\n")
  }

  static func bodyEndWord(_ end: DXTransportResponse.BodyEnd) -> String {
    switch end {
    case .complete: return "complete"
    case .closeDelimited: return "close-delimited"
    case .truncated: return "truncated"
    }
  }

  /// A path with its object IDs generalized: `/file-B3x…/describe` → `/file-xxxx/describe`.
  static func routeName(_ path: String) -> String {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
      guard let dash = part.firstIndex(of: "-") else { return String(part) }
      let klass = part[..<dash]
      let rest = part[part.index(after: dash)...]
      let isID =
        !klass.isEmpty && klass.allSatisfy(\.isLowercase) && rest.count >= 8
        && rest.allSatisfy { $0.isLetter || $0.isNumber }
      return isID ? "\(klass)-xxxx" : String(part)
    }
    return parts.joined(separator: "/")
  }
}
