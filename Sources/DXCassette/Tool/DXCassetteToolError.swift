import Foundation

/// Why a `dxcassette` command failed: a one-line, human-readable message and a stable kind.
///
/// A struct with static members (the async-http-client `HTTPClientError` pattern), so new kinds never
/// break callers; `Equatable` for tests.
public struct DXCassetteToolError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of failure this is.
  public struct Kind: Sendable, Hashable, CustomStringConvertible {
    /// The stable name.
    public let rawValue: String
    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// A file that should exist does not.
    public static let fileNotFound = Kind("fileNotFound")
    /// A file exists where the command would create one.
    public static let fileExists = Kind("fileExists")
    /// A file could not be read or written.
    public static let io = Kind("io")
    /// The export JSON is not valid.
    public static let invalidExport = Kind("invalidExport")
    /// The usage log is not valid.
    public static let invalidUsageLog = Kind("invalidUsageLog")
    /// An argument is not valid.
    public static let invalidArgument = Kind("invalidArgument")
    /// The cassette store refused or failed (not a cassette, newer schema, corrupt, secret…).
    public static let cassette = Kind("cassette")

    /// The stable name.
    public var description: String { rawValue }
  }

  /// What kind of failure this is.
  public var kind: Kind
  /// The explanation, one line.
  public var message: String
  /// For ``Kind/cassette``: the store's error.
  public var underlying: DXCassetteError?

  /// Creates an error; prefer the static constructors.
  public init(kind: Kind, message: String, underlying: DXCassetteError? = nil) {
    self.kind = kind
    self.message = message
    self.underlying = underlying
  }

  /// The message, on one line.
  public var description: String {
    message.split(whereSeparator: \.isNewline).joined(separator: " ")
  }

  /// `path` does not exist.
  public static func fileNotFound(_ path: String) -> Self {
    .init(kind: .fileNotFound, message: "\(path): no such file")
  }

  /// `path` exists and would be overwritten.
  public static func fileExists(_ path: String) -> Self {
    .init(kind: .fileExists, message: "\(path) already exists (use --force to replace it)")
  }

  /// Reading or writing `path` failed.
  public static func io(_ path: String, _ reason: String) -> Self {
    .init(kind: .io, message: "\(path): \(reason)")
  }

  /// The export JSON is not valid, at `location`.
  public static func invalidExport(_ location: String, _ reason: String) -> Self {
    .init(kind: .invalidExport, message: "not a dxcassette export: \(location): \(reason)")
  }

  /// A HAR or VCR.py file is not valid, at `location`.
  public static func invalidFile(_ format: String, _ location: String, _ reason: String) -> Self {
    .init(kind: .invalidExport, message: "not a valid \(format) file: \(location): \(reason)")
  }

  /// An argument is not valid.
  public static func invalidArgument(_ reason: String) -> Self {
    .init(kind: .invalidArgument, message: reason)
  }

  /// The store's error.
  public static func cassette(_ error: DXCassetteError) -> Self {
    var message = error.message
    if error.kind == .migrationNeeded, let path = error.cassettePath {
      message += " (run: dxcassette migrate \(path))"
    }
    return .init(kind: .cassette, message: message, underlying: error)
  }
}
