import DXWire

/// What all versions of one app (or global workflow) name share.
struct AppFamily: Sendable, Codable, Equatable {
  var name: String
  /// Users who may create versions, publish and manage the app (the creator first).
  var developers: [String]
  /// Users (or `"PUBLIC"`) who may see and run published versions.
  var authorizedUsers: [String] = []
  /// Users who installed the app.
  var installedBy: [String] = []

  /// Whether `user` is a developer.
  func isDeveloper(_ user: String) -> Bool { developers.contains(user) }

  /// Whether `user` may see `version`: developers see every version, authorized users (or everyone
  /// with `"PUBLIC"`) the published ones.
  func canSee(_ version: some GlobalExecutableVersion, user: String) -> Bool {
    if isDeveloper(user) { return true }
    guard version.published > 0 else { return false }
    return authorizedUsers.contains("PUBLIC") || authorizedUsers.contains(user)
  }
}
