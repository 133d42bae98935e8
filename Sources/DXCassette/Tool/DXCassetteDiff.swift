import DXCore
import Foundation

/// An interaction-level comparison of two cassettes (`dxcassette diff A B`).
///
/// Interactions are paired by request — method, path, query and canonical JSON body (key order and
/// `nonce` ignored) — and, among identical requests, by their order. A pair whose recorded content
/// differs is *changed*, with one line per differing field (`request.headers.X-Name`,
/// `response.status`, `response.body.describe.name`, …); the recording time and duration are not
/// compared. Unpaired interactions are *removed* (only in A) or *added* (only in B).
public struct DXCassetteDiff: Sendable, Hashable {
  /// A pair of interactions whose content differs.
  public struct Change: Sendable, Hashable {
    /// The interaction in A.
    public var old: DXCassetteInteraction
    /// The interaction in B.
    public var new: DXCassetteInteraction
    /// The differing fields.
    public var differences: [DXCassetteDifference]
  }

  /// Interactions only in A.
  public var removed: [DXCassetteInteraction]
  /// Interactions only in B.
  public var added: [DXCassetteInteraction]
  /// Paired interactions that differ.
  public var changed: [Change]
  /// The number of paired interactions that are the same.
  public var unchangedCount: Int

  /// Whether the two cassettes record the same exchanges.
  public var isIdentical: Bool { removed.isEmpty && added.isEmpty && changed.isEmpty }

  /// Compares `old` with `new`.
  public init(old: [DXCassetteInteraction], new: [DXCassetteInteraction]) {
    // The indices in `new` not yet paired, per pairing key, in order.
    var pending: [String: [Int]] = [:]
    for (index, interaction) in new.enumerated() {
      pending[Self.pairingKey(interaction), default: []].append(index)
    }
    var removed: [DXCassetteInteraction] = []
    var changed: [Change] = []
    var unchanged = 0
    for interaction in old {
      let key = Self.pairingKey(interaction)
      guard var candidates = pending[key], !candidates.isEmpty else {
        removed.append(interaction)
        continue
      }
      let partner = new[candidates.removeFirst()]
      pending[key] = candidates
      let differences = Self.differences(interaction, partner)
      if differences.isEmpty {
        unchanged += 1
      } else {
        changed.append(Change(old: interaction, new: partner, differences: differences))
      }
    }
    self.removed = removed
    self.added = pending.values.joined().sorted().map { new[$0] }
    self.changed = changed
    self.unchangedCount = unchanged
  }

  /// The report `dxcassette diff` prints, ending with a summary line.
  public func text(oldName: String, newName: String) -> String {
    var lines = ["--- \(oldName)", "+++ \(newName)"]
    for interaction in removed { lines.append("- \(Self.line(interaction))") }
    for interaction in added { lines.append("+ \(Self.line(interaction))") }
    for change in changed {
      lines.append("~ \(Self.line(change.old)) | now #\(change.new.id.map(String.init) ?? "-")")
      for difference in change.differences {
        lines.append("    \(difference.field): \(difference.recordedValue) → \(difference.requestValue)")
      }
    }
    lines.append(
      isIdentical
        ? "identical: \(unchangedCount) interactions"
        : "\(unchangedCount) unchanged, \(changed.count) changed, \(added.count) added, \(removed.count) removed"
    )
    return lines.joined(separator: "\n")
  }

  static func line(_ interaction: DXCassetteInteraction) -> String {
    "#\(interaction.id.map(String.init) ?? "-") \(interaction.request.method) \(interaction.path)"
      + "\(DXCassetteToolFormat.query(interaction)) → \(DXCassetteToolFormat.outcome(interaction))"
  }

  // MARK: - Pairing

  /// Method, path, query and the canonical body (JSON with sorted keys and no `nonce`, else a hash).
  static func pairingKey(_ interaction: DXCassetteInteraction) -> String {
    let request = interaction.request
    return "\(request.method) \(interaction.path)?\(DXCassetteURL.query(of: request.url)) "
      + canonicalBody(request.body)
  }

  static func canonicalBody(_ body: Data) -> String {
    guard !body.isEmpty else { return "" }
    if var json = try? DXJSON(parsing: body) {
      if case .object(var object) = json {
        object["nonce"] = nil
        json = .object(object)
      }
      return json.serializedString(sortedKeys: true)
    }
    return "bytes:\(body.count):\(body.base64EncodedString())"
  }

  // MARK: - Field differences

