import DXWire

// MARK: - State changes that take a moment on the platform (archival, database clusters)

extension DataObjectState {
  /// Whether a state change is pending: a copy being archived or unarchived, or a database cluster
  /// in a transient status.
  var hasTransitionDue: Bool {
    if let dbcluster, DBClusterData.next(after: dbcluster.status) != nil { return true }
    return copies.values.contains { $0.archivalState == "archival" || $0.archivalState == "unarchiving" }
  }

  /// Makes the pending changes: unarchiving copies become live; when every copy asked for archival,
  /// all become `archived`; a database cluster takes its next status.
  mutating func advance(now: Int) {
    if var cluster = dbcluster, let next = DBClusterData.next(after: cluster.status) {
      cluster.status = next
      cluster.statusAsOf = now
      dbcluster = cluster
    }
    for (project, copy) in copies where copy.archivalState == "unarchiving" {
      copies[project]?.archivalState = nil
    }
    let states = copies.values.map(\.archivalState)
    if states.contains("archival"), states.allSatisfy({ $0 == "archival" || $0 == "archived" }) {
      for project in copies.keys { copies[project]?.archivalState = "archived" }
    }
  }
}

extension PlatformState {
  /// Makes the state changes whose time has come (the first request after the one that started them).
  mutating func advanceTransitions(now: Int) {
    for (id, due) in transitions where due <= now {
      transitions[id] = nil
      guard var object = objects[id] else { continue }
      let before = object
      object.advance(now: now)
      guard object != before else { continue }
      _ = try? updateObject(id) { (stored: inout DataObjectState) throws(DXPlatformError) in stored = object }
    }
  }

  /// Queues `id` for its next state change on the next request.
  mutating func scheduleTransition(_ id: String) {
    transitions[id] = 0
  }
}
