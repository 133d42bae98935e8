import Crypto
import DXWire
import Foundation

/// Users, orgs and projects that exist when the server starts (`--fixtures FILE`), so multi-user
/// tests need no set-up calls; a reset restores them.
///
/// The JSON file:
/// ```json
/// {
///   "users": [{"handle": "carol", "tokens": ["tok-carol"], "first": "Carol", "last": "Smith",
///              "email": "carol@example.com", "password": "secret", "allowPHI": true,
///              "permittedRegions": ["aws:us-east-1"]}],
///   "orgs": [{"handle": "lab", "name": "The Lab", "allowPHI": false,
///             "policies": {"memberListVisibility": "MEMBER"},
///             "members": [{"user": "user-alice", "level": "ADMIN"},
///                         {"user": "carol", "level": "MEMBER", "projectAccess": "VIEW",
///                          "allowBillableActivities": false, "appAccess": true}]}],
///   "projects": [{"name": "Shared", "id": "project-…", "billTo": "org-lab", "region": "azure:westus",
///                 "createdBy": "user-alice", "members": {"user-carol": "VIEW", "org-lab": "CONTRIBUTE"},
///                 "folders": ["/raw/2024"], "containsPHI": false, "tags": ["t"], "properties": {"k": "v"},
///                 "databases": [{"name": "geno", "folder": "/", "files": {"/t/part-0.parquet": "…"}}]}]
/// }
/// ```
/// Users may be named by handle or ID. A user listed with tokens can call the API; one without exists
/// (it can be invited, added to orgs) but cannot. Projects without an `id` get one derived from their
/// position and name, so the same file gives the same IDs. With `--state`, fixtures only add what is
/// missing: a restart keeps every change made since.
public struct DXMockFixtures: Sendable {
  struct User: Sendable {
    var handle: String
    var tokens: [String]
    var password: String?
    var profile: UserProfile
  }

  struct Project: Sendable {
    var id: String
    var name: String
    var createdBy: String?
    var billTo: String?
    var region: String
    var flags: [String: Bool]
    var summary: String
    var description: String
    var tags: [String]
    var properties: [String: String]
    var members: [String: AccessLevel]
    var folders: [String]
    var databases: [Database]
  }

  struct Database: Sendable {
    var id: String
    var name: String
    var folder: String
    var files: [String: String]
  }

  var users: [User] = []
  var orgs: [OrgState] = []
  var projects: [Project] = []

  /// No fixtures.
  public init() {}

  /// Whether there is nothing to set up.
  public var isEmpty: Bool { users.isEmpty && orgs.isEmpty && projects.isEmpty }

