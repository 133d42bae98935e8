import Foundation

/// One HTTP response as it came off the wire.
public struct DXTransportResponse: Sendable, Hashable {
  /// How the response body ended.
  public enum BodyEnd: Sendable, Hashable {
    /// The body had exactly the declared `Content-Length` (or was chunked and terminated properly).
    case complete
    /// The connection closed after `received` bytes of a declared `Content-Length` of `declared`.
    case truncated(declared: Int, received: Int)
    /// There was no `Content-Length` and no chunked encoding: the body ended when the server
    /// closed the connection.
    case closeDelimited
  }

  /// The status code.
  public var status: Int
  /// The header fields, in order.
  public var headers: DXHTTPHeaders
  /// The body bytes that were received.
  public var body: Data
  /// How the body ended.
  public var bodyEnd: BodyEnd

  /// Creates a response.
  public init(status: Int, headers: DXHTTPHeaders = [:], body: Data = Data(), bodyEnd: BodyEnd = .complete) {
    self.status = status
    self.headers = headers
    self.body = body
    self.bodyEnd = bodyEnd
  }
}
