import DXWire
import Foundation

/// The task executor that runs asynchronous backends' work (cassette replay, recording, hybrid
/// replay): two threads of its own, shared by every server in the process and started on first use.
///
/// A server usually lives inside its user's test process, whose tests keep Swift's cooperative pool
/// (one thread per core) busy or block it. A backend's answer waiting there for a free thread could
/// wait for seconds, long enough for the client to give up, although the server has nothing to do but
/// answer; on these threads it waits only for other backends' work. A backend's own suspensions
/// (an upstream call, a pacing sleep) resume here too, as a task preferring this executor does.
/// Two threads, so that one backend call blocking its thread (a slow disk, a blocking call in a
/// user's backend) does not stop the other servers' backends.
final class BackendExecutor: TaskExecutor {
  /// The process's backend executor.
  static let shared = BackendExecutor(threads: 2)

  /// The name of the executor's threads.
  static let threadName = "dx-mock-server backend"

  private let condition = NSCondition()
  /// Jobs queued, oldest first from `head` (both guarded by `condition`).
  nonisolated(unsafe) private var queue: [UnownedJob] = []
  nonisolated(unsafe) private var head = 0

  private init(threads: Int) {
    for _ in 0..<threads {
      let thread = Thread { [self] in runJobs() }
      thread.name = Self.threadName
      thread.start()
    }
  }

  /// Queues `job` for the next free thread.
  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    queue.append(job)
    condition.signal()
    condition.unlock()
  }

  /// The executor's threads (`pthread_self()` of each, recorded as it starts).
  private static let threadIDs = DXLock<[pthread_t]>([])

  /// Whether the calling thread is one of the executor's.
  static var isCurrentThread: Bool {
    let current = pthread_self()
    return threadIDs.withLock { $0.contains { pthread_equal($0, current) != 0 } }
  }

  /// A thread's loop: takes the oldest job and runs it, for as long as the process lives.
  private func runJobs() {
    let executor = asUnownedTaskExecutor()
    Self.threadIDs.withLock { $0.append(pthread_self()) }
    while true {
      condition.lock()
      while head == queue.count { condition.wait() }
      let job = queue[head]
      head += 1
      if head == queue.count {
        queue.removeAll(keepingCapacity: true)
        head = 0
      }
      condition.unlock()
      job.runSynchronously(on: executor)
    }
  }
}

// `queue` is only touched with `condition` held; the threads never end (the executor is shared).
extension BackendExecutor: @unchecked Sendable {}
