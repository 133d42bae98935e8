/// What the pipeline decided so far for one request, kept in its exchange's
/// ``HTTPExchange/handlerContext`` across suspensions.
///
/// Only touched on the thread running the request's libmicrohttpd callbacks, like the exchange.
final class PipelineContext {
  /// Where the pipeline is with the request.
  enum Stage {
    /// Journaled and the fault decision taken; suspended for the decision's delay.
    case delaying
    /// Suspended while an asynchronous backend answers; its plan arrives through the exchange's
    /// handoff.
    case awaiting
  }

  /// Where the pipeline is (meaningful once the request is suspended).
  var stage = Stage.delaying
  /// The journal entry.
  let journalID: Int?
  /// The fault rules' decision.
  var decision = FaultDecision.none

  /// Creates the context of a journaled request.
  init(journalID: Int?) { self.journalID = journalID }
}
