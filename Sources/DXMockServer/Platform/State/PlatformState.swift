import DXWire
import Foundation

/// The whole emulated platform: projects, data objects, file bytes, nonces, and the search index.
///
/// A plain value guarded by ``PlatformStore``'s lock. Every mutation goes through the methods here so
/// the index stays consistent and the changed entities are recorded for persistence (``changes``).
struct PlatformState: Sendable {
  /// The IDs (`user-…`) of the configured users, the default first.
  var users: [String]
  private(set) var projects: [String: ProjectState] = [:]
  private(set) var objects: [String: DataObjectState] = [:]
  /// File bytes by file ID and part index.
  private(set) var fileData: [String: [Int: Data]] = [:]
  private(set) var nonces: [String: NonceEntry] = [:]
  var ids: IDGenerator
  private(set) var index: [String: ProjectIndex] = [:]
  /// The bytes of closed files in each project (kept up to date so describe does not scan).
  private(set) var dataUsage: [String: Int] = [:]
  /// Files in the `closing` state and when (ms) they become `closed`.
  var closing: [String: Int] = [:]
  /// The global app registry: every app version by ID.
  private(set) var apps: [String: AppState] = [:]
  /// What the versions of each app name share, by name.
  private(set) var appFamilies: [String: AppFamily] = [:]
  /// The IDs of each app name's versions (an app's name never changes), so lookups by name and
  /// findApps do not scan the registry.
  private(set) var appIDsByName: [String: Set<String>] = [:]
  /// Every job and analysis, indexed.
  var executions = ExecutionTable()
  /// User profiles, orgs and the auth routes' tokens (records its own changes).
  var directory = DirectoryState()
  /// The global workflow registry (records its own changes).
  var globalWorkflows = GlobalWorkflowRegistry()
  /// Objects with a state change due (archival, dbcluster) and when (ms); rebuilt on load.
  var transitions: [String: Int] = [:]
  /// What changed since the last ``takeChanges()``.
  private(set) var changes = Changes()

  /// The entities changed by a request, to write to the state file before it is answered.
  struct Changes: Sendable {
    var projects: Set<String> = []
    var objects: Set<String> = []
    var nonces: Set<String> = []
    var apps: Set<String> = []
    /// App names whose ``AppFamily`` changed.
    var appFamilies: Set<String> = []
    /// File parts written (file ID, index).
    var parts: [(String, Int)] = []
    /// Files whose bytes were all dropped.
    var droppedFiles: Set<String> = []
    /// Jobs and analyses.
    var executions: Set<String> = []
    var ids = false
    /// Profiles, orgs and tokens changed.
    var directory = DirectoryState.Changes()
    /// Global workflow versions and families changed.
    var globalWorkflows = GlobalWorkflowRegistry.Changes()

    var isEmpty: Bool {
      projects.isEmpty && objects.isEmpty && nonces.isEmpty && parts.isEmpty && droppedFiles.isEmpty
        && apps.isEmpty && appFamilies.isEmpty && executions.isEmpty && !ids && directory.isEmpty
        && globalWorkflows.isEmpty
    }
  }

  init(users: [String], seed: UInt64?) {
    self.users = users
    self.ids = IDGenerator(seed: seed)
  }

  /// Returns and clears the recorded changes.
  mutating func takeChanges() -> Changes {
    var taken = changes
    taken.executions = executions.takeChanged()
    taken.directory = directory.takeChanges()
    taken.globalWorkflows = globalWorkflows.takeChanges()
    changes = Changes()
    return taken
  }

  /// A new ID of `klass`.
  mutating func newID(_ klass: String) -> String {
    changes.ids = true
    return ids.make(klass)
  }

  // MARK: - Projects

  mutating func insertProject(_ project: ProjectState) {
    projects[project.id] = project
    if index[project.id] == nil { index[project.id] = ProjectIndex() }
    changes.projects.insert(project.id)
  }

  mutating func updateProject<R>(
    _ id: String, _ body: (inout ProjectState) throws(DXPlatformError) -> R
  ) throws(DXPlatformError) -> R {
    guard var project = projects[id] else { throw .resourceNotFound("The entity \(id) could not be found") }
    let result = try body(&project)
    projects[id] = project
    changes.projects.insert(id)
    return result
  }

