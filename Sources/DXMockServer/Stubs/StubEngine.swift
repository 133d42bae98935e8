import DXWire
import Synchronization

/// The server's stubs and scenario states.
///
/// ``answer(_:)`` picks the first matching stub by priority (then by the order added) whose scenario
/// is in its required state, moves the scenario on, and renders the response, atomically: of two
/// concurrent polls only one makes a transition. A server without stubs pays one atomic load per
/// request.
final class StubEngine: Sendable {
  private struct State {
    var stubs: [DXStub] = []
    var scenarios: [String: String] = [:]
    var nextNumber = 1
  }

  private let state = DXLock(State())
  private let stubCount = Atomic<Int>(0)
  private let initialStubs: [DXStub]
  private let authenticate: @Sendable (String) -> String?

  /// Creates an engine holding `initialStubs`, which ``reset()`` brings back.
  init(initialStubs: [DXStub] = [], authenticate: @escaping @Sendable (String) -> String? = { _ in nil }) {
    self.initialStubs = initialStubs
    self.authenticate = authenticate
    _ = add(contentsOf: initialStubs)
  }

  /// Whether any stub is installed (no lock).
  var isEmpty: Bool { stubCount.load(ordering: .relaxed) == 0 }

  /// Adds stubs (a stub whose ID is in use replaces that one) and returns them with their IDs.
  @discardableResult
  func add(contentsOf stubs: [DXStub]) -> [DXStub] {
    state.withLock { state in
      var added: [DXStub] = []
      for var stub in stubs {
        if stub.id == nil {
          var id: String
          repeat {
            id = "stub-\(state.nextNumber)"
            state.nextNumber += 1
          } while state.stubs.contains { $0.id == id }
          stub.id = id
        }
        if let index = state.stubs.firstIndex(where: { $0.id == stub.id }) {
          state.stubs[index] = stub
        } else {
          state.stubs.append(stub)
        }
        if let scenario = stub.scenario, state.scenarios[scenario] == nil {
          state.scenarios[scenario] = DXStub.startedState
        }
        added.append(stub)
      }
      // Stable: equal priorities keep the order they were added in.
      state.stubs = state.stubs.enumerated().sorted {
        ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset)
      }.map(\.element)
      stubCount.store(state.stubs.count, ordering: .relaxed)
      return added
    }
  }

  /// The stubs, in the order they are tried.
  var stubs: [DXStub] { state.withLock { $0.stubs } }

  /// The stub with `id`, or `nil`.
  func stub(id: String) -> DXStub? { state.withLock { $0.stubs.first { $0.id == id } } }

  /// Removes the stub with `id`; returns whether there was one.
  func remove(id: String) -> Bool {
    state.withLock { state in
      guard let index = state.stubs.firstIndex(where: { $0.id == id }) else { return false }
      state.stubs.remove(at: index)
      stubCount.store(state.stubs.count, ordering: .relaxed)
      return true
    }
  }

  /// Removes every stub (scenario states stay); returns how many there were.
  func clear() -> Int {
    state.withLock { state in
      let count = state.stubs.count
      state.stubs.removeAll()
      stubCount.store(0, ordering: .relaxed)
      return count
    }
  }

  /// Every scenario and its state.
  var scenarios: [String: String] { state.withLock { $0.scenarios } }

  /// Puts every scenario back in `Started`.
  func resetScenarios() {
    state.withLock { state in
      for name in state.scenarios.keys { state.scenarios[name] = DXStub.startedState }
    }
  }

  /// Sets one scenario's state; returns whether the scenario exists.
  func setScenario(_ name: String, to newState: String) -> Bool {
    state.withLock { state in
      guard state.scenarios[name] != nil else { return false }
      state.scenarios[name] = newState
      return true
    }
  }

  /// Restores the start-up stubs, IDs from `stub-1` and every scenario in `Started`.
  func reset() {
    state.withLock { $0 = State() }
    stubCount.store(0, ordering: .relaxed)
    _ = add(contentsOf: initialStubs)
  }

  /// The response of the stub that answers `request`, or `nil` when none does.
  func answer(_ request: DXMockRequest) -> DXMockResponse? {
    if isEmpty { return nil }
    let subject = MatchSubject(request: request, attempt: nil, authenticate: authenticate)
    let chosen: DXStub? = state.withLock { state in
      for stub in state.stubs {
        guard stub.match.matches(method: request.method, path: request.path) else { continue }
        if stub.match.hasDetails, !stub.match.matchesDetails(subject) { continue }
        if let scenario = stub.scenario {
          let current = state.scenarios[scenario] ?? DXStub.startedState
          if let required = stub.requiredState, required != current { continue }
          if let next = stub.newState { state.scenarios[scenario] = next }
        }
        return stub
      }
      return nil
    }
    return chosen.map { $0.response(for: request, subject: subject) }
  }
}
