import DXWire
import Foundation

/// One request as the mock server's journal recorded it (secrets redacted).
///
/// An entry exists from the moment the request is received (``outcome`` `"pending"`), so a delayed
/// request, or one whose connection was reset, is listed too. ``status``, ``declaredBytes``,
/// ``sentBytes`` and ``completedAt`` are filled in when the server has answered (or failed to).
public struct DXJournalEntry: Sendable, Hashable {
  /// One query argument.
  public struct QueryItem: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The value.
    public var value: String

    /// Creates a query argument.
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// How ``body`` holds the request body.
  public enum BodyEncoding: String, Sendable, Hashable {
    /// UTF-8 text, as is.
    case text
    /// Base64 of the bytes (the body was not valid UTF-8).
    case base64
  }

  /// The journal's sequence number (1, 2, …; never reused, also across clears).
  public var id: Int
  /// The `X-Request-ID` the server gave the response.
  public var requestID: String
  /// The method.
  public var method: String
  /// The path, without the query string.
  public var path: String
  /// The query arguments, in order.
  public var query: [QueryItem]
  /// The request headers, in order, with `Authorization` shown as `Bearer <redacted>` and any known
  /// token replaced by `<redacted>`.
  public var headers: DXHTTPHeaders
  /// The body (redacted), as text or base64 (``bodyEncoding``), at most the journal's body cap.
  public var body: String
  /// How ``body`` is encoded.
  public var bodyEncoding: BodyEncoding
  /// The size of the whole body as received, in bytes.
  public var bodySize: Int
  /// Whether ``body`` holds only the first part of the body (it was longer than the cap).
  public var bodyTruncated: Bool
  /// The peer's IP address.
  public var remoteAddress: String
  /// When the request was received, in milliseconds since 1970.
  public var receivedAt: Int64
  /// When the server finished with it, in milliseconds since 1970, or `nil` while pending.
  public var completedAt: Int64?
  /// The status sent, or `nil` when no status line went out (reset, empty, still pending).
  public var status: Int?
  /// The fault applied, in the spec form (e.g. `status=503 retryAfter=2`, `reset`), or `nil`.
  public var fault: String?
  /// The IDs of the fault rules applied (delay rules included).
  public var faultRuleIDs: [String]
  /// The injected delay, in milliseconds (0 for none).
  public var delayMs: Int
  /// The body length the response declared (`Content-Length`), or `nil` when none was declared.
  public var declaredBytes: Int?
  /// The body bytes actually sent, or `nil` when unknown or nothing was sent.
  public var sentBytes: Int?
  /// What happened on the wire: `pending`, `response` (a complete response), `truncated`,
  /// `closeDelimited`, `reset`, `empty`, or another word the server uses.
  public var outcome: String

  /// Creates an entry (the journal creates them; tests may too).
  public init(
    id: Int, requestID: String, method: String, path: String, query: [QueryItem] = [],
    headers: DXHTTPHeaders = [:], body: String = "", bodyEncoding: BodyEncoding = .text, bodySize: Int = 0,
    bodyTruncated: Bool = false, remoteAddress: String = "127.0.0.1", receivedAt: Int64,
    completedAt: Int64? = nil, status: Int? = nil, fault: String? = nil, faultRuleIDs: [String] = [],
    delayMs: Int = 0, declaredBytes: Int? = nil, sentBytes: Int? = nil, outcome: String = "pending"
  ) {
    self.id = id
    self.requestID = requestID
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
    self.bodyEncoding = bodyEncoding
    self.bodySize = bodySize
    self.bodyTruncated = bodyTruncated
    self.remoteAddress = remoteAddress
    self.receivedAt = receivedAt
    self.completedAt = completedAt
    self.status = status
    self.fault = fault
    self.faultRuleIDs = faultRuleIDs
    self.delayMs = delayMs
    self.declaredBytes = declaredBytes
    self.sentBytes = sentBytes
    self.outcome = outcome
  }

  /// Whether the server has not finished with the request yet.
  public var isPending: Bool { completedAt == nil }

  /// The recorded body bytes (decoded from base64 when needed; `nil` if that fails).
  public var bodyData: Data? {
    switch bodyEncoding {
    case .text: return Data(body.utf8)
    case .base64: return Data(base64Encoded: body)
    }
  }

  /// The recorded body parsed as JSON, or `nil` when it is not (complete) JSON.
  public var bodyJSON: DXJSON? {
    guard bodyEncoding == .text, !bodyTruncated else { return nil }
    return try? DXJSON(parsing: body)
  }
}
