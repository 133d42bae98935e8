import DXWire

// MARK: - What the admin API does to executions

extension MockPlatform {
  /// A job or analysis as the admin API shows it: its describe plus the job's live token (for tests
  /// that act as code running inside the job: `DX_JOB_ID`, `DX_WORKSPACE_ID`, `DX_SECURITY_CONTEXT`).
  /// - Throws: ResourceNotFound.
  func adminExecution(_ id: String) throws(DXPlatformError) -> DXJSON {
    try store.read { (state: PlatformState) throws(DXPlatformError) in
      guard let execution = state.executions[id] else {
        throw .resourceNotFound("No execution has the ID \(id)")
      }
      guard var members = state.describe(execution, options: .init()).objectValue else { return .null }
      members["token"] = execution.tokens.first.map(DXJSON.string) ?? .null
      members["plan"] = [
        "outcome": .string(execution.plan.outcome.rawValue),
        "durationMs": .integer(execution.plan.durationMs),
        "describes": execution.plan.describes.map(DXJSON.integer) ?? .null,
        "rule": execution.plan.rule.map(DXJSON.string) ?? .null,
      ]
      return .object(members)
    }
  }

  /// Moves a job by hand: `{"state": "running" | "done" | "failed" | "terminated", "output"?,
  /// "failureReason"?, "failureMessage"?}`. A job moved to `running` stays there until moved again or
  /// terminated; an analysis can only be terminated.
  /// - Throws: ResourceNotFound, InvalidInput, InvalidState.
  @discardableResult
  func adminMoveExecution(_ id: String, _ body: DXJSON) throws(DXPlatformError) -> DXJSON {
    let input = try PlatformInput(body)
    let target = try input.requiredString("state")
    let output = input.fields["output"].flatMap { $0.isNull ? nil : $0 }
    if let output, output.objectValue == nil { throw .invalidInput("\"output\" must be an object") }
    let reason = try input.string("failureReason") ?? "AppError"
    let message = try input.string("failureMessage") ?? "Failed through the admin API"
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      guard let execution = state.executions[id] else {
        throw .resourceNotFound("No execution has the ID \(id)")
      }
      guard !execution.isTerminal else {
        throw .invalidState("\(id) is already \(execution.state)")
      }
      let now = store.now()
      switch (execution.klass, target) {
      case (_, "terminated"):
        state.terminate(id, at: now, by: "the admin API")
      case ("job", "running"):
        guard !["waiting_on_output"].contains(execution.state) else {
          throw .invalidState("\(id) is waiting on its sub-jobs")
        }
        state.moveToRunning(id, at: now, scheduled: false)
      case ("job", "done"):
        state.complete(id, at: now, output: output)
      case ("job", "failed"):
        state.fail(id, at: now, reason: reason, message: message, from: nil)
      default:
        throw .invalidInput(
          "A \(execution.klass) can be moved to \(execution.klass == "job" ? "running, done, failed or terminated" : "terminated"), not \"\(target)\""
        )
      }
      guard let current = state.executions[id] else { return .null }
      return state.describe(current, options: .init())
    }
  }
}
