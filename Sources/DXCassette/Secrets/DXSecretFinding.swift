/// A secret found in an interaction, and where.
public struct DXSecretFinding: Sendable, Hashable, CustomStringConvertible {
  /// What kind of secret it looks like.
  public struct Kind: Sendable, Hashable, CustomStringConvertible {
    /// The stable name.
    public let rawValue: String
    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// A configured token value (``DXSecretScanner/tokens``).
    public static let configuredToken = Kind("configured token")
    /// `Bearer <credential>`.
    public static let bearer = Kind("bearer credential")
    /// A JSON Web Token (`eyJ….….…`).
    public static let jwt = Kind("JWT")
    /// A long, high-entropy, token-looking value in an authentication-related field.
    public static let highEntropy = Kind("high-entropy value in an auth field")

    /// The stable name.
    public var description: String { rawValue }
  }

  /// Where, e.g. `request.headers.X-Api-Key`, `request.url`, `response.body.auth.token`.
  public var path: String
  /// What kind of secret.
  public var kind: Kind
  /// The start of the value with the rest masked, e.g. `"eyJh…"`, safe to print.
  public var excerpt: String

  /// Creates a finding.
  public init(path: String, kind: Kind, excerpt: String) {
    self.path = path
    self.kind = kind
    self.excerpt = excerpt
  }

  /// `"<path>: <kind> (<excerpt>)"`.
  public var description: String { "\(path): \(kind) (\(excerpt))" }
}
