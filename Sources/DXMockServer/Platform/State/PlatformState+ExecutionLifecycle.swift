import DXWire

// MARK: - How jobs and analyses move through their states
//
// A job: idle → (waiting_on_input →) runnable → running → (waiting_on_output →) done | failed |
// terminated. Nothing runs: the job's ``ExecutionPlan`` gives the times (runnable → running after half
// the duration, the end after the whole duration) and the outcome. Time moves when the store serves a
// request (``advanceExecutions(now:)``), so transitions carry the scheduled time, never the time they
// were noticed.
//
// An analysis: in_progress → done | partially_failed → failed | terminated, following its stages' jobs.

extension PlatformState {
  /// Makes every transition whose time has come (called before each request is served).
  mutating func advanceExecutions(now: Int) {
    guard let earliest = executions.timers.earliest, earliest <= now else { return }
    while let (due, id) = executions.timers.popDue(at: now) {
      guard let execution = executions[id], execution.dueAt == due else { continue }
      stepJob(id, at: due)
    }
  }

  /// Starts a new execution created at `time`: runnable when its inputs are ready, waiting otherwise.
  mutating func startExecution(_ id: String, at time: Int) {
    guard let execution = executions[id] else { return }
    if execution.klass == "analysis" {
      setState(id, "in_progress", at: time)
      return
    }
    checkInputs(id, at: time)
  }

  /// Counts a describe of `id`; a plan that ends after N describes ends on the Nth.
  mutating func countDescribe(_ id: String, now: Int) {
    guard let execution = executions[id], !execution.isTerminal, let limit = execution.plan.describes else {
      return
    }
    let count = execution.describes + 1
    executions.update(id) { $0.describes = count }
    guard count >= limit else { return }
    if execution.state == "runnable" { moveToRunning(id, at: now) }
    if executions[id]?.state == "running", execution.plan.outcome != .running { finishJob(id, at: now) }
  }

  // MARK: - Steps

  private mutating func stepJob(_ id: String, at time: Int) {
    guard let execution = executions[id] else { return }
    switch execution.state {
    case "runnable": moveToRunning(id, at: time)
    case "running": finishJob(id, at: time)
    default: executions.update(id) { $0.dueAt = nil }
    }
  }

  /// Sets `state` with its transition at `time` (and `modified`).
  mutating func setState(_ id: String, _ state: String, at time: Int) {
    executions.update(id) { execution in
      guard execution.state != state else { return }
      execution.state = state
      execution.transitions.append(ExecutionTransition(newState: state, setAt: time))
      execution.modified = max(execution.modified, time)
    }
  }

  private mutating func makeRunnable(_ id: String, at time: Int) {
    setState(id, "runnable", at: time)
    executions.update(id) { $0.dueAt = time + $0.plan.durationMs / 2 }
    if let due = executions[id]?.dueAt, due <= time { moveToRunning(id, at: time) }
  }

  /// Moves a job to `running` (by its plan, or by hand with `scheduled: false`).
  mutating func moveToRunning(_ id: String, at time: Int, scheduled: Bool = true) {
    setState(id, "running", at: time)
    executions.update(id) { execution in
      if execution.startedRunning == nil { execution.startedRunning = time }
      if execution.log.isEmpty {
        execution.log = execution.plan.log.map { line in
          var line = line
          line.timestamp = time
          return line
        }
      }
      let rest = execution.plan.durationMs - execution.plan.durationMs / 2
      execution.dueAt = scheduled && execution.plan.outcome != .running ? time + rest : nil
    }
    if let due = executions[id]?.dueAt, due <= time { finishJob(id, at: time) }
  }

  private mutating func finishJob(_ id: String, at time: Int) {
    guard let execution = executions[id] else { return }
    switch execution.plan.outcome {
    case .running:
      executions.update(id) { $0.dueAt = nil }
    case .failed:
      fail(
        id, at: time, reason: execution.plan.failureReason, message: execution.plan.failureMessage, from: nil)
    case .done:
      complete(id, at: time, output: execution.plan.output)
    }
  }

  /// Ends a job's own work with `output` (or outputs made from its output specification): `done`, or
  /// `waiting_on_output` while sub-jobs run.
  mutating func complete(_ id: String, at time: Int, output: DXJSON?) {
    guard let execution = executions[id], !execution.isTerminal else { return }
    let made = output ?? makeOutputs(for: execution, at: time)
    executions.update(id) { execution in
      execution.output = made
      execution.dueAt = nil
      if execution.startedRunning == nil { execution.startedRunning = time }
      if execution.stoppedRunning == nil { execution.stoppedRunning = time }
    }
    let pending = execution.children.contains { executions[$0]?.isTerminal == false }
    if pending {
      setState(id, "waiting_on_output", at: time)
    } else {
      finish(id, "done", at: time)
    }
  }

