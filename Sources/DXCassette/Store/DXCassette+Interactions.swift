import DXCore
import DXSQLite
import Foundation

// MARK: - Writing

extension DXCassette {
  /// Redacts, scans and appends one interaction in its own transaction.
  ///
  /// The interaction's ``DXCassetteInteraction/sequence`` is set to its position among the
  /// cassette's interactions with the same match key; its `id` is ignored and assigned.
  /// - Returns: The interaction as stored (redacted, with `id` and `sequence`).
  /// - Throws: ``DXCassetteError`` — `secretDetected` (nothing is written), `readOnly`, `storage`.
  @discardableResult
  public func append(_ interaction: DXCassetteInteraction) throws(DXCassetteError) -> DXCassetteInteraction {
    try append(interaction, replacingMatchesBelow: nil)
  }

  /// Redacts, scans and appends many interactions in one transaction (all or nothing).
  /// - Returns: The interactions as stored.
  /// - Throws: ``DXCassetteError``; on a secret, nothing is written.
  @discardableResult
  public func append(contentsOf interactions: [DXCassetteInteraction]) throws(DXCassetteError)
    -> [DXCassetteInteraction]
  {
    try requireWritable()
    let prepared = try interactions.map { (interaction) throws(DXCassetteError) in try checked(interaction) }
    return try storage {
      try database.transaction {
        try prepared.map { try insert($0, replacingMatchesBelow: nil) }
      }
    }
  }

  /// Appends `interaction`; when `replacingMatchesBelow` is set, first deletes the interactions
  /// with the same match key and an id below it (record mode `all`).
  func append(_ interaction: DXCassetteInteraction, replacingMatchesBelow limit: Int64?)
    throws(DXCassetteError)
    -> DXCassetteInteraction
  {
    try requireWritable()
    let prepared = try checked(interaction)
    return try storage {
      try database.transaction { try insert(prepared, replacingMatchesBelow: limit) }
    }
  }

  /// Replaces the stored interaction with the same `id` (request, outcome, timings), e.g. after
  /// redacting it. The match key is recomputed; the sequence is kept.
  /// - Throws: ``DXCassetteError`` — `interactionNotFound`, `secretDetected`, `readOnly`, `storage`.
  public func update(_ interaction: DXCassetteInteraction) throws(DXCassetteError) {
    try requireWritable()
    guard let id = interaction.id else {
      throw DXCassetteError(
        kind: .interactionNotFound, message: "\(path): cannot update an interaction without an id",
        cassettePath: path)
    }
    let prepared = try checked(interaction)
    let found = try storage {
      try database.transaction { () -> Bool in
        let row = Row(prepared)
        let columns = Row.insertColumns.split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var assignments: [String] = []
        var values: [DXSQLiteValue] = []
        for (index, column) in columns.enumerated() where index != Row.sequenceIndex {
          assignments.append("\(column) = ?")
          values.append(row.values[index])
        }
        try database.execute(
          "UPDATE interaction SET \(assignments.joined(separator: ", ")) WHERE id = ?",
          values + [.integer(id)])
        guard database.changes == 1 else { return false }
        let key = self.key(for: prepared.request)
        try database.execute(
          "INSERT OR REPLACE INTO match_key(interaction_id, method, path, body) VALUES (?, ?, ?, ?)",
          [.integer(id), .text(key.method), .text(key.path), .text(key.body)])
        return true
      }
    }
    if !found {
      throw DXCassetteError(
        kind: .interactionNotFound, message: "\(path): no interaction #\(id)", cassettePath: path)
    }
  }

  /// Deletes the interactions with the given ids (unknown ids are ignored).
  /// - Returns: How many were deleted.
  /// - Throws: ``DXCassetteError``.
  @discardableResult
  public func delete(ids: some Sequence<Int64>) throws(DXCassetteError) -> Int {
    try requireWritable()
    let list = Array(ids)
    return try storage {
      try database.transaction { () -> Int in
        var deleted = 0
        for id in list {
          try database.execute("DELETE FROM interaction WHERE id = ?", [.integer(id)])
          deleted += database.changes
          try database.execute("DELETE FROM match_key WHERE interaction_id = ?", [.integer(id)])
        }
        return deleted
      }
    }
  }

