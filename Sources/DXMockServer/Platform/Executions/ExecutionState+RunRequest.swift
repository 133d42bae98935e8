import DXWire

extension ExecutionState {
  /// Takes the fields every run sets on the execution it starts (a job or an analysis): the input as
  /// sent and as resolved (`originalInput`), dependencies, tags, properties, details, priority, the
  /// workspace-destruction delay and the cost limit.
  mutating func take(_ request: RunRequest, originalInput: [String: DXJSON]) {
    runInput = .object(request.input)
    self.originalInput = .object(originalInput)
    input = .object(originalInput)
    dependsOn = request.dependsOn
    MockPlatform.add(request.tags ?? [], to: &tags)
    properties = request.properties ?? [:]
    details = request.details ?? [:]
    priority = request.priority ?? "normal"
    delayWorkspaceDestruction = request.delayWorkspaceDestruction ?? false
    costLimit = request.costLimit
  }
}
