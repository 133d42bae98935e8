/// Replaces the emulated platform for every non-admin request (cassette replay and record).
///
/// The server calls it off libmicrohttpd's threads (the connection is suspended meanwhile), so an
/// implementation may be slow or wait on the network without blocking other connections. Admin requests
/// never reach it, and fault rules still apply first: a status, reset or empty fault answers before the
/// backend is asked; a truncate or noContentLength fault applies to the response it returns.
public protocol DXMockBackend: Sendable {
  /// The wire plan for `request`.
  ///
  /// - Parameter request: The request as received, body read in full.
  /// - Returns: What to put on the wire; a ``DXMockWirePlan/respond(_:)`` gets the server's standard
  ///   headers like any platform response.
  func respond(to request: DXMockRequest) async -> DXMockWirePlan
}
