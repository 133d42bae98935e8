/// What the server hands a ``DXMockBackend`` with each request.
public struct DXMockBackendContext: Sendable {
  /// The fault the rules decided for the request (delays already waited), or `nil`. Only a backend
  /// whose ``DXMockBackend/recordsFaults`` is set gets it; for others the server applies it.
  public var fault: DXFault?
  /// Answers a request from the emulated stateful platform (file transfers and API routes), as the
  /// server does without a backend.
  public var platform: @Sendable (DXMockRequest) -> DXMockWirePlan

  /// Creates a context.
  public init(fault: DXFault?, platform: @escaping @Sendable (DXMockRequest) -> DXMockWirePlan) {
    self.fault = fault
    self.platform = platform
  }
}