  /// Fails `id` (unless it already finished) with `reason` and `message`; `from` is the execution the
  /// failure came from when it is another one.
  mutating func fail(_ id: String, at time: Int, reason: String, message: String, from: String?) {
    guard let execution = executions[id], !execution.isTerminal else { return }
    executions.update(id) { execution in
      execution.failureReason = reason
      execution.failureMessage = message
      execution.failureFrom = from
    }
    finish(id, "failed", at: time)
  }

  /// Terminates `id` and what runs under it (stage jobs of an analysis, sub-jobs of a job).
  mutating func terminate(_ id: String, at time: Int, by user: String) {
    guard let execution = executions[id], !execution.isTerminal else { return }
    let message = "The \(execution.klass) was terminated by \(user)"
    executions.update(id) { execution in
      execution.failureReason = "Terminated"
      execution.failureMessage = message
    }
    for stage in execution.stages { terminate(stage.execution, at: time, by: user) }
    if executions[id]?.isTerminal == false { finish(id, "terminated", at: time) }
  }

  /// Puts `id` in the terminal `state` and lets what depends on it move on.
  private mutating func finish(_ id: String, _ state: String, at time: Int) {
    guard let before = executions[id], !before.isTerminal else { return }
    setState(id, state, at: time)
    executions.update(id) { execution in
      execution.dueAt = nil
      execution.tokens = []
      if execution.startedRunning != nil, execution.stoppedRunning == nil { execution.stoppedRunning = time }
      if state != "done" { execution.output = nil }
    }
    guard let execution = executions[id] else { return }
    // A job tree that failed or was terminated takes its running sub-jobs with it.
    if state != "done" {
      for child in execution.children where executions[child]?.isTerminal == false {
        executions.update(child) { child in
          child.failureReason = "Terminated"
          child.failureMessage = "The parent job \(id) \(state == "failed" ? "failed" : "was terminated")"
        }
        finish(child, "terminated", at: time)
      }
    }
    if execution.klass == "job", execution.originJob == id, let workspace = execution.workspace,
      !execution.delayWorkspaceDestruction
    {
      deleteProject(workspace)
    }
    for waiter in executions.takeWaiters(of: id).sorted() { checkInputs(waiter, at: time) }
    if let parent = execution.parentJob, let parentState = executions[parent], !parentState.isTerminal {
      if state == "failed" {
        fail(
          parent, at: time, reason: execution.failureReason ?? "AppError",
          message: execution.failureMessage ?? "A sub-job failed", from: execution.failureFrom ?? id)
      } else if parentState.state == "waiting_on_output",
        !parentState.children.contains(where: { executions[$0]?.isTerminal == false })
      {
        finish(parent, "done", at: time)
      }
    }
    if let analysis = execution.analysis { updateAnalysis(analysis, at: time) }
  }

  // MARK: - Inputs and dependencies

  /// The executions `execution` waits on: its `dependsOn` jobs and analyses and the ones its input
  /// references.
  func dependencies(of execution: ExecutionState) -> [String] {
    var found: [String] = []
    for id in execution.dependsOn where id.hasPrefix("job-") || id.hasPrefix("analysis-") {
      if !found.contains(id) { found.append(id) }
    }
    Self.visitReferences(execution.originalInput) { link in
      if let id = link["job"]?.stringValue ?? link["analysis"]?.stringValue, !found.contains(id) {
        found.append(id)
      }
    }
    return found
  }

  /// Calls `body` with the `$dnanexus_link` object of every job- or analysis-based reference in `value`.
  static func visitReferences(_ value: DXJSON, _ body: ([String: DXJSON]) -> Void) {
    switch value {
    case .object(let members):
      if members.count == 1, let link = members["$dnanexus_link"]?.objectValue,
        link["job"] != nil || link["analysis"] != nil
      {
        body(link)
        return
      }
      for member in members.values { visitReferences(member, body) }
    case .array(let elements):
      for element in elements { visitReferences(element, body) }
    default:
      break
    }
  }

