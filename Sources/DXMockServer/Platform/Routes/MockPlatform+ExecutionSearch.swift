import DXWire

// MARK: - /system/findExecutions, findJobs, findAnalyses and describeExecutions

extension MockPlatform {
  func registerExecutionSearchRoutes(into router: inout PlatformRouter) {
    for (route, klass) in [("findExecutions", nil), ("findJobs", "job"), ("findAnalyses", "analysis")] {
      router.register("/system/\(route)") { call throws(DXPlatformError) in
        var query = try ExecutionQuery(Self.input(call), klass: klass)
        // A glob or regular expression is matched outside the state lock, against every name.
        query.name = try self.resolveNames(query.name) { state in
          Set(state.executions.byID.values.lazy.map(\.name))
        }
        return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
          if let project = query.project { _ = try state.project(project, for: call.caller, atLeast: .view) }
          return query.run(on: state, for: call.caller)
        }
      }
    }
    router.register("/system/describeExecutions") { call throws(DXPlatformError) in
      try self.describeExecutions(call)
    }
  }

  /// `{"executions": [ID | {"id", "describe"}], "describe"?}` → `{"results": [{"describe": …}]}`,
  /// parallel to the input; an entry that cannot be described has `"describe": null` and the error.
  private func describeExecutions(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let elements = input.fields["executions"]?.arrayValue else {
      throw .invalidInput("Expected input to have the field \"executions\" (an array)")
    }
    guard elements.count <= 1000 else {
      throw .invalidInput("At most 1000 executions can be described at once")
    }
    let shared = try PlatformState.ExecutionDescribeOptions(input.fields["describe"])
    var requests: [(String, PlatformState.ExecutionDescribeOptions)] = []
    for element in elements {
      if let id = element.stringValue {
        requests.append((id, shared))
        continue
      }
      let entry = try PlatformInput(element)
      let options =
        entry.has("describe") ? try PlatformState.ExecutionDescribeOptions(entry.fields["describe"]) : shared
      requests.append((try entry.requiredString("id"), options))
    }
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var results: [DXJSON] = []
      for (id, options) in requests {
        do throws(DXPlatformError) {
          guard let execution = state.executions[id] else {
            throw .resourceNotFound("The entity \(id) could not be found")
          }
          try Self.requireAccess(to: execution, for: call.caller, atLeast: .view, state: state)
          results.append(["describe": state.describe(execution, options: options)])
        } catch {
          results.append(["describe": .null, "error": error.body["error"] ?? .null])
        }
      }
      return ["results": .array(results)]
    }
  }
}
