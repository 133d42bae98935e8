/// What the pipeline decided so far for one request, kept in its exchange's
/// ``HTTPExchange/handlerContext`` across suspensions.
///
/// Only touched on the thread running the request's libmicrohttpd callbacks, like the exchange (so
/// its properties skip the runtime's exclusivity checks, as the exchange's do).
final class PipelineContext {
  /// Where the pipeline is with the request.
  enum Stage {
    /// The request head arrived and a receive-phase rule applies; the body is still arriving.
    case receiving
    /// Journaled and the fault decision taken; suspended for the decision's delay.
    case delaying
    /// Suspended while an asynchronous backend answers; its plan arrives through the exchange's
    /// handoff.
    case awaiting
  }

  /// Where the pipeline is (meaningful once the request is suspended).
  @exclusivity(unchecked) var stage = Stage.delaying
  /// The journal entry.
  @exclusivity(unchecked) var journalID: Int?
  /// The fault rules' decision.
  var decision: FaultDecision {
    get { storedDecision ?? .none }
    set { storedDecision = newValue }
  }
  /// Whether the backend took the fault itself (``DXMockBackend/recordsFaults``).
  @exclusivity(unchecked) var backendAppliedFault = false
  /// The receive-phase decision taken from the request head (``FaultDecision/none`` usually).
  var receiveDecision: FaultDecision {
    get { storedReceiveDecision ?? .none }
    set { storedReceiveDecision = newValue }
  }
  /// Whether the fault rules were asked about this request (at its head or once it was complete);
  /// while `false`, ``decision`` and ``receiveDecision`` are ``FaultDecision/none``.
  @exclusivity(unchecked) var decided = false

  /// ``decision``'s fault.
  var fault: DXFault? { storedDecision?.fault }
  /// ``receiveDecision``'s fault.
  var receiveFault: DXFault? { storedReceiveDecision?.fault }

  // `nil` for ``FaultDecision/none``: a request without rules (the usual case) copies no decision in
  // and destroys none.
  @exclusivity(unchecked) private var storedDecision: FaultDecision?
  @exclusivity(unchecked) private var storedReceiveDecision: FaultDecision?

  /// Creates the context of a journaled request.
  init(journalID: Int?) { self.journalID = journalID }
}
