import DXCore
import DXSQLite
import Foundation

extension DXCassette {
  /// Redacts, scans and appends interactions in one transaction (all or nothing), keeping each one's
  /// `id` when it has one (`dxcassette import`, and the rewrites of `redact` and `prune`), so a
  /// cassette's ids survive export → import and a usage log stays valid after a prune.
  ///
  /// With `keepSequences` each interaction keeps its ``DXCassetteInteraction/sequence`` (an import is
  /// faithful to its export); otherwise it is recomputed as ``append(_:)`` does (after a prune). An
  /// interaction without an id gets the next one.
  /// - Returns: The interactions as stored.
  /// - Throws: ``DXCassetteError`` — `secretDetected` (nothing is written), `readOnly`, `storage`
  ///   (e.g. an id given twice).
  @discardableResult
  func appendKeepingIDs(_ interactions: [DXCassetteInteraction], keepSequences: Bool) throws(DXCassetteError)
    -> [DXCassetteInteraction]
  {
    try requireWritable()
    let prepared = try interactions.map { (interaction) throws(DXCassetteError) in
      var checked = try checked(interaction)
      checked.id = interaction.id
      checked.sequence = interaction.sequence
      return checked
    }
    return try storage {
      try database.transaction {
        try prepared.map { interaction -> DXCassetteInteraction in
          let key = self.key(for: interaction.request)
          let keyArguments: [DXSQLiteValue] = [.text(key.method), .text(key.path), .text(key.body)]
          var stored = interaction
          if !keepSequences {
            stored.sequence = Self.intValue(
              try database.scalar(
                "SELECT count(*) FROM match_key WHERE method = ? AND path = ? AND body = ?", keyArguments))
          }
          let id: Int64
          if let given = interaction.id {
            id = given
          } else {
            id = Int64(Self.intValue(try database.scalar("SELECT coalesce(max(id), 0) + 1 FROM interaction")))
          }
          try database.execute(
            "INSERT INTO interaction(id, \(Row.insertColumns)) VALUES (?, \(Row.placeholders))",
            [.integer(id)] + Row(stored).values)
          try database.execute(
            "INSERT INTO match_key(interaction_id, method, path, body) VALUES (?, ?, ?, ?)",
            [.integer(id)] + keyArguments)
          stored.id = id
          return stored
        }
      }
    }
  }
}
