import DXCore
import DXSQLite
import Foundation
import Logging

/// Upgrades older cassette files to ``DXCassette/schemaVersion``, one version at a time, each step in
/// one transaction (a failed migration leaves the file as it was).
enum DXCassetteMigrations {
  /// Version 1: one table; headers as a JSON object (repeated names collapsed); a failure as one
  /// `"<kind>: <message>"` text; no body-end, sequence or timing; ISO 8601 `recorded_at`; no key index.
  static let schemaV1 = """
    CREATE TABLE interactions(
      id INTEGER PRIMARY KEY,
      method TEXT NOT NULL,
      url TEXT NOT NULL,
      request_headers TEXT NOT NULL,
      request_body BLOB NOT NULL,
      status INTEGER,
      response_headers TEXT,
      response_body BLOB,
      error TEXT,
      recorded_at TEXT NOT NULL
    );
    """

  /// Version 2: the indexed layout (headers as `[name, value]` pairs, the failure split in kind and
  /// message, body end, sequence, duration, match keys).
  static let schemaV2 = """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE interaction(
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      method TEXT NOT NULL,
      url TEXT NOT NULL,
      request_headers TEXT NOT NULL,
      request_body BLOB NOT NULL,
      status INTEGER,
      response_headers TEXT,
      response_body BLOB,
      body_end TEXT,
      declared_length INTEGER,
      received_length INTEGER,
      error_kind TEXT,
      error_message TEXT,
      sequence INTEGER NOT NULL DEFAULT 0,
      duration_ns INTEGER NOT NULL DEFAULT 0,
      recorded_at REAL NOT NULL,
      CHECK ((status IS NULL) <> (error_kind IS NULL))
    );
    CREATE TABLE match_key(
      interaction_id INTEGER PRIMARY KEY,
      method TEXT NOT NULL,
      path TEXT NOT NULL,
      body TEXT NOT NULL
    );
    CREATE INDEX match_key_lookup ON match_key(method, path, body, interaction_id);
    """

  /// What version 3 added to version 2's `interaction` table.
  static let version3Columns = """
    ALTER TABLE interaction ADD COLUMN headers_ns INTEGER;
    ALTER TABLE interaction ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE interaction ADD COLUMN max_age_ns INTEGER;
    """

  static func migrate(_ db: DXSQLiteDatabase, from version: Int, to target: Int, logger: Logger, path: String)
    throws
  {
    var current = version
    while current < target {
      logger.info("migrating cassette schema", metadata: ["path": "\(path)", "from": "\(current)"])
      switch current {
      case 1: try db.transaction { try migrateV1toV2(db) }
      case 2: try db.transaction { try migrateV2toV3(db) }
      default:
        throw DXCassetteError(
          kind: .notACassette, message: "\(path): unknown cassette schema version \(current)",
          cassettePath: path, schemaVersion: current)
      }
      current += 1
    }
  }

  /// v1 → v2: split the error text, keep header order as stored, mark bodies complete, derive each
  /// attempt's sequence from the default match key, move to the indexed layout.
  private static func migrateV1toV2(_ db: DXSQLiteDatabase) throws {
    try db.execute(schemaV2)
    try db.execute(
      "INSERT INTO meta(key, value) VALUES ('created_at', ?), ('matcher_fingerprint', ''), ('migrated_from', '1')",
      [.text(ISO8601DateFormatter().string(from: Date()))])
    let select = try db.prepare(
      """
      SELECT id, method, url, request_headers, request_body, status, response_headers, response_body, error,
        recorded_at FROM interactions ORDER BY id
      """, cached: false)
    let insert = try db.prepare(
      """
      INSERT INTO interaction(id, method, url, request_headers, request_body, status, response_headers,
        response_body, body_end, error_kind, error_message, sequence, duration_ns, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
      """, cached: false)
    var counts: [DXCassetteMatchKey: Int] = [:]
    let matching = DXCassetteMatching.default
    let formatter = ISO8601DateFormatter()
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    try select.query { row in
      let method = row.string(at: 1) ?? ""
      let url = row.string(at: 2) ?? ""
      let body = row.data(at: 4) ?? Data()
      let key = matching.key(
        method: method, url: url, body: body, placeholder: DXSecretScanner.defaultPlaceholder)
      let sequence = counts[key, default: 0]
      counts[key] = sequence + 1
      let recordedText = row.string(at: 9) ?? ""
      let recordedAt =
        fractional.date(from: recordedText) ?? formatter.date(from: recordedText)
        ?? Date(
          timeIntervalSince1970: 0)
      var values: [DXSQLiteValue] = [
        .integer(row.int64(at: 0)), .text(method), .text(url), .text(try v1Headers(row.string(at: 3))),
        .blob(body),
      ]
      if let error = row.string(at: 8) {
        let parts = error.split(separator: ":", maxSplits: 1)
        let kind = parts.first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? "other"
        let message = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        values += [.null, .null, .null, .null, .text(kind.isEmpty ? "other" : kind), .text(message)]
      } else {
        values += [
          .int(row.int(at: 5)), .text(try v1Headers(row.string(at: 6))), .blob(row.data(at: 7) ?? Data()),
          .text("complete"), .null, .null,
        ]
      }
      values += [.int(sequence), .real(recordedAt.timeIntervalSince1970)]
      try insert.bind(values)
      try insert.run()
    }
    try db.execute("DROP TABLE interactions")
    try db.setUserVersion(2)
  }

  /// v2 → v3: each interaction gains its time to headers (unknown for what was recorded before), its
  /// tags (none) and its own maximum age (none: the cassette's applies). Nothing else changes, so the
  /// match keys stay valid.
  private static func migrateV2toV3(_ db: DXSQLiteDatabase) throws {
    try db.execute(version3Columns)
    try db.setUserVersion(3)
  }

  /// A v1 header object `{"Name": "value"}` as a v2 pair list, names sorted (v1 kept no order).
  private static func v1Headers(_ text: String?) throws -> String {
    guard let text, !text.isEmpty else { return "[]" }
    guard let object = (try? DXJSON(parsing: text))?.objectValue else {
      throw DXCassetteError(
        kind: .invalidData, message: "v1 headers are not a JSON object: \(text.prefix(80))")
    }
    var headers = DXHTTPHeaders()
    for name in object.keys.sorted() {
      if let value = object[name] { headers.add(name: name, value: value.stringValue ?? value.description) }
    }
    return DXCassette.Row.encodeHeaders(headers)
  }
}
