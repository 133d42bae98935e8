import Testing

@testable import DXMockServer

/// A request's pipeline state keeps no decision until the fault rules make one.
@Suite("Server — a request's pipeline context")
struct PipelineContextTests {
  @Test func aNewContextHasNoDecisionAndNoFault() {
    let context = PipelineContext(journalID: 7)
    #expect(context.journalID == 7)
    #expect(context.decision == .none)
    #expect(context.receiveDecision == .none)
    #expect(context.fault == nil)
    #expect(context.receiveFault == nil)
    #expect(!context.decided)
  }

  @Test func theDecisionsSetAreTheOnesReadAndTheirFaultsApart() {
    let context = PipelineContext(journalID: nil)
    let reset = FaultDecision(delayMs: 5, fault: .reset, ruleID: "r1", ruleIDs: ["r0", "r1"], operation: nil)
    context.decision = reset
    #expect(context.decision == reset)
    #expect(context.fault == .reset)
    #expect(context.receiveFault == nil)
    let receive = FaultDecision(delayMs: 0, fault: .empty, ruleID: "r2", ruleIDs: ["r2"], operation: nil)
    context.receiveDecision = receive
    #expect(context.receiveDecision == receive)
    #expect(context.receiveFault == .empty)
    // Copying the receive decision over (a cut-off request) gives both the same fault.
    context.decision = context.receiveDecision
    #expect(context.fault == .empty)
    #expect(context.decision.ruleIDs == ["r2"])
  }
}
