import Foundation

/// Sends one HTTP request and reports exactly what came back on the wire.
///
/// A transport does the network call (or, for replay, looks it up) and nothing else: retries,
/// authentication and JSON live in ``DXClient``; recording and logging are middleware composed around
/// a transport (``DXTransportMiddleware``).
///
/// A transport never throws for an HTTP status: every response that arrived, even one whose body
/// was cut short, is returned as a `DXTransportResponse` whose `DXTransportResponse.bodyEnd`
/// says how the body ended. It throws ``DXTransportError`` only when no response arrived.
public protocol DXTransport: Sendable {
  /// Sends `request` once.
  /// - Returns: The response, possibly with a body cut short (see `DXTransportResponse.BodyEnd`).
  /// - Throws: ``DXTransportError`` when no response arrived (refused, reset, closed, timed out…).
  func send(_ request: DXTransportRequest) async throws -> DXTransportResponse

  /// Whether ``send(_:)`` takes a request whose body is a `DXStreamedBody` (sent as it is produced).
  /// ``DXClient`` streams a ``DXRequestBodyStream`` body only to a transport that does; to any other it
  /// sends the bytes in `DXTransportRequest.body`. Default `false`.
  var acceptsStreamedBodies: Bool { get }
}

extension DXTransport {
  /// `false`: the transport reads `DXTransportRequest.body`.
  public var acceptsStreamedBodies: Bool { false }
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

  /// Whether ``intercept(_:next:)`` takes a request whose body is streamed. Default `false`.
  var acceptsStreamedBodies: Bool { get }
}

extension DXTransportMiddleware {
  /// `false`: the middleware reads `DXTransportRequest.body`.
  public var acceptsStreamedBodies: Bool { false }
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

  /// Whether the base transport and every middleware accept streamed bodies.
  public var acceptsStreamedBodies: Bool {
    base.acceptsStreamedBodies && middleware.allSatisfy(\.acceptsStreamedBodies)
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
