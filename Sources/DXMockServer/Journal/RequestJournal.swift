import DXCore
import Foundation

/// The bounded, redacted record of the requests a mock server received.
///
/// Holds at most ``capacity`` entries; when full, the oldest is dropped first. An entry is created by
/// ``begin(method:path:query:headers:body:remoteAddress:requestID:)`` the moment a request is
/// received and filled in by ``complete(_:status:fault:declaredBytes:sentBytes:outcome:faultRuleIDs:delayMs:)``
/// once the server has answered (or reset or closed the connection). Secrets are removed on entry
/// (see ``JournalRedactor``), so they never sit in memory here. Thread-safe.
final class RequestJournal {
  /// The default number of entries kept (`--journal-size`).
  static let defaultCapacity = 1000
  /// The default number of body bytes kept per entry: 64 KiB.
  static let defaultBodyCap = 64 * 1024

  /// Milliseconds since 1970 from the system clock.
  static let systemClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

  /// The most entries kept (0 keeps none, but still counts requests).
  let capacity: Int
  /// The most body bytes kept per entry.
  let bodyCap: Int
  private let redactor: JournalRedactor
  private let clock: @Sendable () -> Int64
  private let lock = NSLock()
  // Guarded by `lock`: entries with IDs firstID..<nextID, oldest at `head` once the ring is full.
  private var ring: [DXJournalEntry] = []
  private var head = 0
  private var firstID = 1
  private var nextID = 1
  private var received = 0

  /// Creates a journal.
  /// - Parameters:
  ///   - capacity: The most entries kept; default ``defaultCapacity``; negative counts as 0.
  ///   - secrets: Tokens to redact wherever they appear (the server's API and admin tokens).
  ///   - bodyCap: The most body bytes kept per entry; default ``defaultBodyCap``.
  ///   - clock: Milliseconds since 1970; default ``systemClock`` (tests inject their own).
  init(
    capacity: Int = RequestJournal.defaultCapacity, secrets: [String] = [],
    bodyCap: Int = RequestJournal.defaultBodyCap,
    clock: @escaping @Sendable () -> Int64 = RequestJournal.systemClock
  ) {
    self.capacity = max(0, capacity)
    self.bodyCap = max(0, bodyCap)
    self.redactor = JournalRedactor(secrets: secrets)
    self.clock = clock
  }

  // MARK: - Recording

  /// Records a request the moment it is received and returns its entry ID (for ``complete``).
  @discardableResult
  func begin(
    method: String, path: String, query: [(name: String, value: String)], headers: DXHTTPHeaders,
    body: Data, remoteAddress: String, requestID: String
  ) -> Int {
    let receivedAt = clock()
    let (text, encoding, truncated) = recordedBody(body)
    var entry = DXJournalEntry(
      id: 0, requestID: requestID, method: method, path: redactor.redact(path),
      query: query.map { DXJournalEntry.QueryItem(name: $0.name, value: redactor.redact($0.value)) },
      headers: redactor.redact(headers), body: text, bodyEncoding: encoding, bodySize: body.count,
      bodyTruncated: truncated, remoteAddress: remoteAddress, receivedAt: receivedAt)
    lock.lock()
    defer { lock.unlock() }
    let id = nextID
    nextID += 1
    received += 1
    entry.id = id
    if capacity == 0 {
      firstID = nextID
    } else if ring.count < capacity {
      ring.append(entry)
    } else {
      ring[head] = entry
      head = (head + 1) % capacity
      firstID += 1
    }
    return id
  }

  /// Records `request` the moment it is received (see
  /// ``begin(method:path:query:headers:body:remoteAddress:requestID:)``).
  @discardableResult
  func begin(_ request: DXMockRequest) -> Int {
    begin(
      method: request.method, path: request.path, query: request.query, headers: request.headers,
      body: request.body, remoteAddress: request.remoteAddress, requestID: request.requestID)
  }

