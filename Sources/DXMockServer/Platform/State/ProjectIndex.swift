import DXWire
import Synchronization

/// The search index of one project's objects, so indexed `findDataObjects` filters do not scan the
/// whole project.
struct ProjectIndex: Sendable {
  /// Every object in the project.
  private(set) var all: Set<String> = []
  /// Identifies this content of ``all``: renewed on every change, unique across every index (so
  /// copies that change apart never share a generation); 0 only while nothing was ever added.
  private var generation: UInt64 = 0
  /// ``all`` in ID order, built on first use after a change (``SortedIDCache``).
  private let sortedCache = SortedIDCache()
  /// The source of ``generation``s.
  private static let generations = Atomic<UInt64>(0)
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
    generation = Self.generations.add(1, ordering: .relaxed).newValue
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
    generation = Self.generations.add(1, ordering: .relaxed).newValue
    Self.remove(id, key: copy.folder, from: &byFolder)
    Self.remove(id, key: copy.name, from: &byName)
    Self.remove(id, key: klass, from: &byClass)
    for tag in copy.tags { Self.remove(id, key: tag, from: &byTag) }
    for (key, value) in copy.properties {
      Self.remove(id, key: key, from: &byPropertyKey)
      Self.remove(id, key: Self.propertyKey(key, value), from: &byProperty)
    }
  }

  /// ``all`` in ID order. Sorting a large project's IDs costs far more than a page of results, so the
  /// order is built once per change of the project (under the state's read lock, once by whoever asks
  /// first) and shared by every search until the next change.
  var sortedAll: [String] {
    sortedCache.ids(generation: generation) { all.sorted() }
  }

  /// `candidates` (a subset of ``all``) in ID order: sorted directly when they are few, else the
  /// cached order of ``all``, which the caller then filters by membership (``isSubsetOrder``).
  func ordered(_ candidates: Set<String>) -> (ids: [String], isSubsetOrder: Bool) {
    if candidates.count == all.count { return (sortedAll, false) }
    if candidates.count <= 4096 || candidates.count * 8 < all.count { return (candidates.sorted(), false) }
    return (sortedAll, true)
  }

  private static func remove(_ id: String, key: String, from map: inout [String: Set<String>]) {
    guard var set = map[key] else { return }
    set.remove(id)
    map[key] = set.isEmpty ? nil : set
  }
}
