import DXCore
import Foundation
import Logging

/// The `dxcassette` commands as library functions: each returns the text to print or throws a
/// ``DXCassetteToolError`` with a one-line message, so they are tested without spawning processes.
///
/// Read commands open the cassette read-only: they never change it. Commands that write (`import`,
/// `redact`, `prune`) build the result in a temporary file beside the target and rename it over the
/// target only when everything succeeded, so a failure leaves the original byte for byte as it was.
public enum DXCassetteTool {
  /// A logger that drops everything: the tool reports through its return values and errors.
  static let quiet = Logger(label: "dxcassette", factory: { _ in SwiftLogNoOpLogHandler() })

  // MARK: - Read commands

  /// `dxcassette list`: one line per interaction (id, time, method, path, outcome, attempt).
  /// - Throws: ``DXCassetteToolError`` for a missing, foreign, newer or damaged file.
  public static func list(_ path: String) throws(DXCassetteToolError) -> String {
    let summaries = try withCassette(path) { (cassette) throws(DXCassetteError) in try cassette.summaries() }
    return DXCassetteToolFormat.list(summaries)
  }

  /// `dxcassette show`: one interaction in full.
  /// - Throws: ``DXCassetteToolError``, also when no interaction has `id`.
  public static func show(_ path: String, id: Int64) throws(DXCassetteToolError) -> String {
    let interaction = try withCassette(path) { (cassette) throws(DXCassetteError) in
      try cassette.interaction(id: id)
    }
    return DXCassetteToolFormat.show(interaction)
  }

  /// `dxcassette export`: the cassette as readable, deterministic JSON (``DXCassetteExport``).
  /// - Throws: ``DXCassetteToolError``.
  public static func export(_ path: String) throws(DXCassetteToolError) -> String {
    let interactions = try withCassette(path) { (cassette) throws(DXCassetteError) in
      try cassette.interactions()
    }
    return DXCassetteExport.json(for: interactions)
  }

  /// `dxcassette diff A B`: the interaction-level comparison.
  /// - Throws: ``DXCassetteToolError`` when either file cannot be read.
  public static func diff(_ old: String, _ new: String) throws(DXCassetteToolError) -> DiffReport {
    let a = try withCassette(old) { (cassette) throws(DXCassetteError) in try cassette.interactions() }
    let b = try withCassette(new) { (cassette) throws(DXCassetteError) in try cassette.interactions() }
    let diff = DXCassetteDiff(old: a, new: b)
    return DiffReport(diff: diff, text: diff.text(oldName: old, newName: new))
  }

  /// What `diff` found.
  public struct DiffReport: Sendable {
    /// The comparison.
    public var diff: DXCassetteDiff
    /// The text to print.
    public var text: String
    /// Whether the cassettes record the same exchanges.
    public var isIdentical: Bool { diff.isIdentical }
  }

  /// `dxcassette audit`: every secret-shaped value in the cassette, with its field path.
  /// - Parameters:
  ///   - path: The cassette.
  ///   - secrets: Literal values that must not appear (e.g. the team's real token).
  /// - Throws: ``DXCassetteToolError`` when the file cannot be read.
  public static func audit(_ path: String, secrets: [String] = []) throws(DXCassetteToolError) -> AuditReport
  {
    let scanner = DXSecretScanner(tokens: secrets)
    let interactions = try withCassette(path) { (cassette) throws(DXCassetteError) in
      try cassette.interactions()
    }
    var findings: [(id: Int64, finding: DXSecretFinding)] = []
    for interaction in interactions {
      for finding in scanner.scan(interaction) { findings.append((interaction.id ?? 0, finding)) }
    }
    var lines: [String]
    if findings.isEmpty {
      lines = ["\(path): no secrets in \(interactions.count) interactions"]
    } else {
      lines = ["\(path): \(findings.count) secrets found"]
      lines += findings.map { "  #\($0.id) \($0.finding.path): \($0.finding.kind) (\($0.finding.excerpt))" }
    }
    return AuditReport(findings: findings.map(\.finding), text: lines.joined(separator: "\n"))
  }