  /// Fills in how request `id` ended. Ignored when the entry was already dropped or cleared.
  /// - Parameters:
  ///   - id: The ID ``begin`` returned.
  ///   - status: The status sent, or `nil` when no status line went out.
  ///   - fault: The fault applied (``DXFault/summary``), or `nil`.
  ///   - declaredBytes: The declared `Content-Length`, or `nil` when none.
  ///   - sentBytes: The body bytes sent, or `nil` when nothing or unknown.
  ///   - outcome: `response`, `truncated`, `closeDelimited`, `reset`, `empty`, …
  ///   - faultRuleIDs: The IDs of the rules applied (default none).
  ///   - delayMs: The injected delay (default 0).
  func complete(
    _ id: Int, status: Int?, fault: String?, declaredBytes: Int?, sentBytes: Int?, outcome: String,
    faultRuleIDs: [String] = [], delayMs: Int = 0
  ) {
    let completedAt = clock()
    lock.lock()
    defer { lock.unlock() }
    guard let index = indexLocked(id) else { return }
    ring[index].completedAt = completedAt
    ring[index].status = status
    ring[index].fault = fault
    ring[index].declaredBytes = declaredBytes
    ring[index].sentBytes = sentBytes
    ring[index].outcome = outcome
    ring[index].faultRuleIDs = faultRuleIDs
    ring[index].delayMs = delayMs
  }

  /// Notes the faults decided for request `id` before it completes (so a pending, delayed request
  /// already shows its delay). Ignored when the entry is gone.
  func annotate(_ id: Int, fault: String?, faultRuleIDs: [String], delayMs: Int) {
    lock.lock()
    defer { lock.unlock() }
    guard let index = indexLocked(id) else { return }
    ring[index].fault = fault
    ring[index].faultRuleIDs = faultRuleIDs
    ring[index].delayMs = delayMs
  }

  private func indexLocked(_ id: Int) -> Int? {
    guard id >= firstID, id < nextID, !ring.isEmpty else { return nil }
    return (head + (id - firstID)) % ring.count
  }

  /// The body as kept: redacted, capped at ``bodyCap`` bytes, text when UTF-8 else base64.
  private func recordedBody(_ body: Data) -> (String, DXJournalEntry.BodyEncoding, Bool) {
    if body.isEmpty { return ("", .text, false) }
    let (window, overflow) = bodyCap.addingReportingOverflow(redactor.longestSecret)
    let scan = Array(body.prefix(overflow ? Int.max : window))
    var (bytes, cut) = redactor.redact(scan, limit: bodyCap)
    cut = cut || body.count > scan.count
    if let text = String(validating: bytes, as: UTF8.self) {
      return (text, .text, cut)
    }
    if cut {
      // The cap may have split a multi-byte character: drop the partial sequence and retry.
      var trimmed = 0
      while trimmed < 3, let last = bytes.last, last & 0xC0 == 0x80 {
        bytes.removeLast()
        trimmed += 1
      }
      if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
      if let text = String(validating: bytes, as: UTF8.self) { return (text, .text, cut) }
    }
    return (Data(bytes).base64EncodedString(), .base64, cut)
  }

  // MARK: - Reading

  /// The entries, oldest first.
  func entries() -> [DXJournalEntry] {
    lock.lock()
    defer { lock.unlock() }
    if head == 0 { return ring }
    return Array(ring[head...] + ring[..<head])
  }

  /// The entry with `id`, or `nil` when it was dropped or cleared.
  func entry(id: Int) -> DXJournalEntry? {
    lock.lock()
    defer { lock.unlock() }
    return indexLocked(id).map { ring[$0] }
  }

  /// The number of entries held.
  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return ring.count
  }

  /// The number of requests received since start-up or the last ``reset()`` (clears do not reset it).
  var totalReceived: Int {
    lock.lock()
    defer { lock.unlock() }
    return received
  }

  // MARK: - Clearing

  /// Drops every entry (IDs keep counting up; pending requests are no longer recorded); returns how
  /// many there were.
  @discardableResult
  func clear() -> Int {
    lock.lock()
    defer { lock.unlock() }
    let count = ring.count
    ring.removeAll()
    head = 0
    firstID = nextID
    return count
  }

  /// Drops every entry and zeroes ``totalReceived``.
  func reset() {
    lock.lock()
    defer { lock.unlock() }
    ring.removeAll()
    head = 0
    firstID = nextID
    received = 0
  }
}

// The mutable state (`ring`, `head`, `firstID`, `nextID`, `received`) is only touched with `lock`
// held; everything else is immutable after `init`.
extension RequestJournal: @unchecked Sendable {}
