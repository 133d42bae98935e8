import DXWire
import Foundation

/// A complete HTTP response the mock server sends (faults are applied on top of it, on the wire).
///
/// The server adds `Content-Length`, `X-Request-ID` and `X-Content-Type-Options: nosniff` itself.
public struct DXMockResponse: Sendable {
  /// The status code.
  public var status: Int
  /// Header fields besides the ones the server adds.
  public var headers: DXHTTPHeaders
  /// The body.
  public var body: Data

  /// Creates a response.
  public init(status: Int, headers: DXHTTPHeaders = [:], body: Data = Data()) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// A JSON response: `Content-Type: application/json` and the compact serialization of `value`.
  public static func json(_ value: DXJSON, status: Int = 200) -> DXMockResponse {
    DXMockResponse(status: status, headers: jsonHeaders, body: value.serializedData())
  }

  /// `Content-Type: application/json`, built once (every API answer carries it).
  static let jsonHeaders: DXHTTPHeaders = ["Content-Type": "application/json"]

  /// The platform's error body for `error`, with its status.
  public static func error(_ error: DXPlatformError) -> DXMockResponse {
    var response = json(error.body, status: error.status)
    if let retryAfter = error.retryAfter { response.headers.add(name: "Retry-After", value: retryAfter) }
    return response
  }
}