  /// What `audit` found.
  public struct AuditReport: Sendable {
    /// Every finding, in interaction order.
    public var findings: [DXSecretFinding]
    /// The text to print.
    public var text: String
    /// Whether nothing was found.
    public var isClean: Bool { findings.isEmpty }
  }

  /// `dxcassette stats`: counts by outcome, route and tag, sizes, time span, ages and what has expired.
  /// - Throws: ``DXCassetteToolError``.
  ///
  /// Ages are measured at `now` (default: the current time), with the cassette's maximum age and each
  /// interaction's own.
  public static func stats(_ path: String, now: Date = Date()) throws(DXCassetteToolError) -> String {
    let (interactions, maximumAge) = try withCassette(path) { (cassette) throws(DXCassetteError) in
      (try cassette.interactions(), try cassette.expiresAfter())
    }
    let size = [path, path + "-wal"].reduce(0) { total, file in
      total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
    }
    return DXCassetteToolFormat.stats(
      interactions, fileBytes: size, now: now, maximumAge: maximumAge)
  }

  // MARK: - Write commands

  /// `dxcassette migrate`: upgrades a cassette written by an older DXKit to the current schema, in
  /// place (each step is one transaction: a failed migration leaves the file as it was).
  /// - Returns: What was done.
  /// - Throws: ``DXCassetteToolError`` for a missing, foreign, newer or damaged file.
  public static func migrate(_ path: String) throws(DXCassetteToolError) -> String {
    try checkIsFile(path)
    let companions = CompanionFiles(path)
    defer { companions.removeIfIdle() }
    do throws(DXCassetteError) {
      let cassette = try DXCassette(path: path, access: .readOnly, logger: quiet)
      let version = cassette.fileSchemaVersion
      cassette.close()
      guard version < DXCassette.schemaVersion else {
        return "\(path): already at schema version \(DXCassette.schemaVersion)"
      }
      throw DXCassetteError(
        kind: .migrationNeeded, message: "\(path): schema version \(version)", cassettePath: path,
        schemaVersion: version)
    } catch  where error.kind == .migrationNeeded {
      let from = error.schemaVersion.map(String.init) ?? "?"
      do {
        let cassette = try DXCassette(path: path, access: .readWrite, logger: quiet)
        cassette.close()
      } catch {
        throw .cassette(error)
      }
      return "\(path): migrated from schema version \(from) to \(DXCassette.schemaVersion)"
    } catch {
      throw .cassette(error)
    }
  }

  /// `dxcassette import`: creates `path` from export JSON.
  /// - Parameters:
  ///   - json: The export document.
  ///   - path: The cassette to create.
  ///   - replace: Whether an existing file may be replaced (atomically); default `false`.
  /// - Returns: A one-line summary.
  /// - Throws: ``DXCassetteToolError`` — invalid JSON, an existing file, a secret in the data.
  public static func importExport(_ json: Data, to path: String, replace: Bool = false)
    throws(DXCassetteToolError)
    -> String
  {
    let interactions = try DXCassetteExport.interactions(fromJSON: json)
    if FileManager.default.fileExists(atPath: path) && !replace { throw .fileExists(path) }
    try rewrite(path, secrets: DXSecretScanner(), with: interactions)
    return "imported \(interactions.count) interactions into \(path)"
  }

  /// `dxcassette redact`: replaces every secret found (and every value in `secrets`) with the
  /// placeholder, on a copy that atomically replaces the original.
  /// - Returns: A summary of what was redacted.
  /// - Throws: ``DXCassetteToolError``; the original is unchanged on any failure.
  public static func redact(_ path: String, secrets: [String] = []) throws(DXCassetteToolError) -> String {
    let scanner = DXSecretScanner(tokens: secrets)
    let (interactions, maximumAge) = try readForRewrite(path)
    var changed = 0
    var fields = 0
    let redacted = interactions.map { interaction in
      let found = scanner.scan(interaction).count
      guard found > 0 else { return interaction }
      changed += 1
      fields += found
      return scanner.redactDetected(interaction)
    }
    guard changed > 0 else { return "\(path): nothing to redact in \(interactions.count) interactions" }
    try rewrite(path, secrets: scanner, with: redacted, expiresAfter: maximumAge)
    return "\(path): redacted \(fields) fields in \(changed) of \(interactions.count) interactions"
  }

