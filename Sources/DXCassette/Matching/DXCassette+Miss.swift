import DXCore
import DXSQLite
import Foundation

/// Explaining a miss: the nearest recorded candidate and how the request differs from it.
extension DXCassette {
  /// The most differences listed in a miss message.
  static let maximumListedDifferences = 20

  /// The error for a request matching nothing: the nearest candidate and a field-level diff.
  func missError(for request: DXTransportRequest, played: Set<Int64>) -> DXCassetteError {
    let redacted = secrets.redact(request)
    let requestLine = "\(request.method) \(DXCassetteURL.path(of: request.url))"
    let name = URL(fileURLWithPath: path).lastPathComponent
    let total = (try? count()) ?? 0
    guard total > 0 else {
      return DXCassetteError(
        kind: .noMatch, message: "no recorded interaction matches \(requestLine): cassette \(name) is empty",
        cassettePath: path)
    }
    var best: (id: Int64, differences: [DXCassetteDifference], score: Int, played: Bool)?
    for id in nearestCandidateIDs(for: redacted) {
      guard let recorded = try? storedRequest(id: id) else { continue }
      let differences = self.differences(redacted, recorded)
      let score = Self.score(differences)
      let wasPlayed = played.contains(id)
      if let current = best,
        current.score < score || (current.score == score && (!current.played || wasPlayed))
      {
        continue
      }
      best = (id, differences, score, wasPlayed)
    }
    let count = total == 1 ? "1 interaction" : "\(total) interactions"
    var message = "no recorded interaction matches \(requestLine) (cassette \(name), \(count))"
    guard let best, let candidate = try? interaction(id: best.id) else {
      return DXCassetteError(kind: .noMatch, message: message, cassettePath: path)
    }
    message += "\nnearest candidate: \(candidate.summaryLine)\(best.played ? " (already played)" : "")"
    message += "\ndifferences (request ≠ recorded):"
    for difference in best.differences.prefix(Self.maximumListedDifferences) {
      message += "\n  \(difference)"
    }
    if best.differences.count > Self.maximumListedDifferences {
      message += "\n  … and \(best.differences.count - Self.maximumListedDifferences) more"
    }
    return DXCassetteError(
      kind: .noMatch, message: message, cassettePath: path, candidate: candidate,
      differences: best.differences)
  }

  /// The error for a request whose matching interactions were all played.
  func alreadyPlayedError(for request: DXTransportRequest, ids: [Int64]) -> DXCassetteError {
    let requestLine = "\(request.method) \(DXCassetteURL.path(of: request.url))"
    let name = URL(fileURLWithPath: path).lastPathComponent
    let candidate = ids.last.flatMap { try? interaction(id: $0) }
    let what =
      ids.count == 1
      ? "the only matching interaction (#\(ids[0])) was already played"
      : "all \(ids.count) matching interactions were already played"
    return DXCassetteError(
      kind: .alreadyPlayed,
      message:
        "\(requestLine): \(what); enable allowPlaybackRepeats to replay them again, or record with mode "
        + "newEpisodes to add more (cassette \(name))",
      cassettePath: path, candidate: candidate, playedCount: ids.count)
  }

  /// Candidate ids in tiers of decreasing likeness, the first non-empty tier, at most 100.
  private func nearestCandidateIDs(for request: DXTransportRequest) -> [Int64] {
    let key = matching.key(
      method: request.method, url: request.url, body: request.body, placeholder: secrets.placeholder)
    let lastSegment = key.path.split(separator: "/").last.map { "/" + $0 } ?? "/"
    let tiers: [(String, [DXSQLiteValue])] = [
      ("method = ? AND path = ?", [.text(key.method), .text(key.path)]),
      ("path = ?", [.text(key.path)]),
      (
        "method = ? AND substr(path, -?) = ?",
        [.text(key.method), .int(lastSegment.utf8.count), .text(lastSegment)]
      ),
      ("method = ?", [.text(key.method)]),
      ("1", []),
    ]
    for (condition, arguments) in tiers {
      let ids: [Int64] =
        (try? database.withLock {
          let statement = try database.prepare(
            "SELECT interaction_id FROM match_key WHERE \(condition) ORDER BY interaction_id LIMIT 100")
          try statement.bind(arguments)
          return try statement.map { $0.int64(at: 0) }
        }) ?? []
      if !ids.isEmpty { return ids }
    }
    return []
  }

