import DXWire

/// The global workflow registry: every version by ID, what a name's versions share, and the IDs by
/// name (so lookups by name do not scan).
///
/// Part of ``PlatformState`` (its ``PlatformState/globalWorkflows``); mutations record what changed
/// for the state file.
struct GlobalWorkflowRegistry: Sendable {
  /// Every version by ID.
  private(set) var versions: [String: GlobalWorkflowState] = [:]
  /// What the versions of each name share, by name.
  private(set) var families: [String: AppFamily] = [:]
  /// The IDs of each name's versions.
  private(set) var idsByName: [String: Set<String>] = [:]
  /// What changed since the last ``takeChanges()``.
  private(set) var changes = Changes()

  /// The entries changed by a request.
  struct Changes: Sendable {
    var versions: Set<String> = []
    var families: Set<String> = []

    var isEmpty: Bool { versions.isEmpty && families.isEmpty }
  }

  /// Returns and clears the recorded changes.
  mutating func takeChanges() -> Changes {
    let taken = changes
    changes = Changes()
    return taken
  }

  /// Adds or replaces a version.
  mutating func store(_ version: GlobalWorkflowState) {
    versions[version.id] = version
    idsByName[version.name, default: []].insert(version.id)
    changes.versions.insert(version.id)
  }

  /// Adds or replaces what the versions of a name share.
  mutating func storeFamily(_ family: AppFamily) {
    families[family.name] = family
    changes.families.insert(family.name)
  }

  /// The versions of `name`, oldest first.
  func versions(named name: String) -> [GlobalWorkflowState] {
    (idsByName[name] ?? []).compactMap { versions[$0] }.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
  }
}
