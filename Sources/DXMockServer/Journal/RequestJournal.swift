import DXWire
import Foundation

/// The bounded, redacted record of the requests a mock server received.
///
/// Holds at most ``capacity`` entries; when full, the oldest is dropped first. An entry is created by
/// ``begin(method:path:query:headers:body:remoteAddress:requestID:)`` the moment a request is
/// received and filled in by ``complete(_:status:fault:declaredBytes:sentBytes:outcome:faultRuleIDs:delayMs:)``
/// once the server has answered (or reset or closed the connection).
///
/// Recording is cheap: the request is kept raw (its strings and body shared with the request, the body
/// limited to what can be shown) and redacted (see ``JournalRedactor``) each time an entry is read, by
/// ``entries()`` and ``entry(id:)``, the only ways out. Raw secrets stay in this process's memory and
/// never leave it unredacted. Thread-safe.
final class RequestJournal: Sendable {
  /// A request as recorded, raw; only ``RequestJournal/redacted(_:)`` turns it into a public entry.
  private struct Record {
    var id = 0
    /// The request (the body cut to the journal's window when longer).
    var request: DXMockRequest
    /// The size of the whole body as received.
    var bodySize: Int
    var receivedAt: Int64
    var completedAt: Int64?
    var status: Int?
    var fault: String?
    var faultRuleIDs: [String] = []
    var delayMs = 0
    var declaredBytes: Int?
    var sentBytes: Int?
    var outcome = "pending"
    /// The response's `Retry-After`, or `nil`.
    var retryAfter: String?
    /// The whole body's MD5 when the server computed it on receipt (uploads).
    var bodyMD5: String?
  }

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
  /// The body bytes an entry keeps: the cap plus the longest secret, so a secret that starts before
  /// the cap is still recognized whole.
  private let bodyWindow: Int
  private let redactor: JournalRedactor
  private let clock: @Sendable () -> Int64
  /// The entries and counters, behind the journal's lock: entries with IDs `firstID..<nextID`, oldest
  /// at `head` once the ring is full.
  private struct Ring {
    var records: [Record] = []
    var head = 0
    var firstID = 1
    var nextID = 1
    var received = 0

    /// The position of entry `id`, or `nil` when it was dropped or cleared.
    func index(of id: Int) -> Int? {
      guard id >= firstID, id < nextID, !records.isEmpty else { return nil }
      return (head + (id - firstID)) % records.count
    }
  }