  /// Moves a new or waiting job on: fails it when a dependency failed, makes it runnable with its input
  /// resolved when every dependency is done, or (re)registers it as waiting.
  private mutating func checkInputs(_ id: String, at time: Int) {
    guard let execution = executions[id], ["idle", "waiting_on_input"].contains(execution.state) else {
      return
    }
    let dependencies = dependencies(of: execution)
    for dependency in dependencies {
      guard let other = executions[dependency], other.state == "failed" || other.state == "terminated" else {
        continue
      }
      if other.state == "terminated" {
        // What waited on a terminated execution is terminated with it (an analysis being terminated
        // ends `terminated`, not `failed`).
        executions.update(id) { execution in
          execution.failureReason = "Terminated"
          execution.failureMessage = "\(dependency), which this \(execution.klass) depends on, was terminated"
        }
        finish(id, "terminated", at: time)
        return
      }
      fail(
        id, at: time, reason: "DependencyFailed",
        message: "\(dependency), which this \(execution.klass) depends on, failed",
        from: other.failureFrom ?? dependency)
      return
    }
    let pending = dependencies.filter { executions[$0]?.state != "done" }
    guard pending.isEmpty else {
      for dependency in pending { executions.addWaiter(id, on: dependency) }
      setState(id, "waiting_on_input", at: time)
      return
    }
    switch resolve(execution.originalInput) {
    case .success(let input):
      executions.update(id) { $0.input = input }
      makeRunnable(id, at: time)
    case .failure(let error):
      fail(id, at: time, reason: "InputError", message: error.message, from: nil)
    }
  }

  /// Registers every waiting execution with what it waits on (after loading the state file).
  mutating func rebuildExecutionWaiters() {
    for (id, execution) in executions.byID where execution.state == "waiting_on_input" {
      for dependency in dependencies(of: execution) where executions[dependency]?.state != "done" {
        executions.addWaiter(id, on: dependency)
      }
    }
  }

  /// `value` with every job- and analysis-based reference replaced by the output it names.
  func resolve(_ value: DXJSON) -> Result<DXJSON, DXPlatformError> {
    switch value {
    case .object(let members):
      if members.count == 1, let link = members["$dnanexus_link"]?.objectValue,
        link["job"] != nil || link["analysis"] != nil
      {
        return resolveReference(link)
      }
      var resolved: [String: DXJSON] = [:]
      for (key, member) in members {
        switch resolve(member) {
        case .success(let value): resolved[key] = value
        case .failure(let error): return .failure(error)
        }
      }
      return .success(.object(resolved))
    case .array(let elements):
      var resolved: [DXJSON] = []
      for element in elements {
        switch resolve(element) {
        case .success(let value): resolved.append(value)
        case .failure(let error): return .failure(error)
        }
      }
      return .success(.array(resolved))
    default:
      return .success(value)
    }
  }

  private func resolveReference(_ link: [String: DXJSON]) -> Result<DXJSON, DXPlatformError> {
    let source = link["job"]?.stringValue ?? link["analysis"]?.stringValue ?? ""
    let field = link["field"]?.stringValue ?? ""
    let output = executions[source]?.output?.objectValue ?? [:]
    var key = field
    if let stage = link["stage"]?.stringValue { key = stage + "." + field }
    guard var value = output[key] else {
      return .failure(.invalidInput("\(source) has no output field \"\(key)\" to resolve the reference"))
    }
    if let index = link["index"]?.intValue {
      guard let elements = value.arrayValue, elements.indices.contains(index) else {
        return .failure(.invalidInput("The output field \"\(key)\" of \(source) has no element \(index)"))
      }
      value = elements[index]
    }
    return .success(value)
  }

  // MARK: - Analyses

  /// Follows an analysis's stage jobs: `done` with every stage's output when all are done,
  /// `partially_failed` while a stage failed and others still run, then `failed`; `terminated` when
  /// stages were terminated.
  private mutating func updateAnalysis(_ id: String, at time: Int) {
    guard let analysis = executions[id], !analysis.isTerminal else { return }
    let jobs = analysis.stages.compactMap { executions[$0.execution] }
    // The stage jobs are created one after another: decide once they all exist.
    guard jobs.count == analysis.stages.count else { return }
    let firstFailed = jobs.first { $0.state == "failed" }
    if let failed = firstFailed {
      executions.update(id) { analysis in
        if analysis.failureReason == nil {
          analysis.failureReason = failed.failureReason
          analysis.failureMessage = failed.failureMessage
          analysis.failureFrom = failed.failureFrom ?? failed.id
        }
      }
    }
    guard jobs.allSatisfy(\.isTerminal) else {
      if firstFailed != nil { setState(id, "partially_failed", at: time) }
      return
    }
    if jobs.allSatisfy({ $0.state == "done" }) {
      var output: [String: DXJSON] = [:]
      for (stage, job) in zip(analysis.stages, jobs) {
        for (field, value) in job.output?.objectValue ?? [:] { output[stage.id + "." + field] = value }
      }
      executions.update(id) { $0.output = .object(output) }
      finish(id, "done", at: time)
    } else if firstFailed != nil {
      finish(id, "failed", at: time)
    } else {
      executions.update(id) { analysis in
        if analysis.failureReason == nil {
          analysis.failureReason = "Terminated"
          analysis.failureMessage = "A stage of the analysis was terminated"
        }
      }
      finish(id, "terminated", at: time)
    }
  }
}
