import DXWire
import Foundation

/// An HTTP request as the mock server received it, body read in full.
public struct DXMockRequest: Sendable {
  /// The upper-case method.
  public var method: String
  /// The path, without the query string, as it appeared on the request line.
  public var path: String
  /// The query arguments, in order (empty when there is no query string).
  public var query: [(name: String, value: String)]
  /// The header fields, in order.
  public var headers: DXHTTPHeaders
  /// The body bytes.
  public var body: Data {
    didSet { bodyMD5 = nil }
  }
  /// The peer's IP address, e.g. `"127.0.0.1"`.
  public var remoteAddress: String
  /// The `X-Request-ID` the server gives this request's response.
  public var requestID: String
  /// The MD5 of ``body`` (lower-case hex) when the server computed it while the body arrived (file
  /// uploads); dropped whenever the body changes.
  var bodyMD5: String?

  /// Creates a request.
  public init(
    method: String, path: String, query: [(name: String, value: String)] = [],
    headers: DXHTTPHeaders = [:], body: Data = Data(), remoteAddress: String = "127.0.0.1",
    requestID: String = ""
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
    self.remoteAddress = remoteAddress
    self.requestID = requestID
  }

  /// The first query argument named `name`, or `nil`.
  public func queryValue(_ name: String) -> String? {
    query.first { $0.name == name }?.value
  }
}