  /// Every request takes it twice (``DXLock/withLock(_:)`` is specialized for the ring: no record is
  /// copied through value witnesses).
  private let ring = DXLock(Ring())

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
    let (window, overflow) = self.bodyCap.addingReportingOverflow(redactor.longestSecret)
    self.bodyWindow = overflow ? Int.max : window
    self.clock = clock
  }

  // MARK: - Recording

  /// Records a request the moment it is received and returns its entry ID (for ``complete``).
  @discardableResult
  func begin(
    method: String, path: String, query: [(name: String, value: String)], headers: DXHTTPHeaders,
    body: Data, remoteAddress: String, requestID: String
  ) -> Int {
    begin(
      DXMockRequest(
        method: method, path: path, query: query, headers: headers, body: body, remoteAddress: remoteAddress,
        requestID: requestID))
  }

  /// Records `request` the moment it is received (see
  /// ``begin(method:path:query:headers:body:remoteAddress:requestID:)``).
  ///
  /// Cheap: the request's fields are kept as they are (shared, not copied; only a body longer than
  /// the kept window is copied, to its first part) and redacted when an entry is read. With capacity
  /// 0 nothing but the counters is touched.
  @discardableResult
  func begin(_ request: DXMockRequest) -> Int {
    if capacity == 0 {
      return ring.withLock { ring in
        let id = ring.nextID
        ring.nextID += 1
        ring.received += 1
        ring.firstID = ring.nextID
        return id
      }
    }
    let receivedAt = clock()
    let bodySize = request.body.count
    // The record's own: the request's is dropped with a body cut to the window.
    let md5 = request.bodyMD5
    var kept = request
    if bodySize > bodyWindow {
      // Keep only what the read side can show, in its own storage (a slice would pin the whole body).
      kept.body = request.body.withUnsafeBytes { Data($0.prefix(bodyWindow)) }
    }
    return ring.withLock { ring in
      let id = ring.nextID
      ring.nextID += 1
      ring.received += 1
      // Each record is built where it is stored: no record is copied, and none but the one it
      // replaces is destroyed.
      if ring.records.count < capacity {
        ring.records.append(
          Record(id: id, request: kept, bodySize: bodySize, receivedAt: receivedAt, bodyMD5: md5))
      } else {
        ring.records[ring.head] = Record(
          id: id, request: kept, bodySize: bodySize, receivedAt: receivedAt, bodyMD5: md5)
        ring.head = (ring.head + 1) % capacity
        ring.firstID += 1
      }
      return id
    }
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
  ///   - retryAfter: The response's `Retry-After` (default none).
  func complete(
    _ id: Int, status: Int?, fault: String?, declaredBytes: Int?, sentBytes: Int?, outcome: String,
    faultRuleIDs: [String] = [], delayMs: Int = 0, retryAfter: String? = nil
  ) {
    if capacity == 0 { return }
    let completedAt = clock()
    ring.withLock { ring in
      guard let index = ring.index(of: id) else { return }
      ring.records[index].completedAt = completedAt
      ring.records[index].status = status
      ring.records[index].declaredBytes = declaredBytes
      ring.records[index].sentBytes = sentBytes
      ring.records[index].outcome = outcome
      ring.records[index].delayMs = delayMs
      // Written only when they change: a request without faults or Retry-After (most of them) then
      // releases and retains nothing for them.
      if fault != nil || ring.records[index].fault != nil { ring.records[index].fault = fault }
      if !faultRuleIDs.isEmpty || !ring.records[index].faultRuleIDs.isEmpty {
        ring.records[index].faultRuleIDs = faultRuleIDs
      }
      if retryAfter != nil || ring.records[index].retryAfter != nil {
        ring.records[index].retryAfter = retryAfter
      }
    }
  }

  /// Replaces the outcome of a completed request `id` (a paced response the client did not read to
  /// the end); ignored when the entry is gone.
  func amend(_ id: Int, outcome: String) {
    if capacity == 0 { return }
    let completedAt = clock()
    ring.withLock { ring in
      guard let index = ring.index(of: id) else { return }
      ring.records[index].outcome = outcome
      ring.records[index].completedAt = completedAt
    }
  }

  /// Every entry as the retry-contract verifier sees it (unredacted facts, never the secrets
  /// themselves), oldest first.
  func attempts() -> [RetryAttempt] {
    let records = orderedRecords()
    return records.map { record in
      let request = record.request
      let complete = record.bodySize == request.body.count
      return RetryAttempt(
        id: record.id, method: request.method, path: request.path,
        operation: OperationKey(
          method: request.method, path: request.path, body: request.body, bodySize: record.bodySize,
          bodyMD5: record.bodyMD5),
        nonce: complete ? OperationKey.nonce(of: request.body) : nil,
        bodyMD5: record.bodyMD5 ?? (complete ? OperationKey.md5Hex(request.body) : nil),
        bodySize: record.bodySize, receivedAt: record.receivedAt, completedAt: record.completedAt,
        status: record.status, outcome: record.outcome, retryAfter: record.retryAfter, fault: record.fault,
        faultRuleIDs: record.faultRuleIDs)
    }
  }

  /// Notes the faults decided for request `id` before it completes (so a pending, delayed request
  /// already shows its delay). Ignored when the entry is gone.
  func annotate(_ id: Int, fault: String?, faultRuleIDs: [String], delayMs: Int) {
    if capacity == 0 { return }
    ring.withLock { ring in
      guard let index = ring.index(of: id) else { return }
      ring.records[index].fault = fault
      ring.records[index].faultRuleIDs = faultRuleIDs
      ring.records[index].delayMs = delayMs
    }
  }

  /// The body as shown: redacted, capped at ``bodyCap`` bytes, text when UTF-8 else base64.
  /// - Parameters:
  ///   - body: The kept bytes (at least the first ``bodyWindow`` bytes of the body, or all of it).
  ///   - size: The size of the whole body as received.
  private func recordedBody(_ body: Data, size: Int) -> (String, DXJournalEntry.BodyEncoding, Bool) {
    if size == 0 { return ("", .text, false) }
    let scan = Array(body.prefix(bodyWindow))
    var (bytes, cut) = redactor.redact(scan, limit: bodyCap)
    cut = cut || size > scan.count
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

  /// The raw records, oldest first (copied out under the lock).
  private func orderedRecords() -> [Record] {
    ring.withLock { ring in
      ring.head == 0 ? ring.records : Array(ring.records[ring.head...] + ring.records[..<ring.head])
    }
  }

  /// The entries, oldest first.
  func entries() -> [DXJournalEntry] {
    let records = orderedRecords()
    // Redacted outside the lock, so reading never stalls the requests being recorded.
    return records.map(redacted)
  }

  /// The entry with `id`, or `nil` when it was dropped or cleared.
  func entry(id: Int) -> DXJournalEntry? {
    let record = ring.withLock { ring in ring.index(of: id).map { ring.records[$0] } }
    return record.map(redacted)
  }

  /// The public, redacted form of `record`: secrets replaced in the path, query values, headers and
  /// body (see ``JournalRedactor``), the body capped at ``bodyCap`` bytes.
  private func redacted(_ record: Record) -> DXJournalEntry {
    let request = record.request
    let (text, encoding, truncated) = recordedBody(request.body, size: record.bodySize)
    return DXJournalEntry(
      id: record.id, requestID: request.requestID, method: request.method,
      path: redactor.redact(request.path),
      query: request.query.map { DXJournalEntry.QueryItem(name: $0.name, value: redactor.redact($0.value)) },
      headers: redactor.redact(request.headers), body: text, bodyEncoding: encoding,
      bodySize: record.bodySize,
      bodyTruncated: truncated, remoteAddress: request.remoteAddress, receivedAt: record.receivedAt,
      completedAt: record.completedAt, status: record.status, fault: record.fault,
      faultRuleIDs: record.faultRuleIDs, delayMs: record.delayMs, declaredBytes: record.declaredBytes,
      sentBytes: record.sentBytes, outcome: record.outcome)
  }

  /// The number of entries held.
  var count: Int { ring.withLock { $0.records.count } }

  /// The number of requests received since start-up or the last ``reset()`` (clears do not reset it).
  var totalReceived: Int { ring.withLock { $0.received } }

  // MARK: - Clearing

  /// Drops every entry (IDs keep counting up; pending requests are no longer recorded); returns how
  /// many there were.
  @discardableResult
  func clear() -> Int {
    ring.withLock { ring in
      let count = ring.records.count
      ring.records.removeAll()
      ring.head = 0
      ring.firstID = ring.nextID
      return count
    }
  }

  /// Drops every entry and zeroes ``totalReceived``.
  func reset() {
    ring.withLock { ring in
      ring.records.removeAll()
      ring.head = 0
      ring.firstID = ring.nextID
      ring.received = 0
    }
  }
}