  /// Removes a project and every object copy in it; objects left with no copy are deleted.
  mutating func deleteProject(_ id: String) {
    guard projects[id] != nil else { return }
    let members = index[id]?.all ?? []
    for objectID in members { removeCopy(objectID, from: id) }
    projects[id] = nil
    index[id] = nil
    dataUsage[id] = nil
    changes.projects.insert(id)
  }

  // MARK: - Objects

  mutating func insertObject(_ object: DataObjectState) {
    objects[object.id] = object
    if object.state == "closing" { closing[object.id] = 0 }
    if object.hasTransitionDue { transitions[object.id] = 0 }
    countUsage(of: object, sign: 1)
    for (project, copy) in object.copies {
      index[project, default: ProjectIndex()].insert(object.id, klass: object.klass, copy: copy)
    }
    changes.objects.insert(object.id)
  }

  mutating func updateObject<R>(
    _ id: String, _ body: (inout DataObjectState) throws(DXPlatformError) -> R
  ) throws(DXPlatformError) -> R {
    guard var object = objects[id] else { throw .resourceNotFound("The entity \(id) could not be found") }
    let before = object
    let result = try body(&object)
    countUsage(of: before, sign: -1)
    countUsage(of: object.copies.isEmpty ? nil : object, sign: 1)
    if before.copies != object.copies || before.klass != object.klass {
      for (project, copy) in before.copies {
        index[project]?.remove(id, klass: before.klass, copy: copy)
      }
      for (project, copy) in object.copies {
        index[project, default: ProjectIndex()].insert(id, klass: object.klass, copy: copy)
      }
    }
    if object.copies.isEmpty {
      objects[id] = nil
      dropFileData(id)
    } else {
      objects[id] = object
    }
    changes.objects.insert(id)
    return result
  }

  /// Moves files whose `closing` time has come to `closed`, and makes the other due state changes
  /// (``advanceTransitions(now:)``).
  mutating func finishClosing(now: Int) {
    advanceTransitions(now: now)
    for (id, due) in closing where due <= now {
      closing[id] = nil
      _ = try? updateObject(id) { (object: inout DataObjectState) throws(DXPlatformError) in
        if object.state == "closing" { object.state = "closed" }
      }
    }
  }

  private mutating func countUsage(of object: DataObjectState?, sign: Int) {
    guard let object, object.klass == "file", let size = object.size, size > 0 else { return }
    for project in object.copies.keys { dataUsage[project, default: 0] += sign * size }
  }

  /// Removes the copy of `objectID` in `project`; the object goes when its last copy goes.
  mutating func removeCopy(_ objectID: String, from project: String) {
    guard objects[objectID]?.copies[project] != nil else { return }
    // The closure cannot throw: the object exists.
    _ = try? updateObject(objectID) { (object: inout DataObjectState) throws(DXPlatformError) in
      object.copies[project] = nil
    }
  }

  // MARK: - File bytes

  mutating func storePart(_ file: String, index: Int, bytes: Data) {
    fileData[file, default: [:]][index] = bytes
    changes.parts.append((file, index))
  }

  mutating func dropFileData(_ file: String) {
    guard fileData[file] != nil else { return }
    fileData[file] = nil
    changes.droppedFiles.insert(file)
  }

  /// Restores bytes read from the state file (not recorded as a change).
  mutating func loadPart(_ file: String, index: Int, bytes: Data) {
    fileData[file, default: [:]][index] = bytes
  }

  // MARK: - Nonces

  mutating func storeNonce(_ key: String, _ entry: NonceEntry) {
    nonces[key] = entry
    changes.nonces.insert(key)
  }

  // MARK: - Apps

  /// Adds or replaces an app version.
  mutating func storeApp(_ app: AppState) {
    apps[app.id] = app
    appIDsByName[app.name, default: []].insert(app.id)
    changes.apps.insert(app.id)
  }

  /// Adds or replaces what the versions of an app name share.
  mutating func storeAppFamily(_ family: AppFamily) {
    appFamilies[family.name] = family
    changes.appFamilies.insert(family.name)
  }

  /// Forgets what changed (after loading from the state file).
  mutating func clearChanges() {
    changes = Changes()
    executions.clearChanged()
    _ = directory.takeChanges()
    _ = globalWorkflows.takeChanges()
  }
}
