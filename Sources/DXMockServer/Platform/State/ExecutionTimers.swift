/// When executions next move on: a min-heap of (due time, execution ID).
///
/// An entry is stale when the execution's ``ExecutionState/dueAt`` no longer matches it (it was
/// rescheduled, finished or moved by hand); stale entries are skipped when they come up, so scheduling
/// never searches the heap.
struct ExecutionTimers: Sendable {
  private var heap: [(due: Int, id: String)] = []

  /// The earliest due time, or `nil` when nothing is scheduled.
  var earliest: Int? { heap.first?.due }

  /// Whether nothing is scheduled.
  var isEmpty: Bool { heap.isEmpty }

  /// Schedules `id` at `due`.
  mutating func schedule(_ id: String, at due: Int) {
    heap.append((due, id))
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard heap[child].due < heap[parent].due else { break }
      heap.swapAt(child, parent)
      child = parent
    }
  }

  /// Removes and returns the earliest entry when it is due at `now`.
  mutating func popDue(at now: Int) -> (due: Int, id: String)? {
    guard let first = heap.first, first.due <= now else { return nil }
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
        if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
        guard smallest != parent else { break }
        heap.swapAt(parent, smallest)
        parent = smallest
      }
    }
    return first
  }

  /// Forgets everything.
  mutating func removeAll() { heap = [] }
}
