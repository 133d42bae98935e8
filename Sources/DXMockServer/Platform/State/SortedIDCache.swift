import DXWire

/// One sorted list of IDs, kept for the ``ProjectIndex`` content (its generation) it was built from.
///
/// Searches read the state under a shared lock, so the index cannot store what it computes there; it
/// keeps this box instead. Copies of an index share the box, which is harmless: a generation names
/// one content of one index, and a box asked for another generation builds the list again.
final class SortedIDCache: Sendable {
  private struct Entry {
    var generation: UInt64
    var ids: [String]
  }

  private let entry = DXLock<Entry?>(nil)

  /// The list for `generation`, from the cache or made by `make` (and then kept).
  func ids(generation: UInt64, _ make: () -> [String]) -> [String] {
    if let cached = entry.withLock({ $0 }), cached.generation == generation { return cached.ids }
    let ids = make()
    entry.withLock { $0 = Entry(generation: generation, ids: ids) }
    return ids
  }
}
