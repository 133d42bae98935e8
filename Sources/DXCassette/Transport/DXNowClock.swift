import DXCore
import Foundation

/// A clock from a `now` closure (the recorder's former `now:` parameter) that sleeps for real.
struct DXNowClock: DXClock {
  let current: @Sendable () -> Date

  init(now: @escaping @Sendable () -> Date) { current = now }

  func now() -> Date { current() }

  func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
