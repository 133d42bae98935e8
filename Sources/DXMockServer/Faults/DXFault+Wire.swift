extension DXFault {
  /// Whether the fault replaces the response altogether (status, reply, redirect, reset, empty): the
  /// request is then not answered by the platform or an upstream.
  public var replacesResponse: Bool {
    switch self {
    case .status, .reply, .redirect, .reset, .empty: return true
    default: return false
    }
  }

  /// What the server puts on the wire for this fault given the plan it would otherwise send: the
  /// fault's own answer for a fault that ``replacesResponse``, the plan cut, re-encoded or paced for
  /// the others, and the plan unchanged for delays and receive-phase faults.
  public func apply(to plan: DXMockWirePlan) -> DXMockWirePlan {
    switch self {
    case .reset: return .reset
    case .empty: return .empty
    case .status, .reply, .redirect: return statusResponse.map { .respond($0) } ?? plan
    default: return RequestPipeline.apply(self, to: plan)
    }
  }
}
