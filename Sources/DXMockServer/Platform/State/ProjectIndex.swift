/// The search index of one project's objects, so indexed `findDataObjects` filters do not scan the
/// whole project.
struct ProjectIndex: Sendable {
  /// Every object in the project.
  var all: Set<String> = []
  var byFolder: [String: Set<String>] = [:]
  var byName: [String: Set<String>] = [:]
  var byClass: [String: Set<String>] = [:]
  var byTag: [String: Set<String>] = [:]
  /// By property key.
  var byPropertyKey: [String: Set<String>] = [:]
  /// By property key and value (``propertyKey(_:_:)``).
  var byProperty: [String: Set<String>] = [:]

  /// The combined key of a property and its value.
  static func propertyKey(_ key: String, _ value: String) -> String { key + "\u{0}" + value }

  /// Adds `id` with its per-project `copy` and `klass`.
  mutating func insert(_ id: String, klass: String, copy: ObjectCopy) {
    all.insert(id)
    byFolder[copy.folder, default: []].insert(id)
    byName[copy.name, default: []].insert(id)
    byClass[klass, default: []].insert(id)
    for tag in copy.tags { byTag[tag, default: []].insert(id) }
    for (key, value) in copy.properties {
      byPropertyKey[key, default: []].insert(id)
      byProperty[Self.propertyKey(key, value), default: []].insert(id)
    }
  }

  /// Removes `id`, which was indexed with `copy` and `klass`.
  mutating func remove(_ id: String, klass: String, copy: ObjectCopy) {
    all.remove(id)
    Self.remove(id, key: copy.folder, from: &byFolder)
    Self.remove(id, key: copy.name, from: &byName)
    Self.remove(id, key: klass, from: &byClass)
    for tag in copy.tags { Self.remove(id, key: tag, from: &byTag) }
    for (key, value) in copy.properties {
      Self.remove(id, key: key, from: &byPropertyKey)
      Self.remove(id, key: Self.propertyKey(key, value), from: &byProperty)
    }
  }

  private static func remove(_ id: String, key: String, from map: inout [String: Set<String>]) {
    guard var set = map[key] else { return }
    set.remove(id)
    map[key] = set.isEmpty ? nil : set
  }
}
