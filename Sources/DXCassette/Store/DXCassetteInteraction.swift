import DXCore
import Foundation

/// One recorded exchange: the request as sent and what came back — a response or a failure.
///
/// Faults are interactions like any other: a 503 with `Retry-After`, a body cut short
/// (`DXTransportResponse.BodyEnd.truncated(declared:received:)`), a close-delimited body, or a
/// connection error (reset, refused, no response, timeout) replay exactly as they were seen.
public struct DXCassetteInteraction: Sendable, Hashable {
  /// What came back for the request.
  public enum Outcome: Sendable, Hashable {
    /// A response arrived (any status, possibly with a body cut short).
    case response(DXTransportResponse)
    /// No response arrived: the transport threw this error.
    case failure(DXTransportError)
  }

  /// The row ID in the cassette (recording order), or `nil` before it is stored.
  public var id: Int64?
  /// The request as it went on the wire (after redaction, once stored). `timeout` is not stored.
  public var request: DXTransportRequest
  /// What came back.
  public var outcome: Outcome
  /// The position of this attempt among the cassette's interactions with the same match key
  /// (0 for the first), e.g. the retry number of a request sent again after a 503.
  public var sequence: Int
  /// How long the exchange took when it was recorded: from sending the request to the last byte of
  /// the response (for a failure: until the transport gave up).
  public var duration: Duration
  /// How long the response's status line and headers took to arrive after the request was sent, when
  /// known (`nil` for an interaction recorded by a transport that does not report it, or imported
  /// from a format without timings). Never more than ``duration``.
  public var timeToHeaders: Duration?
  /// When it was recorded.
  public var recordedAt: Date
  /// Labels for grouping, e.g. the name of the test that recorded it (`dxcassette split --by tag`).
  /// Defaults to none.
  public var tags: [String]
  /// How long after ``recordedAt`` this interaction stays fresh, overriding the cassette's
  /// `expiresAfter`; `nil` uses the cassette's (see `DXCassetteExpiry`).
  public var expiresAfter: Duration?

  /// Creates an interaction.
  /// - Parameters:
  ///   - id: The row ID, `nil` for one not yet stored.
  ///   - request: The request.
  ///   - outcome: The response or failure.
  ///   - sequence: The attempt position; recomputed by the cassette when appended. Defaults to 0.
  ///   - duration: How long the exchange took. Defaults to zero.
  ///   - timeToHeaders: How long the response headers took, when known. Defaults to `nil`.
  ///   - recordedAt: When it happened. Defaults to now.
  ///   - tags: Grouping labels. Defaults to none.
  ///   - expiresAfter: This interaction's maximum age. Defaults to `nil` (the cassette's).
  public init(
    id: Int64? = nil, request: DXTransportRequest, outcome: Outcome, sequence: Int = 0,
    duration: Duration = .zero, timeToHeaders: Duration? = nil, recordedAt: Date = Date(),
    tags: [String] = [], expiresAfter: Duration? = nil
  ) {
    self.id = id
    self.request = request
    self.outcome = outcome
    self.sequence = sequence
    self.duration = duration
    self.timeToHeaders = timeToHeaders
    self.recordedAt = recordedAt
    self.tags = tags
    self.expiresAfter = expiresAfter
  }

  /// The response, when one arrived.
  public var response: DXTransportResponse? {
    if case .response(let response) = outcome { return response }
    return nil
  }

  /// The transport error, when no response arrived.
  public var failure: DXTransportError? {
    if case .failure(let error) = outcome { return error }
    return nil
  }

  /// The request path without the query string, e.g. `"/system/whoami"`.
  public var path: String { DXCassetteURL.path(of: request.url) }

  /// What replaying this interaction gives: the response, or the recorded error thrown.
  /// - Throws: The recorded `DXTransportError` for a failure.
  public func replay() throws(DXTransportError) -> DXTransportResponse {
    switch outcome {
    case .response(let response): return response
    case .failure(let error): throw error
    }
  }

  /// A one-line description, e.g. `#3 POST /system/whoami → 503 (truncated 120/40)`.
  public var summaryLine: String {
    var text = "\(id.map { "#\($0) " } ?? "")\(request.method) \(path) → "
    switch outcome {
    case .response(let response):
      text += "\(response.status)"
      switch response.bodyEnd {
      case .complete: break
      case .truncated(let declared, let received): text += " (truncated \(received)/\(declared) bytes)"
      case .closeDelimited: text += " (close-delimited body)"
      }
    case .failure(let error): text += "\(error.kind.rawValue)"
    }
    return text
  }
}

/// Small helpers for URLs without Foundation's parser (which rejects some raw paths).
enum DXCassetteURL {
  /// The path without scheme, authority and query: `http://h:1/a/b?x=1` → `/a/b`.
  static func path(of url: String) -> String {
    var text = url
    if let path = text.withUTF8({ asciiPath(in: $0) }) { return path }
    let withoutQuery =
      url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
      .map(String.init) ?? url
    guard let schemeEnd = withoutQuery.range(of: "://") else {
      return withoutQuery.isEmpty ? "/" : withoutQuery
    }
    let afterScheme = withoutQuery[schemeEnd.upperBound...]
    guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
    return String(afterScheme[slash...])
  }

  /// ``path(of:)`` of an ASCII URL, found on its bytes (the replay path keys every request by it).
  static func asciiPath(of url: String) -> String {
    var text = url
    return text.withUTF8 { asciiPath(in: $0) } ?? path(of: url)
  }

  /// ``path(of:)`` of the URL whose UTF-8 is `bytes`, or `nil` when a byte is not ASCII.
  static func asciiPath(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
    var end = bytes.count
    for index in 0..<bytes.count {
      let byte = bytes[index]
      if byte >= 0x80 { return nil }
      if byte == UInt8(ascii: "?"), end == bytes.count { end = index }
    }
    var afterScheme: Int?
    var cursor = 0
    while cursor + 2 < end {
      if bytes[cursor] == UInt8(ascii: ":"), bytes[cursor + 1] == UInt8(ascii: "/"),
        bytes[cursor + 2] == UInt8(ascii: "/")
      {
        afterScheme = cursor + 3
        break
      }
      cursor += 1
    }
    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
    guard let afterScheme else { return end == 0 ? "/" : text(0..<end) }
    var slash = afterScheme
    while slash < end, bytes[slash] != UInt8(ascii: "/") { slash += 1 }
    return slash < end ? text(slash..<end) : "/"
  }

  /// The query string without `?`, or `""`.
  static func query(of url: String) -> String {
    guard let mark = url.firstIndex(of: "?") else { return "" }
    return String(url[url.index(after: mark)...])
  }
}