  /// Every field in which `new` differs from `old`: `recordedValue` is the old value and
  /// `requestValue` the new one.
  static func differences(_ old: DXCassetteInteraction, _ new: DXCassetteInteraction)
    -> [DXCassetteDifference]
  {
    var result: [DXCassetteDifference] = []
    func add(_ field: String, _ oldValue: String, _ newValue: String) {
      if oldValue != newValue {
        result.append(DXCassetteDifference(field: field, requestValue: newValue, recordedValue: oldValue))
      }
    }
    add("request.url", quoted(old.request.url), quoted(new.request.url))
    headerDifferences("request.headers", old.request.headers, new.request.headers, into: &result)
    bodyDifferences("request.body", old.request.body, new.request.body, complete: true, into: &result)
    add("sequence", "\(old.sequence)", "\(new.sequence)")
    switch (old.outcome, new.outcome) {
    case (.response(let a), .response(let b)):
      add("response.status", "\(a.status)", "\(b.status)")
      add("response.bodyEnd", describe(a.bodyEnd), describe(b.bodyEnd))
      headerDifferences("response.headers", a.headers, b.headers, into: &result)
      bodyDifferences(
        "response.body", a.body, b.body, complete: a.bodyEnd == .complete && b.bodyEnd == .complete,
        into: &result)
    case (.failure(let a), .failure(let b)):
      add("error.kind", a.kind.rawValue, b.kind.rawValue)
      add("error.message", quoted(a.message), quoted(b.message))
    default:
      add("outcome", DXCassetteToolFormat.outcome(old), DXCassetteToolFormat.outcome(new))
    }
    return result
  }

  static func describe(_ end: DXTransportResponse.BodyEnd) -> String {
    switch end {
    case .complete: return "complete"
    case .closeDelimited: return "closeDelimited"
    case .truncated(let declared, let received): return "truncated(\(received)/\(declared))"
    }
  }

  static func quoted(_ text: String) -> String { DXJSON.string(text).serializedString() }

  static func headerDifferences(
    _ prefix: String, _ old: DXHTTPHeaders, _ new: DXHTTPHeaders, into result: inout [DXCassetteDifference]
  ) {
    var names: [String] = []
    for field in old.fields + new.fields
    where !names.contains(where: { $0.lowercased() == field.name.lowercased() }) {
      names.append(field.name)
    }
    for name in names {
      let a = old.values(for: name)
      let b = new.values(for: name)
      guard a != b else { continue }
      result.append(
        DXCassetteDifference(field: "\(prefix).\(name)", requestValue: render(b), recordedValue: render(a)))
    }
  }

  static func render(_ values: [String]) -> String {
    switch values.count {
    case 0: return "missing"
    case 1: return quoted(values[0])
    default: return "[" + values.map(quoted).joined(separator: ", ") + "]"
    }
  }

  static func bodyDifferences(
    _ prefix: String, _ old: Data, _ new: Data, complete: Bool, into result: inout [DXCassetteDifference]
  ) {
    guard old != new else { return }
    if complete, let a = try? DXJSON(parsing: old), let b = try? DXJSON(parsing: new) {
      jsonDifferences(prefix, a, b, into: &result)
      return
    }
    result.append(
      DXCassetteDifference(field: prefix, requestValue: summary(new), recordedValue: summary(old)))
  }

  static func summary(_ data: Data) -> String {
    if data.isEmpty { return "empty" }
    if let text = String(data: data, encoding: .utf8), Data(text.utf8) == data {
      return quoted(text.count > 200 ? String(text.prefix(200)) + "…" : text)
    }
    return "\(data.count) binary bytes"
  }

  /// The JSON paths at which `a` and `b` differ.
  static func jsonDifferences(
    _ path: String, _ a: DXJSON?, _ b: DXJSON?, into result: inout [DXCassetteDifference]
  ) {
    switch (a, b) {
    case (.object(let x)?, .object(let y)?):
      for key in Set(x.keys).union(y.keys).sorted() {
        jsonDifferences("\(path).\(key)", x[key], y[key], into: &result)
      }
    case (.array(let x)?, .array(let y)?) where x.count == y.count:
      for index in x.indices { jsonDifferences("\(path)[\(index)]", x[index], y[index], into: &result) }
    default:
      guard a != b else { return }
      result.append(
        DXCassetteDifference(
          field: path, requestValue: b.map { $0.serializedString(sortedKeys: true) } ?? "missing",
          recordedValue: a.map { $0.serializedString(sortedKeys: true) } ?? "missing"))
    }
  }
}
