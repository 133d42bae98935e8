/// A configuration file or value could not be used; the error names the file (or variable) and key.
public struct DXConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  private enum Code: String, Sendable, Hashable {
    case malformedFile
    case invalidValue
    case unreadableFile
  }

  private let code: Code
  /// Where the bad value came from: a file path, or `"environment"` for a process variable.
  public let source: String
  /// The variable, e.g. `DX_APISERVER_PORT`, or `nil` when the file as a whole is malformed.
  public let key: String?
  /// The 1-based line number in a shell-style file, when known.
  public let line: Int?
  /// What was wrong.
  public let reason: String

  private init(_ code: Code, source: String, key: String?, line: Int?, reason: String) {
    self.code = code
    self.source = source
    self.key = key
    self.line = line
    self.reason = reason
  }

  /// A file whose syntax is wrong (`environment.json` that is not a JSON object, an unterminated quote
  /// in a shell-style `environment` file, …).
  public static func malformedFile(path: String, key: String? = nil, line: Int? = nil, reason: String)
    -> DXConfigurationError
  {
    DXConfigurationError(.malformedFile, source: path, key: key, line: line, reason: reason)
  }

  /// A well-formed file or variable whose value is unusable (a port that is not a number, a security
  /// context that is not JSON, a proxy URL without a host, …).
  public static func invalidValue(source: String, key: String, reason: String) -> DXConfigurationError {
    DXConfigurationError(.invalidValue, source: source, key: key, line: nil, reason: reason)
  }

  /// A file that exists but cannot be read.
  public static func unreadableFile(path: String, reason: String) -> DXConfigurationError {
    DXConfigurationError(.unreadableFile, source: path, key: nil, line: nil, reason: reason)
  }

  /// Whether the file's syntax was wrong.
  public var isMalformedFile: Bool { code == .malformedFile }
  /// Whether a value was unusable.
  public var isInvalidValue: Bool { code == .invalidValue }
  /// Whether a file could not be read.
  public var isUnreadableFile: Bool { code == .unreadableFile }

  /// E.g. `"/home/u/.dnanexus_config/environment.json: DX_APISERVER_PORT: expected a string, got number"`.
  public var description: String {
    var text = source
    if let line { text += ":\(line)" }
    if let key { text += ": \(key)" }
    return text + ": " + reason
  }
}
