import DXWire

/// A database's own fields (the data-object fields live in ``DataObjectState``).
///
/// The mock has no SQL engine: a database is declared by the fixtures with its name and the files of
/// its tables, which `listFolder` lists and `downloadFile` serves.
struct DatabaseData: Sendable, Codable, Equatable {
  /// The name given at creation, e.g. `"geno"`.
  var databaseName: String
  /// The files under the database's root (`/table/part-0.parquet` → bytes), as the fixtures declare.
  var files: [String: String] = [:]

  /// `database_<id without the prefix, lower-cased>__<name>`, as the platform names it.
  static func uniqueName(id: String, name: String) -> String {
    "database_" + id.dropFirst("database-".count).lowercased() + "__" + name
  }
}

/// A database cluster's own fields.
///
/// `status` moves as the platform's does, one step per request in the mock: `creating → available`,
/// `stopping → stopped`, `starting → available`, `terminating → terminated`.
struct DBClusterData: Sendable, Codable, Equatable {
  /// The instance class, e.g. `"db_std1_x2"`.
  var dxInstanceClass: String
  /// `"aurora-mysql"` or `"aurora-postgresql"`.
  var engine: String
  var engineVersion: String
  /// `creating`, `available`, `stopping`, `stopped`, `starting`, `terminating`, `terminated`.
  var status: String = "creating"
  /// When the status last changed (ms).
  var statusAsOf: Int
  /// The endpoint host and port once available.
  var endpoint: String
  var port: Int

  /// The status that follows a transient one, or `nil` for a settled status.
  static func next(after status: String) -> String? {
    switch status {
    case "creating", "starting": return "available"
    case "stopping": return "stopped"
    case "terminating": return "terminated"
    default: return nil
    }
  }
}