  /// Deletes every interaction.
  /// - Throws: ``DXCassetteError``.
  public func removeAll() throws(DXCassetteError) {
    try requireWritable()
    try storage {
      try database.transaction { try database.execute("DELETE FROM interaction; DELETE FROM match_key") }
    }
  }

  /// Redacts and scans; throws when a secret remains.
  /// Refuses a request that would leave a secret in the cassette after redaction — checked before the
  /// request is sent, so that a recording that cannot be kept does not reach the network.
  func checkRequest(_ request: DXTransportRequest) throws(DXCassetteError) {
    let findings = secrets.scan(secrets.redact(request))
    if !findings.isEmpty { throw .secretDetected(findings, path: path) }
  }

  func checked(_ interaction: DXCassetteInteraction) throws(DXCassetteError) -> DXCassetteInteraction {
    let redacted = secrets.redact(interaction)
    let findings = secrets.scan(redacted)
    if !findings.isEmpty { throw .secretDetected(findings, path: path) }
    return redacted
  }

  /// Inserts a checked interaction. Call inside a transaction.
  private func insert(_ interaction: DXCassetteInteraction, replacingMatchesBelow limit: Int64?) throws
    -> DXCassetteInteraction
  {
    let key = self.key(for: interaction.request)
    let keyArguments: [DXSQLiteValue] = [.text(key.method), .text(key.path), .text(key.body)]
    if let limit {
      try database.execute(
        """
        DELETE FROM interaction WHERE id IN (SELECT interaction_id FROM match_key
          WHERE method = ? AND path = ? AND body = ? AND interaction_id < ?)
        """, keyArguments + [.integer(limit)])
      try database.execute(
        "DELETE FROM match_key WHERE method = ? AND path = ? AND body = ? AND interaction_id < ?",
        keyArguments + [.integer(limit)])
    }
    let sequence = Self.intValue(
      try database.scalar(
        "SELECT count(*) FROM match_key WHERE method = ? AND path = ? AND body = ?", keyArguments))
    var stored = interaction
    stored.sequence = sequence
    let row = Row(stored)
    try database.execute(
      "INSERT INTO interaction(\(Row.insertColumns)) VALUES (\(Row.placeholders))", row.values)
    let id = database.lastInsertRowID
    try database.execute(
      "INSERT INTO match_key(interaction_id, method, path, body) VALUES (?, ?, ?, ?)",
      [.integer(id)] + keyArguments)
    stored.id = id
    return stored
  }
}

// MARK: - Reading

extension DXCassette {
  /// The number of interactions.
  /// - Throws: ``DXCassetteError``.
  public func count() throws(DXCassetteError) -> Int {
    try storage { Self.intValue(try database.scalar("SELECT count(*) FROM interaction")) }
  }

  /// Every interaction, in recording order, bodies included.
  /// - Throws: ``DXCassetteError``.
  public func interactions() throws(DXCassetteError) -> [DXCassetteInteraction] {
    try storage {
      try database.withLock {
        try database.prepare("SELECT \(Row.columns) FROM interaction ORDER BY id").map { try Row.decode($0) }
      }
    }
  }

