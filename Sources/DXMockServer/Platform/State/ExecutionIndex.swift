/// The search index of executions, so `findExecutions` filters do not scan every execution.
///
/// Every list holds executions as ``Key``s sorted by creation time then ID (the order searches page
/// in, newest first from the end), so a query walks the shortest list that applies from its end and
/// stops after a page, and a `created` range is two binary searches.
struct ExecutionIndex: Sendable {
  /// An execution's position in the creation order.
  struct Key: Sendable, Hashable, Comparable {
    var created: Int
    var id: String

    static func < (lhs: Key, rhs: Key) -> Bool {
      (lhs.created, lhs.id) < (rhs.created, rhs.id)
    }
  }

  /// Every execution.
  private(set) var all: [Key] = []
  /// Lists by ``listName(_:_:)`` (a filter and its value).
  private(set) var lists: [String: [Key]] = [:]

  /// The list name of a filter field and its value (e.g. `("project", "project-…")`).
  static func listName(_ field: String, _ value: String) -> String { field + "\u{0}" + value }

  /// The lists `execution` belongs to.
  static func listNames(of execution: ExecutionState) -> [String] {
    var names = [
      listName("class", execution.klass),
      listName("project", execution.project),
      listName("launchedBy", execution.launchedBy),
      listName("state", execution.state),
      listName("projectState", execution.project + "\u{0}" + execution.state),
      listName("executable", execution.executable),
      listName("rootExecution", execution.rootExecution),
      listName("parentJob", execution.parentJob ?? ""),
      listName("parentAnalysis", execution.parentAnalysis ?? ""),
    ]
    if let origin = execution.originJob { names.append(listName("originJob", origin)) }
    for tag in Set(execution.tags) { names.append(listName("tag", tag)) }
    for (key, value) in execution.properties {
      names.append(listName("propertyKey", key))
      names.append(listName("property", key + "\u{0}" + value))
    }
    return names
  }

  /// Adds `execution`.
  mutating func insert(_ execution: ExecutionState) {
    let key = Key(created: execution.created, id: execution.id)
    Self.insert(key, into: &all)
    for name in Self.listNames(of: execution) { Self.insert(key, into: &lists[name, default: []]) }
  }

  /// Moves `execution` from the lists of `before` to its own (only the lists that differ).
  mutating func update(from before: ExecutionState, to execution: ExecutionState) {
    let old = Set(Self.listNames(of: before))
    let new = Set(Self.listNames(of: execution))
    guard old != new || before.created != execution.created else { return }
    let oldKey = Key(created: before.created, id: before.id)
    let newKey = Key(created: execution.created, id: execution.id)
    for name in old.subtracting(new) { remove(oldKey, from: name) }
    for name in new.subtracting(old) { Self.insert(newKey, into: &lists[name, default: []]) }
  }

  /// The list for a filter field and value (empty when none has it).
  func list(_ field: String, _ value: String) -> [Key] {
    lists[Self.listName(field, value)] ?? []
  }

  private mutating func remove(_ key: Key, from name: String) {
    guard var list = lists[name] else { return }
    let index = Self.firstIndex(notBelow: key, in: list)
    if index < list.count, list[index] == key { list.remove(at: index) }
    lists[name] = list.isEmpty ? nil : list
  }

  private static func insert(_ key: Key, into list: inout [Key]) {
    // New executions are the newest: appending is the common case.
    if let last = list.last, last < key {
      list.append(key)
      return
    }
    let index = firstIndex(notBelow: key, in: list)
    if index < list.count, list[index] == key { return }
    list.insert(key, at: index)
  }

  /// The index of the first element not below `key` (binary search).
  static func firstIndex(notBelow key: Key, in list: [Key]) -> Int {
    var low = 0
    var high = list.count
    while low < high {
      let middle = (low + high) / 2
      if list[middle] < key { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// The index of the first element created at or after `time`.
  static func firstIndex(createdAtOrAfter time: Int, in list: [Key]) -> Int {
    var low = 0
    var high = list.count
    while low < high {
      let middle = (low + high) / 2
      if list[middle].created < time { low = middle + 1 } else { high = middle }
    }
    return low
  }
}
