/// Replaces the emulated platform for every non-admin request (cassette replay and record).
///
/// The server calls it off libmicrohttpd's threads (the connection is suspended meanwhile), so an
/// implementation may be slow or wait on the network without blocking other connections. Its work (and
/// every resumption after it suspends) runs on two threads the server keeps for backends, not on Swift's
/// cooperative pool, so a test process whose tests keep that pool busy does not delay the answers; a
/// backend should still suspend rather than block while it waits. Admin requests
/// never reach it. Unless ``recordsFaults`` is set, fault rules apply around it: a status, reset or
/// empty fault answers before the backend is asked; a truncate, noContentLength, encoding or pacing
/// fault applies to the plan it returns. Stubs answer before it.
public protocol DXMockBackend: Sendable {
  /// The wire plan for `request`.
  ///
  /// - Parameter request: The request as received, body read in full.
  /// - Returns: What to put on the wire; a ``DXMockWirePlan/respond(_:)`` gets the server's standard
  ///   headers like any platform response.
  func respond(to request: DXMockRequest) async -> DXMockWirePlan

  /// Whether the backend takes the fault decided for each request itself (in
  /// ``DXMockBackendContext/fault``) and answers with what the client is to see, fault included, so a
  /// recorder records the fault; the server then applies no fault of its own (delays still apply
  /// first). Default `false`.
  var recordsFaults: Bool { get }

  /// The wire plan for `request`, given the fault decided for it and a way to ask the emulated
  /// platform (for hybrid replay). The default calls ``respond(to:)``.
  func respond(to request: DXMockRequest, context: DXMockBackendContext) async -> DXMockWirePlan
}

extension DXMockBackend {
  /// `false`: the server applies faults around the backend.
  public var recordsFaults: Bool { false }

  /// ``respond(to:)``.
  public func respond(to request: DXMockRequest, context: DXMockBackendContext) async -> DXMockWirePlan {
    await respond(to: request)
  }
}
