import DXCore
import DXSQLite

/// Why a cassette operation failed.
///
/// A struct with a stable ``kind`` and context (the async-http-client `HTTPClientError` pattern),
/// so new kinds never break callers. ``description`` is the full, human-readable explanation; for
/// an unmatched request it names the nearest recorded candidate and lists the differing fields.
public struct DXCassetteError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of failure this is.
  public struct Kind: Sendable, Hashable, CustomStringConvertible {
    /// The stable name, e.g. `"noMatch"`.
    public let rawValue: String
    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// The cassette file does not exist (and was not to be created).
    public static let notFound = Kind("notFound")
    /// The file is an SQLite database, but not a cassette.
    public static let notACassette = Kind("notACassette")
    /// The file is not a database or is damaged.
    public static let corrupt = Kind("corrupt")
    /// The cassette was written by a newer DXKit, with a schema this code does not know.
    public static let unsupportedSchemaVersion = Kind("unsupportedSchemaVersion")
    /// The cassette has an older schema and was opened read-only, so it cannot be upgraded.
    public static let migrationNeeded = Kind("migrationNeeded")
    /// A write was attempted on a cassette opened read-only.
    public static let readOnly = Kind("readOnly")
    /// No recorded interaction matches the request (see ``DXCassetteError/candidate`` and
    /// ``DXCassetteError/differences``).
    public static let noMatch = Kind("noMatch")
    /// Every interaction matching the request was already played.
    public static let alreadyPlayed = Kind("alreadyPlayed")
    /// A write still contained a secret after redaction and was refused (see
    /// ``DXCassetteError/findings``).
    public static let secretDetected = Kind("secretDetected")
    /// No interaction has the given ID.
    public static let interactionNotFound = Kind("interactionNotFound")
    /// A stored value could not be decoded.
    public static let invalidData = Kind("invalidData")
    /// SQLite failed (see ``DXCassetteError/sqliteCode``).
    public static let storage = Kind("storage")
    /// The interaction recorded for the request is older than its maximum age and the mode does not
    /// re-record (`none`, replay only); ``DXCassetteError/candidate`` is the stale interaction.
    public static let expired = Kind("expired")
    /// A request hook dropped the request and nothing may be sent (replay only).
    public static let dropped = Kind("dropped")

    /// The stable name.
    public var description: String { rawValue }
  }

  /// What kind of failure this is.
  public var kind: Kind
  /// The full explanation.
  public var message: String
  /// The cassette file, when known.
  public var cassettePath: String?
  /// For ``Kind/noMatch`` and ``Kind/alreadyPlayed``: the nearest recorded interaction.
  public var candidate: DXCassetteInteraction?
  /// For ``Kind/noMatch``: how the request differs from ``candidate``, field by field.
  public var differences: [DXCassetteDifference]
  /// For ``Kind/alreadyPlayed``: how many matching interactions there were (all played).
  public var playedCount: Int
  /// For ``Kind/secretDetected``: what was found, with the path of each field.
  public var findings: [DXSecretFinding]
  /// For ``Kind/unsupportedSchemaVersion`` and ``Kind/migrationNeeded``: the file's schema version.
  public var schemaVersion: Int?
  /// For ``Kind/storage`` and ``Kind/corrupt``: SQLite's extended result code (e.g. 5 `SQLITE_BUSY`,
  /// 26 `SQLITE_NOTADB`); the message has SQLite's text.
  public var sqliteCode: Int32?

  /// Creates an error; prefer the static constructors.
  public init(
    kind: Kind, message: String, cassettePath: String? = nil, candidate: DXCassetteInteraction? = nil,
    differences: [DXCassetteDifference] = [], playedCount: Int = 0, findings: [DXSecretFinding] = [],
    schemaVersion: Int? = nil, sqliteCode: Int32? = nil
  ) {
    self.kind = kind
    self.message = message
    self.cassettePath = cassettePath
    self.candidate = candidate
    self.differences = differences
    self.playedCount = playedCount
    self.findings = findings
    self.schemaVersion = schemaVersion
    self.sqliteCode = sqliteCode
  }

  /// The message.
  public var description: String { message }

  // MARK: - Constructors

  static func storage(_ error: DXSQLiteError, path: String?) -> Self {
    if error.isNotADatabase {
      return .init(
        kind: .corrupt, message: "\(path ?? "cassette"): not a cassette or damaged (\(error.message))",
        cassettePath: path, sqliteCode: error.extendedCode)
    }
    return .init(
      kind: .storage, message: "\(path ?? "cassette"): storage error: \(error)", cassettePath: path,
      sqliteCode: error.extendedCode)
  }

  static func secretDetected(_ findings: [DXSecretFinding], path: String?) -> Self {
    let list = findings.map { "\($0.path) (\($0.kind.description))" }.joined(separator: ", ")
    return .init(
      kind: .secretDetected,
      message:
        "refused to write an interaction that still contains a secret after redaction: \(list); "
        + "configure the token to redact (DXSecretScanner.tokens) or remove the field",
      cassettePath: path, findings: findings)
  }
}

/// One field in which a request differs from a recorded candidate.
public struct DXCassetteDifference: Sendable, Hashable, CustomStringConvertible {
  /// Where: `"method"`, `"path"`, `"query"`, `"headers.X-Name"`, `"body"` or a JSON path such as
  /// `"body.input.name"` or `"body.folders[2]"`.
  public var field: String
  /// The request's value, rendered (JSON for body values, `missing` when absent).
  public var requestValue: String
  /// The recorded value, rendered the same way.
  public var recordedValue: String

  /// Creates a difference.
  public init(field: String, requestValue: String, recordedValue: String) {
    self.field = field
    self.requestValue = requestValue
    self.recordedValue = recordedValue
  }

  /// `field: request ≠ recorded`, e.g. `body.name: "a" ≠ "b"`.
  public var description: String { "\(field): \(requestValue) ≠ \(recordedValue)" }
}
