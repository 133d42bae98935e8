import Foundation

/// Sends one HTTP request and reports exactly what came back on the wire.
///
/// A transport does the network call (or, for replay, looks it up) and nothing else: retries,
/// authentication and JSON live in ``DXClient``; recording and logging are middleware composed around
/// a transport (``DXTransportMiddleware``).
///
/// A transport never throws for an HTTP status: every response that arrived, even one whose body
/// was cut short, is returned as a ``DXTransportResponse`` whose ``DXTransportResponse/bodyEnd``
/// says how the body ended. It throws ``DXTransportError`` only when no response arrived.
public protocol DXTransport: Sendable {
  /// Sends `request` once.
  /// - Returns: The response, possibly with a body cut short (see ``DXTransportResponse/BodyEnd``).
  /// - Throws: ``DXTransportError`` when no response arrived (refused, reset, closed, timed out…).
  func send(_ request: DXTransportRequest) async throws -> DXTransportResponse
}

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

/// Composes cross-cutting behaviour (recording, logging, fault injection) around a transport.
public protocol DXTransportMiddleware: Sendable {
  /// Handles `request`, calling `next` zero or more times.
  /// - Parameters:
  ///   - request: The request to send.
  ///   - next: The rest of the chain: further middleware, then the transport.
  func intercept(
    _ request: DXTransportRequest,
    next: @Sendable (DXTransportRequest) async throws -> DXTransportResponse
  ) async throws -> DXTransportResponse
}

/// A transport made of middleware around another transport.
///
/// The first middleware in the list sees the request first and the response last.
public struct DXMiddlewareTransport: DXTransport {
  /// The transport at the end of the chain.
  public var base: any DXTransport
  /// The middleware, outermost first.
  public var middleware: [any DXTransportMiddleware]

  /// Wraps `base` in `middleware`, outermost first.
  public init(base: any DXTransport, middleware: [any DXTransportMiddleware]) {
    self.base = base
    self.middleware = middleware
  }

  /// Sends `request` through every middleware, then the base transport.
  public func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    try await Self.run(request, middleware[...], base)
  }

  private static func run(
    _ request: DXTransportRequest, _ rest: ArraySlice<any DXTransportMiddleware>, _ base: any DXTransport
  ) async throws -> DXTransportResponse {
    guard let first = rest.first else { return try await base.send(request) }
    let remaining = rest.dropFirst()
    return try await first.intercept(request) { try await run($0, remaining, base) }
  }
}

/// A transport backed by a closure, for tests and adapters.
public struct DXClosureTransport: DXTransport {
  private let body: @Sendable (DXTransportRequest) async throws -> DXTransportResponse

  /// Creates a transport that calls `body` for every request.
  public init(_ body: @escaping @Sendable (DXTransportRequest) async throws -> DXTransportResponse) {
    self.body = body
  }

  /// Calls the closure.
  public func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    try await body(request)
  }
}
