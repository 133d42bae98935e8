import DXWire

/// Who is on the platform beyond the configured tokens: user profiles, orgs, the tokens the auth
/// routes made and the signatures of revoked tokens.
///
/// Part of ``PlatformState`` (its ``PlatformState/directory``); every mutation goes through the
/// methods here so the changed entries are recorded for the state file.
struct DirectoryState: Sendable {
  /// Orgs by ID.
  private(set) var orgs: [String: OrgState] = [:]
  /// User profiles by user ID.
  private(set) var profiles: [String: UserProfile] = [:]
  /// Tokens made by `system/newAuthToken` or `oauth2/token`, by token.
  private(set) var tokens: [String: AuthToken] = [:]
  /// SHA-256 signatures (hex) of revoked tokens, configured ones included.
  private(set) var revoked: Set<String> = []
  /// What changed since the last ``takeChanges()``.
  private(set) var changes = Changes()

  /// The entries changed by a request.
  struct Changes: Sendable {
    var orgs: Set<String> = []
    var profiles: Set<String> = []
    var tokens: Set<String> = []
    var revoked: Set<String> = []

    var isEmpty: Bool { orgs.isEmpty && profiles.isEmpty && tokens.isEmpty && revoked.isEmpty }
  }

  /// Returns and clears the recorded changes.
  mutating func takeChanges() -> Changes {
    let taken = changes
    changes = Changes()
    return taken
  }

  /// Adds or replaces an org.
  mutating func storeOrg(_ org: OrgState) {
    orgs[org.id] = org
    changes.orgs.insert(org.id)
  }

  /// Adds or replaces a user profile.
  mutating func storeProfile(_ profile: UserProfile) {
    profiles[profile.id] = profile
    changes.profiles.insert(profile.id)
  }

  /// Remembers a token made by the auth routes.
  mutating func storeToken(_ token: String, _ entry: AuthToken) {
    tokens[token] = entry
    changes.tokens.insert(token)
  }

  /// Revokes the token whose SHA-256 is `signature` (a made token is forgotten too).
  mutating func revoke(signature: String) {
    revoked.insert(signature)
    changes.revoked.insert(signature)
    for (token, entry) in tokens where entry.signature == signature {
      tokens[token] = nil
      changes.tokens.insert(token)
    }
  }

  /// The profile of `user`, or the synthetic default one.
  func profile(_ user: String) -> UserProfile { profiles[user] ?? UserProfile(id: user) }
}
