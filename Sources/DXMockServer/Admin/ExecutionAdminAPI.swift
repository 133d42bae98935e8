import DXWire
import Foundation

/// The admin routes for executions, mounted in ``AdminAPI``:
///
/// | route | methods |
/// |---|---|
/// | `/__admin/executions` | `GET` the rules with their counters (`{"rules":[…]}`); `POST` a rule, an array or `{"rules":[…]}` (201 with the rule, or `{"rules":[…]}` for several); `DELETE` every rule (`{"removed":N}`) |
/// | `/__admin/executions/{id}` | `GET` one rule; `DELETE` it |
/// | `/__admin/jobs/{id}` | `GET` a job or analysis: its describe plus its live `token` and `plan` |
/// | `/__admin/jobs/{id}/state` | `POST {"state": "running" \| "done" \| "failed" \| "terminated", "output"?, "failureReason"?, "failureMessage"?}` moves it by hand and answers its describe |
///
/// Rules are described in ``DXExecutionRule``.
struct ExecutionAdminAPI: Sendable {
  let platform: MockPlatform

  /// Answers a request whose admin path is `parts` (after `/__admin/`), with `method` upper-case.
  func handle(_ request: DXMockRequest, parts: [String], method: String) -> DXMockResponse {
    do throws(DXPlatformError) {
      switch (parts.first, parts.count) {
      case ("executions", 1):
        switch method {
        case "GET": return .json(["rules": .array(platform.executionRules.entries.map(\.json))])
        case "POST": return try addRules(request)
        case "DELETE": return .json(["removed": .integer(platform.executionRules.clear())])
        default: return AdminAPI.methodNotAllowed(request, allowed: ["GET", "POST", "DELETE"])
        }
      case ("executions", 2):
        let id = parts[1]
        switch method {
        case "GET":
          guard let entry = platform.executionRules.entry(id: id) else { throw Self.unknownRule(id) }
          return .json(entry.json)
        case "DELETE":
          guard platform.executionRules.remove(id: id) else { throw Self.unknownRule(id) }
          return .json(["removed": 1, "id": .string(id)])
        default: return AdminAPI.methodNotAllowed(request, allowed: ["GET", "DELETE"])
        }
      case ("jobs", 2):
        guard method == "GET" else { return AdminAPI.methodNotAllowed(request, allowed: ["GET"]) }
        return .json(try platform.adminExecution(parts[1]))
      case ("jobs", 3) where parts[2] == "state":
        guard method == "POST" else { return AdminAPI.methodNotAllowed(request, allowed: ["POST"]) }
        return .json(try platform.adminMoveExecution(parts[1], try Self.body(request)))
      default:
        throw .resourceNotFound(
          "The admin route \(request.path) does not exist (execution routes: /__admin/executions, "
            + "/__admin/executions/{id}, /__admin/jobs/{id}, /__admin/jobs/{id}/state)")
      }
    } catch {
      return .error(error)
    }
  }

  private func addRules(_ request: DXMockRequest) throws(DXPlatformError) -> DXMockResponse {
    let json = try Self.body(request)
    let single = json.objectValue != nil && json["rules"] == nil
    let ids = platform.executionRules.add(try DXExecutionRule.rules(json: json))
    let entries = ids.compactMap { platform.executionRules.entry(id: $0) }
    if single, let entry = entries.first {
      var response = DXMockResponse.json(entry.json, status: 201)
      response.headers.add(name: "Location", value: "\(AdminAPI.prefix)/executions/\(entry.rule.id ?? "")")
      return response
    }
    return .json(["rules": .array(entries.map(\.json))], status: 201)
  }

  private static func body(_ request: DXMockRequest) throws(DXPlatformError) -> DXJSON {
    guard !request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
      throw .invalidInput("The body is empty; send a JSON object")
    }
    do {
      return try DXJSON(parsing: request.body)
    } catch {
      throw .malformedJSON("The body is not valid JSON: \(error)")
    }
  }

  private static func unknownRule(_ id: String) -> DXPlatformError {
    .resourceNotFound("No execution rule has the ID \"\(id)\"")
  }

}