  /// The interaction with `id`.
  /// - Throws: ``DXCassetteError`` (`interactionNotFound`).
  public func interaction(id: Int64) throws(DXCassetteError) -> DXCassetteInteraction {
    let found = try storage {
      try database.withLock { () -> DXCassetteInteraction? in
        let statement = try database.prepare("SELECT \(Row.columns) FROM interaction WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(.integer(id), at: 1)
        return try statement.step() ? try Row.decode(statement) : nil
      }
    }
    guard let found else {
      throw DXCassetteError(
        kind: .interactionNotFound, message: "\(path): no interaction #\(id)", cassettePath: path)
    }
    return found
  }

  /// A line per interaction without loading bodies, in recording order.
  /// - Throws: ``DXCassetteError``.
  public func summaries() throws(DXCassetteError) -> [DXCassetteInteraction.Summary] {
    try storage {
      try database.withLock {
        try database.prepare(
          """
          SELECT id, method, url, status, error_kind, body_end, length(request_body), length(response_body),
            sequence, duration_ns, recorded_at, tags, max_age_ns FROM interaction ORDER BY id
          """
        ).map { row in
          DXCassetteInteraction.Summary(
            id: row.int64(at: 0), method: row.string(at: 1) ?? "", url: row.string(at: 2) ?? "",
            status: row.isNull(at: 3) ? nil : row.int(at: 3),
            errorKind: row.string(at: 4).map { DXTransportError.Kind(rawValue: $0) },
            bodyEnd: row.string(at: 5), requestBodySize: row.int(at: 6), responseBodySize: row.int(at: 7),
            sequence: row.int(at: 8), duration: .nanoseconds(row.int64(at: 9)),
            recordedAt: Date(timeIntervalSince1970: row.double(at: 10)),
            tags: Row.decodeTags(row.string(at: 11)),
            expiresAfter: row.isNull(at: 12) ? nil : .nanoseconds(row.int64(at: 12)))
        }
      }
    }
  }

  // MARK: Lookup

  /// The replay path's look-up of a match key's interactions (prepared once per connection).
  static let candidateQuery = DXSQLiteQuery(
    "SELECT interaction_id FROM match_key WHERE method = ? AND path = ? AND body = ? ORDER BY interaction_id")
  /// The replay path's read of a recorded outcome (prepared once per connection).
  static let outcomeQuery = DXSQLiteQuery(
    """
    SELECT status, response_headers, response_body, body_end, declared_length, received_length,
      error_kind, error_message FROM interaction WHERE id = ?
    """)

  /// The replay fast path's one statement: a match key's interactions in recording order, each with
  /// its recorded outcome (the columns of ``outcomeQuery``; a `LEFT JOIN`, so that an index row whose
  /// interaction is missing fails as ``storedOutcome(id:)`` does). Prepared once per connection.
  static let replayQuery = DXSQLiteQuery(
    """
    SELECT m.interaction_id, i.id, i.status, i.response_headers, i.response_body, i.body_end,
      i.declared_length, i.received_length, i.error_kind, i.error_message
    FROM match_key m LEFT JOIN interaction i ON i.id = m.interaction_id
    WHERE m.method = ? AND m.path = ? AND m.body = ? ORDER BY m.interaction_id
    """)

  /// What the replay fast path found for a match key.
  enum ReplayLookup {
    /// The first interaction `take` accepted, and its recorded outcome (`nil` when the index names
    /// an interaction that is not stored).
    case taken(Int64, DXCassetteInteraction.Outcome?)
    /// Every matching id (none accepted), in recording order; empty when nothing matches.
    case declined([Int64])
  }

  /// The interactions of `key` in recording order, in one statement: the first whose id `take`
  /// accepts is returned with its outcome (decoded from the same row); the others are only listed.
  /// The same as ``candidateIDs(for:)`` followed by ``storedOutcome(id:)`` of the chosen id, for a
  /// cassette whose matching needs no candidate check. `take` runs with the database lock held.
  ///
  /// A read-only cassette keeps its read transaction open from one look-up to the next while no other
  /// connection commits (``DXSQLiteDatabase/withReadSnapshot(_:)``): each look-up still reads the
  /// file's latest state, without SQLite's start and end of a transaction.
  func replayLookup(_ key: DXCassetteMatchKey, take: (Int64) -> Bool) throws(DXCassetteError) -> ReplayLookup
  {
    try storage {
      try database.withReadSnapshot { () -> ReplayLookup in
        let statement = try prepare(Self.replayQuery, boundTo: key)
        defer { statement.reset() }
        var ids: [Int64] = []
        while try statement.step() {
          let id = statement.int64(at: 0)
          guard take(id) else {
            ids.append(id)
            continue
          }
          return .taken(id, statement.isNull(at: 1) ? nil : try Row.decodeOutcome(statement, from: 2))
        }
        return .declined(ids)
      }
    }
  }

  /// `query` (a look-up by match key) prepared with `key`'s method, path and body bound. Call with
  /// the database lock held, and reset the statement after use.
  private func prepare(_ query: DXSQLiteQuery, boundTo key: DXCassetteMatchKey) throws -> DXSQLiteStatement {
    let statement = try database.prepare(query)
    try statement.bind(key.method, at: 1)
    try statement.bind(key.path, at: 2)
    try statement.bind(key.body, at: 3)
    return statement
  }

  /// The ids of the interactions matching `request` under this cassette's matching settings, in
  /// recording order, before ``DXCassetteMatching/headers`` and custom matchers (keeping a read-only
  /// cassette's read snapshot open, as ``replayLookup(_:take:)`` does).
  func candidateIDs(for key: DXCassetteMatchKey) throws(DXCassetteError) -> [Int64] {
    try storage {
      try database.withReadSnapshot {
        let statement = try prepare(Self.candidateQuery, boundTo: key)
        defer { statement.reset() }
        var ids: [Int64] = []
        while try statement.step() { ids.append(statement.int64(at: 0)) }
        return ids
      }
    }
  }

  /// The interactions recorded for `request` (redacted first), in recording order, after every
  /// matcher — the ones that may answer it.
  /// - Throws: ``DXCassetteError``.
  public func matches(for request: DXTransportRequest) throws(DXCassetteError) -> [DXCassetteInteraction] {
    let ids = try matchingIDs(for: request)
    return try ids.map { (id) throws(DXCassetteError) in try interaction(id: id) }
  }

  /// The first recorded interaction that may answer `request` (redacted first), or `nil`.
  ///
  /// Stateless: unlike a replay transport it does not mark anything played.
  /// - Throws: ``DXCassetteError``.
  public func lookup(_ request: DXTransportRequest) throws(DXCassetteError) -> DXCassetteInteraction? {
    guard let id = try matchingIDs(for: request).first else { return nil }
    return try interaction(id: id)
  }

  /// The ids of the interactions that may answer `request`, in recording order.
  func matchingIDs(for request: DXTransportRequest) throws(DXCassetteError) -> [Int64] {
    let ids = try candidateIDs(for: key(for: request))
    guard matching.needsCandidateCheck, !ids.isEmpty else { return ids }
    let redacted = secrets.redact(request)
    var kept: [Int64] = []
    for id in ids where failingMatchers(redacted, try storedRequest(id: id)).isEmpty { kept.append(id) }
    return kept
  }

  /// The names of the header and custom checks `request` fails against `recorded`.
  func failingMatchers(_ request: DXTransportRequest, _ recorded: DXTransportRequest) -> [String] {
    var failing: [String] = []
    for name in matching.headers where !secrets.redactedHeaders.contains(name.lowercased()) {
      if request.headers.values(for: name) != recorded.headers.values(for: name) {
        failing.append("headers.\(name)")
      }
    }
    for matcher in matching.custom where !matcher.matches(request, recorded: recorded) {
      failing.append("matcher.\(matcher.name)")
    }
    return failing
  }

  /// The stored request of `id` (headers and body, no response).
  func storedRequest(id: Int64) throws(DXCassetteError) -> DXTransportRequest {
    let found = try storage {
      try database.withLock { () -> DXTransportRequest? in
        let statement = try database.prepare(
          "SELECT method, url, request_headers, request_body FROM interaction WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(.integer(id), at: 1)
        guard try statement.step() else { return nil }
        return DXTransportRequest(
          method: statement.string(at: 0) ?? "", url: statement.string(at: 1) ?? "",
          headers: try Row.decodeHeaders(statement.string(at: 2)), body: statement.data(at: 3) ?? Data())
      }
    }
    guard let found else {
      throw DXCassetteError(
        kind: .interactionNotFound, message: "\(path): no interaction #\(id)", cassettePath: path)
    }
    return found
  }

  /// The recorded outcome of `id` (no request fields): the replay fast path. Like the look-ups, it
  /// keeps a read-only cassette's read snapshot open (``replayLookup(_:take:)``).
  func storedOutcome(id: Int64) throws(DXCassetteError) -> DXCassetteInteraction.Outcome {
    let found = try storage {
      try database.withReadSnapshot { () -> DXCassetteInteraction.Outcome? in
        let statement = try database.prepare(Self.outcomeQuery)
        defer { statement.reset() }
        try statement.bind(.integer(id), at: 1)
        guard try statement.step() else { return nil }
        return try Row.decodeOutcome(statement, from: 0)
      }
    }
    guard let found else {
      throw DXCassetteError(
        kind: .interactionNotFound, message: "\(path): no interaction #\(id)", cassettePath: path)
    }
    return found
  }

  /// The largest id so far (0 for an empty cassette).
  func maximumID() throws(DXCassetteError) -> Int64 {
    try storage { Int64(Self.intValue(try database.scalar("SELECT max(id) FROM interaction"))) }
  }
}
