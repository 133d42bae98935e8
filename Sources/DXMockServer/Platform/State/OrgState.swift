import DXWire

/// An organization (`org-<handle>`): its name, policies and members.
///
/// Orgs bill for projects and apps, and give their members access: an ADMIN administers every
/// project billed to the org; a project shared with the org gives each member the project's level
/// for the org, capped by the member's `projectAccess`.
struct OrgState: Sendable, Codable, Equatable {
  /// `org-<handle>`.
  var id: String
  var handle: String
  var name: String
  var created: Int
  var modified: Int
  var createdBy: String
  /// `memberListVisibility` (ADMIN, MEMBER or PUBLIC), `restrictProjectTransfer` (ADMIN or MEMBER),
  /// `jobReuse`, `detailedJobMetricsCollectDefault`: as set, over ``defaultPolicies``.
  var policies: [String: DXJSON] = OrgState.defaultPolicies
  /// Other settings kept as given (`samlIdP`, `jobLogsForwarding`, …).
  var settings: [String: DXJSON] = [:]
  /// The members by user ID.
  var members: [String: OrgMember] = [:]
  /// Whether projects billed to the org may contain PHI (a fixture setting).
  var allowsPHI: Bool = false
  /// The regions projects and apps billed to the org may use.
  var permittedRegions: [String] = PlatformRegions.all

  /// The policies of a new org.
  static let defaultPolicies: [String: DXJSON] = [
    "memberListVisibility": "ADMIN", "restrictProjectTransfer": "ADMIN", "jobReuse": false,
    "detailedJobMetricsCollectDefault": false,
  ]

  /// Whether `user` is an ADMIN of the org.
  func isAdmin(_ user: String) -> Bool { members[user]?.level == .admin }

  /// The org's ID for `handle`.
  static func id(handle: String) -> String { "org-" + handle }
}

/// One member of an org and what the membership allows.
struct OrgMember: Sendable, Codable, Equatable {
  /// ADMIN or MEMBER.
  enum Level: String, Sendable, Codable, CaseIterable {
    case admin = "ADMIN"
    case member = "MEMBER"
  }

  var level: Level
  /// Whether the member may bill projects and apps to the org.
  var allowBillableActivities: Bool
  /// Whether the member may use the apps the org is authorized for.
  var appAccess: Bool
  /// The most access the member gets in projects shared with the org (`nil`: NONE).
  var projectAccess: AccessLevel?

  /// An ADMIN's membership: everything allowed.
  static let admin = OrgMember(
    level: .admin, allowBillableActivities: true, appAccess: true, projectAccess: .administer)

  /// The member's fields as `findMembers` and `findOrgs` list them.
  var json: [String: DXJSON] {
    [
      "level": .string(level.rawValue), "allowBillableActivities": .bool(allowBillableActivities),
      "appAccess": .bool(appAccess), "projectAccess": .string(projectAccess?.name ?? "NONE"),
    ]
  }
}