  /// `dxcassette prune`: drops the interactions that a replay run's usage log does not list.
  /// - Parameters:
  ///   - path: The cassette.
  ///   - usageLog: The log the replay wrote: one interaction id per line (blank lines and `#` comments
  ///     are ignored).
  ///   - dryRun: Only report; default `false`.
  /// - Returns: What was (or would be) dropped.
  /// - Throws: ``DXCassetteToolError`` — a missing or invalid log, a log that lists nothing, or an
  ///   id the cassette does not have (the log belongs to another cassette).
  public static func prune(_ path: String, usageLog: String, dryRun: Bool = false) throws(DXCassetteToolError)
    -> String
  {
    let used = try readUsageLog(usageLog)
    guard !used.isEmpty else {
      throw .init(
        kind: .invalidUsageLog,
        message: "\(usageLog) lists no interaction; refusing to drop every interaction")
    }
    let (interactions, maximumAge) =
      dryRun
      ? (try readOnly(path), nil) : try readForRewrite(path)
    let known = Set(interactions.compactMap(\.id))
    if let stranger = used.first(where: { !known.contains($0) }) {
      throw .init(
        kind: .invalidUsageLog,
        message:
          "\(usageLog) names interaction #\(stranger), which \(path) does not have (a log of another cassette?)"
      )
    }
    let kept = interactions.filter { $0.id.map(used.contains) ?? false }
    let dropped = interactions.filter { !($0.id.map(used.contains) ?? false) }
    var lines = dropped.map { "  - \(DXCassetteDiff.line($0))" }
    if dryRun {
      lines.insert("\(path): would drop \(dropped.count) of \(interactions.count) interactions", at: 0)
      return lines.joined(separator: "\n")
    }
    if !dropped.isEmpty {
      try rewrite(
        path, secrets: DXSecretScanner(), with: kept, keepSequences: false, expiresAfter: maximumAge)
    }
    lines.insert(
      "\(path): dropped \(dropped.count) of \(interactions.count) interactions, kept \(kept.count)", at: 0)
    return lines.joined(separator: "\n")
  }

