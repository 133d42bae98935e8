import Foundation

/// One HTTP request as it goes on the wire.
public struct DXTransportRequest: Sendable, Hashable {
  /// The upper-case method, e.g. `"POST"`.
  public var method: String
  /// The absolute URL, e.g. `"http://127.0.0.1:8080/system/whoami"`.
  public var url: String
  /// The header fields, in order. `Content-Length` and `Host` are set by the transport.
  public var headers: DXHTTPHeaders
  /// The body bytes (empty for none).
  public var body: Data
  /// The time allowed for connecting and for each read, or `nil` for the transport's default.
  public var timeout: Duration?

  /// Creates a request.
  public init(
    method: String, url: String, headers: DXHTTPHeaders = [:], body: Data = Data(),
    timeout: Duration? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeout = timeout
  }
}
