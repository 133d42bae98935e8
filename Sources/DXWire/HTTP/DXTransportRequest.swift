import Foundation

/// One HTTP request as it goes on the wire.
public struct DXTransportRequest: Sendable, Hashable {
  /// The upper-case method, e.g. `"POST"`.
  public var method: String
  /// The absolute URL, e.g. `"http://127.0.0.1:8080/system/whoami"`.
  public var url: String
  /// The header fields, in order. `Content-Length` and `Host` are set by the transport.
  public var headers: DXHTTPHeaders
  /// The body bytes (empty for none, and when ``streamedBody`` carries the body instead).
  public var body: Data
  /// A body sent in chunks as it is produced, instead of ``body``, or `nil`. Only transports that say
  /// they accept one (DXCore's `acceptsStreamedBodies`) are given such a request by `DXClient`; see
  /// ``withCollectedBody()`` for code that needs the bytes.
  public var streamedBody: DXStreamedBody?
  /// The time allowed for connecting and for each read, or `nil` for the transport's default.
  public var timeout: Duration?

  /// Creates a request.
  public init(
    method: String, url: String, headers: DXHTTPHeaders = [:], body: Data = Data(),
    timeout: Duration? = nil, streamedBody: DXStreamedBody? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeout = timeout
    self.streamedBody = streamedBody
  }

  /// This request with a streamed body read into ``body`` (itself when the body is not streamed).
  /// - Throws: What the body's producer throws.
  public func withCollectedBody() async throws -> DXTransportRequest {
    guard let streamedBody else { return self }
    var collected = self
    collected.body = try await streamedBody.collect()
    collected.streamedBody = nil
    return collected
  }
}
