import Foundation

/// What ``DXClient/request(_:data:method:headers:auth:timeout:jsonifyData:wantFullResponse:decodeResponseBody:prependServer:maxRetries:alwaysRetry:)``
/// returns, depending on `wantFullResponse` and `decodeResponseBody`, as dxpy's `DXHTTPRequest` does.
public enum DXResponse: Sendable, Hashable {
  /// The decoded JSON body (the reply's `Content-Type` starts with `application/json`).
  case json(DXJSON)
  /// The body as text (decoding asked for, but the reply is not labelled JSON).
  case text(String)
  /// The raw body (`decodeResponseBody: false`).
  case bytes(Data)
  /// The whole reply, undecoded (`wantFullResponse: true`).
  case full(DXTransportResponse)

  /// The JSON value, or `nil` when the reply was not decoded as JSON.
  public var json: DXJSON? {
    if case .json(let value) = self { return value }
    return nil
  }

  /// The JSON value.
  /// - Throws: ``DXError/unexpectedResponse(_:)`` when the reply was not decoded as JSON.
  public func decodedJSON() throws(DXError) -> DXJSON {
    switch self {
    case .json(let value): return value
    case .text(let text): throw .unexpectedResponse("expected a JSON reply, got text: \(text.prefix(200))")
    case .bytes(let data):
      throw .unexpectedResponse("expected a JSON reply, got \(data.count) undecoded bytes")
    case .full(let response):
      throw .unexpectedResponse("expected a JSON reply, got the full response (status \(response.status))")
    }
  }

  /// The member `key` of the JSON object reply, or `nil`.
  public subscript(key: String) -> DXJSON? { json?[key] }

  /// The body text, for ``text(_:)`` and ``json(_:)`` replies.
  public var text: String? {
    switch self {
    case .text(let text): return text
    case .json(let value): return value.serializedString()
    default: return nil
    }
  }

  /// The body bytes: raw for ``bytes(_:)`` and ``full(_:)``, re-encoded for the others.
  public var body: Data {
    switch self {
    case .bytes(let data): return data
    case .full(let response): return response.body
    case .text(let text): return Data(text.utf8)
    case .json(let value): return value.serializedData()
    }
  }
}
