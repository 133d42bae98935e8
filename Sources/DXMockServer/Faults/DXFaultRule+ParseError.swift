import DXWire

extension DXFaultRule {
  /// Why a fault rule (a spec line, a JSON rule or a rule file) could not be parsed.
  ///
  /// The message names the rule's field (`match.path`, `fault.status`, …) or spec key, never a
  /// command-line flag: the caller says where the rule came from (the `dx-mock-server` command prefixes
  /// its flag, the admin API answers it as the platform's error).
  public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Sendable, Hashable {
      /// A rule is malformed: an unknown or repeated key, a value out of range, a missing field.
      case invalidRule
      /// A rule file or body is not JSON.
      case malformedJSON
      /// A rule file cannot be read.
      case unreadableFile
    }

    /// The kind of problem.
    public var kind: Kind
    /// A one-line description for people, naming the field.
    public var message: String

    /// Creates a parse error.
    public init(_ kind: Kind, _ message: String) {
      self.kind = kind
      self.message = message
    }

    /// A malformed rule.
    package static func invalid(_ message: String) -> ParseError { ParseError(.invalidRule, message) }

    /// The message.
    public var description: String { message }

    /// The platform's error for this problem: 400 MalformedJSON for text that is not JSON, 422
    /// InvalidInput otherwise.
    public var platformError: DXPlatformError {
      kind == .malformedJSON ? .malformedJSON(message) : .invalidInput(message)
    }
  }
}