  /// Lower is nearer: a different method or path weighs more than a body field.
  private static func score(_ differences: [DXCassetteDifference]) -> Int {
    differences.reduce(0) { total, difference in
      switch difference.field {
      case "method": return total + 8
      case "path": return total + 4
      default: return total + 1
      }
    }
  }

  /// How `request` differs from `recorded` in the fields the matching settings compare (both redacted).
  func differences(_ request: DXTransportRequest, _ recorded: DXTransportRequest) -> [DXCassetteDifference] {
    var result: [DXCassetteDifference] = []
    if matching.method, request.method.uppercased() != recorded.method.uppercased() {
      result.append(
        .init(field: "method", requestValue: quoted(request.method), recordedValue: quoted(recorded.method)))
    }
    let requestPath = DXCassetteURL.path(of: request.url)
    let recordedPath = DXCassetteURL.path(of: recorded.url)
    if matching.path, requestPath != recordedPath {
      result.append(
        .init(field: "path", requestValue: quoted(requestPath), recordedValue: quoted(recordedPath)))
    }
    let requestQuery = DXCassetteURL.query(of: request.url)
    let recordedQuery = DXCassetteURL.query(of: recorded.url)
    if matching.query, requestQuery != recordedQuery {
      result.append(
        .init(field: "query", requestValue: quoted(requestQuery), recordedValue: quoted(recordedQuery)))
    }
    for name in matching.headers where !secrets.redactedHeaders.contains(name.lowercased()) {
      let mine = request.headers.values(for: name)
      let theirs = recorded.headers.values(for: name)
      if mine != theirs {
        result.append(
          .init(
            field: "headers.\(name)",
            requestValue: mine.isEmpty ? "missing" : quoted(mine.joined(separator: ", ")),
            recordedValue: theirs.isEmpty ? "missing" : quoted(theirs.joined(separator: ", "))))
      }
    }
    if matching.body {
      result += bodyDifferences(request.body, recorded.body)
    }
    for matcher in matching.custom where !matcher.matches(request, recorded: recorded) {
      result.append(
        .init(field: "matcher.\(matcher.name)", requestValue: "rejected", recordedValue: "required"))
    }
    return result
  }

  private func bodyDifferences(_ mine: Data, _ theirs: Data) -> [DXCassetteDifference] {
    let placeholder = secrets.placeholder
    let left = matching.canonicalBody(mine, placeholder: placeholder)
    let right = matching.canonicalBody(theirs, placeholder: placeholder)
    switch (left, right) {
    case (let left?, let right?):
      var result: [DXCassetteDifference] = []
      Self.diff(left, right, path: "body", into: &result)
      return result
    case (nil, nil):
      if mine == theirs { return [] }
      return [
        .init(
          field: "body", requestValue: Self.describe(raw: mine), recordedValue: Self.describe(raw: theirs))
      ]
    case (let left?, nil):
      return [
        .init(field: "body", requestValue: Self.render(left), recordedValue: Self.describe(raw: theirs))
      ]
    case (nil, let right?):
      return [.init(field: "body", requestValue: Self.describe(raw: mine), recordedValue: Self.render(right))]
    }
  }

  private static func diff(
    _ left: DXJSON?, _ right: DXJSON?, path: String, into result: inout [DXCassetteDifference]
  ) {
    if left == right { return }
    switch (left, right) {
    case (.object(let mine)?, .object(let theirs)?):
      for key in Set(mine.keys).union(theirs.keys).sorted() {
        diff(mine[key], theirs[key], path: "\(path).\(key)", into: &result)
      }
    case (.array(let mine)?, .array(let theirs)?):
      for index in 0..<max(mine.count, theirs.count) {
        // `DXJSON` is nil-literal-expressible, so spell out "absent" to avoid meaning `null`.
        let left: DXJSON? = index < mine.count ? .some(mine[index]) : .none
        let right: DXJSON? = index < theirs.count ? .some(theirs[index]) : .none
        diff(left, right, path: "\(path)[\(index)]", into: &result)
      }
    default:
      result.append(.init(field: path, requestValue: render(left), recordedValue: render(right)))
    }
  }

  private static func render(_ value: DXJSON?) -> String {
    guard let value else { return "missing" }
    let text = value.serializedString(sortedKeys: true)
    return text.count > 80 ? String(text.prefix(77)) + "…" : text
  }

  private static func describe(raw data: Data) -> String {
    if data.isEmpty { return "empty" }
    return "\(data.count) bytes (not JSON)"
  }

  private func quoted(_ text: String) -> String { DXJSON.string(text).serializedString() }
}
