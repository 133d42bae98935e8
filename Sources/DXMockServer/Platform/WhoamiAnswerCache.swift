import DXWire
import Foundation

/// The encoded `/system/whoami` answer for an input of `{}`, `{"id":"<caller>"}`, kept for the last
/// caller asked about.
///
/// The answer is a function of the caller's ID alone, and the ID is the key: authentication still
/// runs for every request (a revoked or expired token, a token made for another user, a reset all
/// change the caller, and so the answer), so nothing here can go stale. A different caller replaces
/// the entry; a client repeating one token (the usual case) gets the same bytes without a ``DXJSON``
/// value built and serialized per request. Thread-safe.
final class WhoamiAnswerCache: Sendable {
  /// Behind ``DXLock`` (a pthread mutex), like every lock of the package: ThreadSanitizer cannot
  /// follow `Synchronization.Mutex` on Linux.
  private let last = DXLock<(caller: String, body: Data)?>(nil)

  init() {}

  /// The compact JSON text of `{"id": caller}`, as ``DXJSON/serializedData(sortedKeys:)`` writes it.
  func body(for caller: String) -> Data {
    let hit: Data? = last.withLock { entry in
      guard let entry, entry.caller == caller else { return nil }
      return entry.body
    }
    if let hit { return hit }
    let body = Self.encode(caller)
    last.withLock { $0 = (caller, body) }
    return body
  }

  /// The answer written by the general serializer.
  static func encode(_ caller: String) -> Data {
    DXJSON.object(["id": .string(caller)]).serializedData()
  }
}