  /// The ids in a usage log.
  static func readUsageLog(_ path: String) throws(DXCassetteToolError) -> Set<Int64> {
    // A file handle also reads a pipe (`--usage-log <(…)`), which FileManager does not.
    guard let handle = FileHandle(forReadingAtPath: path) else { throw .fileNotFound(path) }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.readToEnd() ?? Data()
    } catch {
      throw .io(path, "cannot read: \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .init(kind: .invalidUsageLog, message: "\(path) is not UTF-8 text")
    }
    var ids: Set<Int64> = []
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let id = Int64(line), id > 0 else {
        throw .init(
          kind: .invalidUsageLog,
          message: "\(path):\(number + 1): expected an interaction id, got \"\(line.prefix(40))\"")
      }
      ids.insert(id)
    }
    return ids
  }

  /// Writes `data` to `path` through a temporary file and a rename.
  /// - Throws: ``DXCassetteToolError/Kind/io``.
  public static func writeAtomically(_ data: Data, to path: String) throws(DXCassetteToolError) {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw .io(path, "cannot write: \(error.localizedDescription)")
    }
  }

  // MARK: - Helpers

  /// Opens `path` read-only, runs `body`, closes it.
  static func withCassette<T>(_ path: String, _ body: (DXCassette) throws(DXCassetteError) -> T)
    throws(DXCassetteToolError) -> T
  {
    try checkIsFile(path)
    let companions = CompanionFiles(path)
    defer { companions.removeIfIdle() }
    do {
      let cassette = try DXCassette(path: path, access: .readOnly, logger: quiet)
      defer { cassette.close() }
      return try body(cassette)
    } catch {
      throw .cassette(error)
    }
  }

  /// The `-wal` and `-shm` files SQLite creates beside a WAL database even for a read-only
  /// connection, which cannot remove them when it closes.
  public struct CompanionFiles: Sendable {
    /// The cassette.
    public let path: String
    private let existed: Bool

    /// Notes whether `path`'s companions exist now (call it before opening the cassette).
    public init(_ path: String) {
      self.path = path
      existed = ["-wal", "-shm"].contains { FileManager.default.fileExists(atPath: path + $0) }
    }

    /// Removes the companions after the cassette was closed, if they did not exist before and the
    /// log is empty (so they hold nothing); files someone else was using are left alone.
    public func removeIfIdle() {
      guard !existed else { return }
      let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
      guard size == 0 else { return }
      for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
  }

  static func readOnly(_ path: String) throws(DXCassetteToolError) -> [DXCassetteInteraction] {
    try withCassette(path) { (cassette) throws(DXCassetteError) in try cassette.interactions() }
  }

  /// Reads every interaction of a cassette about to be rewritten. It is opened for writing once so
  /// that closing it folds its write-ahead log into the file: the rename that follows must not leave
  /// a stale `-wal` beside the new file.
  static func readForRewrite(_ path: String) throws(DXCassetteToolError) -> (
    interactions: [DXCassetteInteraction], expiresAfter: Duration?
  ) {
    try checkIsFile(path)
    // Refuse foreign and newer files before anything opens them for writing.
    _ = try readOnly(path)
    do {
      let cassette = try DXCassette(path: path, access: .readWrite, logger: quiet)
      defer { cassette.close() }
      return (try cassette.interactions(), try cassette.expiresAfter())
    } catch {
      throw .cassette(error)
    }
  }

  static func checkIsFile(_ path: String) throws(DXCassetteToolError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .fileNotFound(path)
    }
    if isDirectory.boolValue { throw .io(path, "is a directory, not a cassette") }
  }

  /// Builds a cassette of `interactions` (ids kept) in a temporary file beside `path`, then renames it
  /// over `path`. On any failure the temporary file is removed and `path` is untouched.
  /// The new cassette gets `expiresAfter` as its maximum age.
  static func rewrite(
    _ path: String, secrets: DXSecretScanner, with interactions: [DXCassetteInteraction],
    keepSequences: Bool = true, expiresAfter: Duration? = nil
  ) throws(DXCassetteToolError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + ".\(UUID().uuidString.prefix(8)).tmp"
    func removeTemporary() {
      for suffix in ["", "-wal", "-shm", "-journal"] {
        try? FileManager.default.removeItem(atPath: temporary + suffix)
      }
    }
    do throws(DXCassetteError) {
      let cassette = try DXCassette(path: temporary, access: .create, secrets: secrets, logger: quiet)
      do {
        try cassette.appendKeepingIDs(interactions, keepSequences: keepSequences)
        if let expiresAfter { try cassette.setExpiresAfter(expiresAfter) }
        cassette.close()
      } catch {
        cassette.close()
        throw error
      }
    } catch {
      removeTemporary()
      throw .cassette(error)
    }
    if let size = try? FileManager.default.attributesOfItem(atPath: temporary + "-wal")[.size] as? Int,
      size > 0
    {
      removeTemporary()
      throw .io(path, "the new cassette's write-ahead log was not folded in; nothing was changed")
    }
    // A stale log of the old file would be applied to the new one: remove it before the rename (the
    // old file's log is empty here, see readForRewrite, or belongs to a file being replaced).
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      removeTemporary()
      throw .io(path, "cannot replace the file: \(reason)")
    }
    try? FileManager.default.removeItem(atPath: temporary + "-shm")
  }
}