  /// Reads fixtures from a JSON file.
  /// - Throws: ``DXMockServerError/invalidConfiguration(_:)`` naming the file and the first problem.
  public init(contentsOfFile path: String) throws(DXMockServerError) {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .invalidConfiguration("cannot read the fixtures file \(path): \(error.localizedDescription)")
    }
    let json: DXJSON
    do {
      json = try DXJSON(parsing: data)
    } catch {
      throw .invalidConfiguration("the fixtures file \(path) is not valid JSON: \(error)")
    }
    do throws(DXMockServerError) {
      try self.init(json: json)
    } catch {
      throw .invalidConfiguration("\(path): \(error.message)")
    }
  }

  /// Reads fixtures from their JSON form (see the type's documentation).
  /// - Throws: ``DXMockServerError/invalidConfiguration(_:)`` naming the first problem.
  public init(json: DXJSON) throws(DXMockServerError) {
    do throws(DXPlatformError) {
      let top = try PlatformInput(json)
      for (index, entry) in (try Self.array(top, "users")).enumerated() {
        users.append(try Self.user(entry, at: index))
      }
      for (index, entry) in (try Self.array(top, "orgs")).enumerated() {
        orgs.append(try Self.org(entry, at: index))
      }
      for (index, entry) in (try Self.array(top, "projects")).enumerated() {
        projects.append(try Self.project(entry, at: index))
      }
    } catch {
      throw .invalidConfiguration("fixtures: \(error.message)")
    }
  }

  // MARK: - Parsing

  private static func array(_ input: PlatformInput, _ key: String) throws(DXPlatformError) -> [DXJSON] {
    guard let value = input.fields[key], !value.isNull else { return [] }
    guard let elements = value.arrayValue else { throw .invalidInput("\"\(key)\" must be an array") }
    return elements
  }

  /// `user-<handle>` for a handle or an ID.
  static func userID(_ text: String) -> String { text.hasPrefix("user-") ? text : "user-" + text }

  static func isHandle(_ text: String) -> Bool {
    !text.isEmpty && text.count <= 64
      && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
  }

  private static func user(_ json: DXJSON, at index: Int) throws(DXPlatformError) -> User {
    let input = try PlatformInput(json)
    let handle = String(try input.requiredString("handle").trimmingPrefix("user-"))
    guard isHandle(handle) else {
      throw .invalidInput("users[\(index)]: \"\(handle)\" is not a valid handle")
    }
    var profile = UserProfile(id: "user-" + handle)
    profile.first = try input.string("first") ?? profile.first
    profile.middle = try input.string("middle") ?? ""
    profile.last = try input.string("last") ?? ""
    profile.email = try input.string("email") ?? profile.email
    profile.allowsPHI = try input.bool("allowPHI") ?? false
    profile.permittedRegions = try regions(input, at: "users[\(index)]") ?? PlatformRegions.all
    return User(
      handle: handle, tokens: try input.strings("tokens") ?? [], password: try input.string("password"),
      profile: profile)
  }

  private static func regions(_ input: PlatformInput, at place: String) throws(DXPlatformError) -> [String]? {
    guard let regions = try input.strings("permittedRegions") else { return nil }
    for region in regions where !PlatformRegions.isKnown(region) {
      throw .invalidInput("\(place): unknown region \"\(region)\" (the mock has \(PlatformRegions.all))")
    }
    return regions
  }

  private static func org(_ json: DXJSON, at index: Int) throws(DXPlatformError) -> OrgState {
    let input = try PlatformInput(json)
    let handle = String(try input.requiredString("handle").trimmingPrefix("org-"))
    guard isHandle(handle) else { throw .invalidInput("orgs[\(index)]: \"\(handle)\" is not a valid handle") }
    var org = OrgState(
      id: OrgState.id(handle: handle), handle: handle, name: try input.string("name") ?? handle, created: 0,
      modified: 0, createdBy: "")
    org.allowsPHI = try input.bool("allowPHI") ?? false
    org.permittedRegions = try regions(input, at: "orgs[\(index)]") ?? PlatformRegions.all
    for (key, value) in try input.object("policies") ?? [:] { org.policies[key] = value }
    for (position, entry) in (try array(input, "members")).enumerated() {
      let member = try PlatformInput(entry)
      let user = userID(try member.requiredString("user"))
      let place = "orgs[\(index)].members[\(position)]"
      org.members[user] = try MockPlatform.orgMember(member, current: nil, at: place)
    }
    org.createdBy = org.members.filter { $0.value.level == .admin }.keys.sorted().first ?? ""
    return org
  }

  private static func project(_ json: DXJSON, at index: Int) throws(DXPlatformError) -> Project {
    let input = try PlatformInput(json)
    let name = try input.requiredString("name")
    let id = try input.string("id") ?? derivedID("project", from: "fixture project \(index) \(name)")
    guard IDGenerator.isValid(id, klass: "project") else {
      throw .invalidInput("projects[\(index)]: \"\(id)\" is not a project ID")
    }
    let region = try input.string("region") ?? PlatformRegions.defaultRegion
    guard PlatformRegions.isKnown(region) else {
      throw .invalidInput("projects[\(index)]: unknown region \"\(region)\"")
    }
    var flags: [String: Bool] = [:]
    for flag in ProjectState.flagNames {
      if let value = try input.bool(flag) { flags[flag] = value }
    }
    var members: [String: AccessLevel] = [:]
    for (member, value) in try input.object("members") ?? [:] {
      guard let text = value.stringValue, let level = AccessLevel(name: text) else {
        throw .invalidInput(
          "projects[\(index)].members.\(member) must be VIEW, UPLOAD, CONTRIBUTE or ADMINISTER")
      }
      members[member.hasPrefix("org-") ? member : userID(member)] = level
    }
    var folders: [String] = []
    for folder in try input.strings("folders") ?? [] {
      folders.append(try PlatformState.normalizeFolder(folder))
    }
    var databases: [Database] = []
    for (position, entry) in (try array(input, "databases")).enumerated() {
      let database = try PlatformInput(entry)
      let databaseName = try database.requiredString("name")
      var files: [String: String] = [:]
      for (path, value) in try database.object("files") ?? [:] {
        guard let text = value.stringValue else {
          throw .invalidInput("projects[\(index)].databases[\(position)].files values must be strings")
        }
        files[try PlatformState.normalizeFolder(path, field: "files")] = text
      }
      databases.append(
        Database(
          id: try database.string("id") ?? derivedID("database", from: "fixture database \(id) \(position)"),
          name: databaseName, folder: try PlatformState.normalizeFolder(try database.string("folder") ?? "/"),
          files: files))
    }
    return Project(
      id: id, name: name, createdBy: try input.string("createdBy").map(userID),
      billTo: try input.string("billTo"),
      region: region, flags: flags, summary: try input.string("summary") ?? "",
      description: try input.string("description") ?? "", tags: try input.strings("tags") ?? [],
      properties: (try input.properties("properties") ?? [:]).compactMapValues { $0 }, members: members,
      folders: folders, databases: databases)
  }

  /// A valid ID of `klass` derived from `seed` (the same seed gives the same ID).
  static func derivedID(_ klass: String, from seed: String) -> String {
    let digest = Array(SHA256.hash(data: Data(seed.utf8)))
    let characters = (0..<24).map { IDGenerator.alphabet[Int(digest[$0]) & 31] }
    return klass + "-" + String(characters)
  }
}
