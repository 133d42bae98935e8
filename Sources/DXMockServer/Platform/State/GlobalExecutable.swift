import DXWire

/// A version in one of the platform's global registries (apps, global workflows): what their shared
/// routes (publish, tags, categories, developers, authorized users, delete) and searches need.
protocol GlobalExecutableVersion: Sendable, Equatable {
  var id: String { get }
  var name: String { get }
  var version: String { get }
  var tags: [String] { get set }
  var created: Int { get }
  var modified: Int { get set }
  var createdBy: String { get }
  var billTo: String { get }
  /// When it was published (ms), or 0.
  var published: Int { get set }
  var deleted: Bool { get set }
  var categories: [String] { get set }
}

extension AppState: GlobalExecutableVersion {}
extension GlobalWorkflowState: GlobalExecutableVersion {}

/// How to read and write one global registry in the ``PlatformState``, so one implementation of the
/// shared routes, lookups and searches serves apps and global workflows.
struct GlobalExecutableKind<Version: GlobalExecutableVersion>: Sendable {
  /// The ID prefix and path class: `"app"` or `"globalworkflow"`.
  var klass: String
  /// The word messages use: `"app"` or `"global workflow"`.
  var noun: String
  /// The version with this ID.
  var byID: @Sendable (PlatformState, String) -> Version?
  /// The versions of a name, oldest first.
  var versions: @Sendable (PlatformState, String) -> [Version]
  /// What the versions of a name share.
  var family: @Sendable (PlatformState, String) -> AppFamily?
  /// Every name in the registry.
  var names: @Sendable (PlatformState) -> [String]
  /// Adds or replaces a version.
  var store: @Sendable (inout PlatformState, Version) -> Void
  /// Adds or replaces a family.
  var storeFamily: @Sendable (inout PlatformState, AppFamily) -> Void
  /// Describes a version for a user with the selected fields.
  var describe: @Sendable (PlatformState, Version, String, PlatformState.DescribeOptions) -> DXJSON

  /// The app registry.
  static var apps: GlobalExecutableKind<AppState> {
    GlobalExecutableKind<AppState>(
      klass: "app", noun: "app", byID: { $0.apps[$1] }, versions: { $0.appVersions(named: $1) },
      family: { $0.appFamilies[$1] }, names: { Array($0.appFamilies.keys) }, store: { $0.storeApp($1) },
      storeFamily: { $0.storeAppFamily($1) }, describe: { $0.describe($1, for: $2, options: $3) })
  }

  /// The global workflow registry.
  static var globalWorkflows: GlobalExecutableKind<GlobalWorkflowState> {
    GlobalExecutableKind<GlobalWorkflowState>(
      klass: "globalworkflow", noun: "global workflow", byID: { $0.globalWorkflows.versions[$1] },
      versions: { $0.globalWorkflows.versions(named: $1) }, family: { $0.globalWorkflows.families[$1] },
      names: { Array($0.globalWorkflows.families.keys) }, store: { $0.globalWorkflows.store($1) },
      storeFamily: { $0.globalWorkflows.storeFamily($1) },
      describe: { $0.describe($1, for: $2, options: $3) })
  }
}

extension PlatformState {
  /// The version a path names, as `user` may see it: `<class>-<id>`, or `<class>-<name>` with an
  /// alias (a version or a tag; `"default"` when absent).
  /// - Throws: ResourceNotFound when nothing matches or `user` may not see the match (the platform
  ///   does not reveal unpublished versions); InvalidInput for an alias after an ID.
  func globalExecutable<Version>(
    _ kind: GlobalExecutableKind<Version>, _ target: String, alias: String?, for user: String
  ) throws(DXPlatformError) -> Version {
    if let found = kind.byID(self, target) {
      guard alias == nil else {
        throw .invalidInput("The \(kind.noun) ID \(target) cannot be followed by a version or tag")
      }
      guard let family = kind.family(self, found.name), family.canSee(found, user: user) else {
        throw .resourceNotFound("The entity \(target) could not be found")
      }
      return found
    }
    if alias == nil, IDGenerator.isValid(target, klass: kind.klass) {
      throw .resourceNotFound("The entity \(target) could not be found")
    }
    let name = String(target.dropFirst(kind.klass.count + 1))
    let wanted = alias ?? "default"
    guard let family = kind.family(self, name),
      let found = kind.versions(self, name).first(where: {
        !$0.deleted && ($0.version == wanted || $0.tags.contains(wanted))
      }), family.canSee(found, user: user)
    else {
      throw .resourceNotFound(
        "No \(kind.noun) named \"\(name)\" with the version or tag \"\(wanted)\" could be found")
    }
    return found
  }
}
