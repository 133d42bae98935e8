/// A token made by the auth server routes (`system/newAuthToken`, `oauth2/token`).
struct AuthToken: Sendable, Codable, Equatable {
  /// The user it authenticates as.
  var user: String
  /// When it stops working (ms since 1970).
  var expires: Int
  /// The SHA-256 of the token in lower-case hex (what `system/destroyAuthToken` names).
  var signature: String
}
