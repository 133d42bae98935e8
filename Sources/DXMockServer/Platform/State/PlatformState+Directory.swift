import Crypto
import DXWire
import Foundation

// MARK: - Users, orgs, billing and access through orgs

extension PlatformState {
  /// The level `user` has in `project`: their own membership, raised by the org rules (an ADMIN of
  /// the org the project is billed to administers it; a project shared with an org gives its members
  /// the org's level capped by their `projectAccess`), and VIEW in a public project; `nil` for none.
  func effectiveLevel(of user: String, in project: ProjectState) -> AccessLevel? {
    var level = project.members[user]
    if project.flags["public"] == true { level = max(level ?? .view, .view) }
    guard !directory.orgs.isEmpty else { return level }
    if project.billTo.hasPrefix("org-"), directory.orgs[project.billTo]?.isAdmin(user) == true {
      return .administer
    }
    for (member, orgLevel) in project.members where member.hasPrefix("org-") {
      guard let cap = directory.orgs[member]?.members[user]?.projectAccess else { continue }
      let granted = min(orgLevel, cap)
      level = max(level ?? granted, granted)
    }
    return level
  }

  /// Whether `id` names a user or an org the platform has.
  func isKnownPrincipal(_ id: String) -> Bool {
    if id.hasPrefix("org-") { return directory.orgs[id] != nil }
    return users.contains(id)
  }

  /// The org `id`, which `user` must belong to (any member when `adminOnly` is false).
  /// - Throws: ResourceNotFound for an unknown org; PermissionDenied for a non-member (or a
  ///   non-admin when `adminOnly`).
  func org(_ id: String, for user: String, adminOnly: Bool = false) throws(DXPlatformError) -> OrgState {
    guard let org = directory.orgs[id] else {
      throw .resourceNotFound("The entity \(id) could not be found")
    }
    guard let membership = org.members[user] else {
      throw .permissionDenied("You are not a member of \(id)")
    }
    if adminOnly, membership.level != .admin {
      throw .permissionDenied("ADMIN membership in \(id) is required to perform this action")
    }
    return org
  }

  /// The regions the billing entity `billTo` (a user or an org) may use.
  func permittedRegions(of billTo: String) -> [String] {
    if billTo.hasPrefix("org-") { return directory.orgs[billTo]?.permittedRegions ?? PlatformRegions.all }
    return directory.profile(billTo).permittedRegions
  }

  /// Whether the billing entity `billTo` may hold PHI.
  func allowsPHI(_ billTo: String) -> Bool {
    if billTo.hasPrefix("org-") { return directory.orgs[billTo]?.allowsPHI ?? false }
    return directory.profile(billTo).allowsPHI
  }

  /// Checks that `user` may bill `what` (a project, an app…) to `billTo`: themselves, or an org in
  /// which they may do billable activities.
  /// - Throws: InvalidInput for a malformed or unknown user or org; PermissionDenied for another user
  ///   or an org membership without `allowBillableActivities`.
  func requireBillable(_ billTo: String, by user: String, what: String) throws(DXPlatformError) {
    guard billTo.hasPrefix("user-") || billTo.hasPrefix("org-") else {
      throw .invalidInput("\"billTo\" must be a user or org ID, not \"\(billTo)\"")
    }
    guard isKnownPrincipal(billTo) else {
      throw .invalidInput("The billTo \(billTo) does not exist")
    }
    if billTo.hasPrefix("user-") {
      guard billTo == user else {
        throw .permissionDenied("You cannot bill \(what) to another user (\(billTo))")
      }
      return
    }
    guard directory.orgs[billTo]?.members[user]?.allowBillableActivities == true else {
      throw .permissionDenied(
        "You must be a member of \(billTo) with allowBillableActivities to bill \(what) to it")
    }
  }

  /// `user`'s profile, stored after `change`.
  mutating func updateProfile(_ user: String, _ change: (inout UserProfile) throws(DXPlatformError) -> Void)
    throws(DXPlatformError)
  {
    var profile = directory.profile(user)
    try change(&profile)
    directory.storeProfile(profile)
  }

  /// Adds a notification for `user` (an invitation, a transfer…).
  mutating func notify(_ user: String, type: String, message: String, subject: String?, now: Int) {
    guard users.contains(user) else { return }
    var profile = directory.profile(user)
    let number = (profile.notifications.last.flatMap { Int($0.id.dropFirst("notification-".count)) } ?? 0) + 1
    profile.notifications.append(
      UserNotification(
        id: "notification-\(number)", created: now, type: type, message: message, subject: subject))
    directory.storeProfile(profile)
  }
}

// MARK: - Tokens

extension PlatformState {
  /// The user `token` authenticates as: `configuredUser` (from the configuration) or a token the auth
  /// routes made that has not expired; `nil` when neither, or when the token was revoked.
  func authenticate(_ token: String, configuredUser: String?, now: Int) -> String? {
    if !directory.revoked.isEmpty, directory.revoked.contains(Self.tokenSignature(token)) { return nil }
    if let configuredUser { return configuredUser }
    guard let made = directory.tokens[token], made.expires > now else { return nil }
    return made.user
  }

  /// The SHA-256 of `token` in lower-case hex, as `dx logout` sends it to `system/destroyAuthToken`.
  static func tokenSignature(_ token: String) -> String {
    BodyDigest.hex(SHA256.hash(data: Data(token.utf8)))
  }
}
