import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Fault schedules and the fault engine")
struct FaultScheduleTests {
  /// Which of `count` matching requests the rule fires on (1-based).
  private func firing(_ rule: DXFaultRule, count: Int = 12, seed: UInt64 = 7, path: String = "/x") -> [Int] {
    let engine = FaultEngine(seed: seed, initialRules: [rule])
    return (1...count).filter { _ in engine.decide(method: "POST", path: path).fault != nil }
  }

  @Test(
    "schedules fire on exactly the right requests",
    arguments: [
      ("no schedule: every request", nil, 0, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
      ("times=2: the first two", 2, 0, 1, [1, 2]),
      ("times=0: never", 0, 0, 1, []),
      ("skip=3: from the fourth", nil, 3, 1, [4, 5, 6, 7, 8, 9, 10, 11, 12]),
      ("skip=1 times=1: only the second", 1, 1, 1, [2]),
      ("every=3: the 3rd, 6th, …", nil, 0, 3, [3, 6, 9, 12]),
      ("every=2 times=2", 2, 0, 2, [2, 4]),
      ("skip=2 every=3", nil, 2, 3, [5, 8, 11]),
      ("skip=2 every=3 times=2", 2, 2, 3, [5, 8]),
      ("skip=20: never within 12", nil, 20, 1, []),
    ] as [(String, Int?, Int, Int, [Int])])
  func schedules(name: String, times: Int?, skip: Int, every: Int, expected: [Int]) throws {
    let rule = try DXFaultRule(fault: .status(500), times: times, skip: skip, every: every)
    #expect(firing(rule) == expected, "\(name)")
  }

  @Test("only matching requests count towards a schedule")
  func onlyMatchingCount() throws {
    let engine = FaultEngine(initialRules: [
      try DXFaultRule(method: "POST", path: "/file-*/close", fault: .reset, skip: 1)
    ])
    #expect(engine.decide(method: "POST", path: "/file-1/close").fault == nil)  // skipped
    #expect(engine.decide(method: "GET", path: "/file-1/close").fault == nil)  // wrong method
    #expect(engine.decide(method: "POST", path: "/file-1/describe").fault == nil)  // wrong path
    #expect(engine.decide(method: "POST", path: "/file-2/close").fault == .reset)
    let state = try #require(engine.rules.first)
    #expect(state.matched == 2)
    #expect(state.applied == 1)
    #expect(state.remaining == nil)
  }

  @Test("a used-up rule stays listed with remaining 0 until removed")
  func usedUp() throws {
    let engine = FaultEngine()
    let id = engine.add(try DXFaultRule(fault: .empty, times: 1))
    #expect(id == "fault-1")
    #expect(engine.decide(method: "GET", path: "/a").fault == .empty)
    #expect(engine.decide(method: "GET", path: "/a").fault == nil)
    let state = try #require(engine.rule(id: id))
    #expect(state.remaining == 0)
    #expect(state.applied == 1)
    #expect(state.matched == 2)
    #expect(state.json["remaining"] == 0)
    #expect(engine.remove(id: id))
    #expect(!engine.remove(id: id))
    #expect(engine.rules.isEmpty)
  }

  @Test("delays add up; the first firing non-delay rule decides; later ones are not used up")
  func combination() throws {
    let engine = FaultEngine(initialRules: [
      try DXFaultRule(fault: .delay(ms: 100)),
      try DXFaultRule(path: "/x", fault: .status(503), times: 1),
      try DXFaultRule(fault: .delay(ms: 50), times: 1),
      try DXFaultRule(fault: .reset, times: 1),
    ])
    let first = engine.decide(method: "POST", path: "/x")
    #expect(first.delayMs == 150)
    #expect(first.fault == .status(503))
    #expect(first.ruleID == "fault-2")
    #expect(first.ruleIDs == ["fault-1", "fault-2", "fault-3"])
    let second = engine.decide(method: "POST", path: "/x")
    #expect(second.delayMs == 100)
    #expect(second.fault == .reset)
    #expect(second.ruleID == "fault-4")
    let third = engine.decide(method: "POST", path: "/y")
    #expect(third == FaultDecision(delayMs: 100, fault: nil, ruleID: nil, ruleIDs: ["fault-1"]))
    let counts = engine.rules.map { [$0.matched, $0.applied] }
    #expect(counts == [[3, 3], [2, 1], [3, 1], [3, 1]])
  }

  @Test("no rules: nothing applies")
  func empty() {
    let decision = FaultEngine().decide(method: "GET", path: "/")
    #expect(decision == .none)
    #expect(decision.isNone)
  }

  @Test("IDs count up, survive clears, restart at reset with the start-up rules back")
  func ids() throws {
    let startup = try DXFaultRule(fault: .reset, times: 1)
    let engine = FaultEngine(initialRules: [startup])
    #expect(engine.rules.map(\.id) == ["fault-1"])
    #expect(engine.decide(method: "GET", path: "/").fault == .reset)
    #expect(engine.add(try DXFaultRule(fault: .empty)) == "fault-2")
    #expect(engine.clear() == 2)
    #expect(engine.add(try DXFaultRule(fault: .empty)) == "fault-3")
    engine.reset()
    #expect(engine.rules.map(\.id) == ["fault-1"])
    #expect(engine.rules.first?.applied == 0)
    #expect(engine.decide(method: "GET", path: "/").fault == .reset)
    #expect(engine.add(try DXFaultRule(fault: .empty)) == "fault-2")
  }

  @Test("a rule with its own ID replaces the rule with that ID in place")
  func customIDs() throws {
    let engine = FaultEngine()
    engine.add(try DXFaultRule(fault: .empty))
    #expect(engine.add(try DXFaultRule(id: "mine", fault: .reset)) == "mine")
    engine.add(try DXFaultRule(fault: .empty))
    _ = engine.decide(method: "GET", path: "/")
    #expect(engine.add(try DXFaultRule(id: "mine", fault: .status(500))) == "mine")
    #expect(engine.rules.map(\.id) == ["fault-1", "mine", "fault-2"])
    #expect(engine.rule(id: "mine")?.rule.fault == .status(500))
    #expect(engine.rule(id: "mine")?.matched == 0)
    // An automatic ID skips one that a custom rule already holds.
    engine.add(try DXFaultRule(id: "fault-3", fault: .empty))
    #expect(engine.add(try DXFaultRule(fault: .empty)) == "fault-4")
  }

  @Test("probability is deterministic under a seed and independent of other traffic")
  func probabilityDeterminism() throws {
    let rule = try DXFaultRule(path: "/p", fault: .status(500), probability: 0.3)
    let a = firing(rule, count: 200, seed: 42, path: "/p")
    let b = firing(rule, count: 200, seed: 42, path: "/p")
    let c = firing(rule, count: 200, seed: 43, path: "/p")
    #expect((40...80).contains(a.count))
    #expect(a == b)
    #expect(a != c)
    // Interleaving other requests and rules does not change this rule's decisions.
    let engine = FaultEngine(seed: 42, initialRules: [rule])
    engine.add(try DXFaultRule(path: "/other", fault: .reset, probability: 0.5))
    var fired: [Int] = []
    for index in 1...200 {
      _ = engine.decide(method: "GET", path: "/other")
      if engine.decide(method: "POST", path: "/p").fault != nil { fired.append(index) }
    }
    #expect(fired == a)
    // After a reset the same sequence repeats.
    engine.reset()
    let again = (1...200).filter { _ in engine.decide(method: "POST", path: "/p").fault != nil }
    #expect(again == a)
  }

  @Test("probability is roughly right over 10,000 draws", arguments: [0.1, 0.5, 0.9])
  func probabilityRate(probability: Double) throws {
    let rule = try DXFaultRule(fault: .status(500), probability: probability)
    let count = firing(rule, count: 10_000, seed: 2024).count
    // Binomial standard deviation is at most 50; allow five of them.
    #expect(abs(Double(count) - probability * 10_000) < 250, "\(count)")
  }

  @Test("probability 0 never fires and 1 always fires")
  func probabilityBounds() throws {
    #expect(firing(try DXFaultRule(fault: .reset, probability: 0), count: 100).isEmpty)
    #expect(firing(try DXFaultRule(fault: .reset, probability: 1), count: 100).count == 100)
  }

  @Test("probability combines with times: exactly `times` applications, at seeded positions")
  func probabilityWithTimes() throws {
    let rule = try DXFaultRule(fault: .reset, times: 3, probability: 0.5)
    let fired = firing(rule, count: 100, seed: 9)
    #expect(fired.count == 3)
    #expect(fired == firing(rule, count: 100, seed: 9))
  }

  @Test("schedules are exact under concurrency")
  func concurrency() async throws {
    let engine = FaultEngine(initialRules: [
      try DXFaultRule(fault: .status(500), times: 37),
      try DXFaultRule(fault: .delay(ms: 1), skip: 10, every: 4),
    ])
    let faults = await withTaskGroup(of: (Int, Int).self) { group in
      for _ in 0..<8 {
        group.addTask {
          var faults = 0
          var delays = 0
          for _ in 0..<250 {
            let decision = engine.decide(method: "POST", path: "/x")
            if decision.fault != nil { faults += 1 }
            delays += decision.delayMs
          }
          return (faults, delays)
        }
      }
      var total = (0, 0)
      for await (faults, delays) in group {
        total.0 += faults
        total.1 += delays
      }
      return total
    }
    #expect(faults.0 == 37)
    #expect(faults.1 == (2000 - 10) / 4)
    #expect(engine.rules.map(\.matched) == [2000, 2000])
  }
}
