import DXWire
import Testing

@testable import DXMockServer

/// Helpers for the execution tests: applets with specifications, runs, describes.
extension PlatformHarness {
  /// Creates an applet in `project` with the given specs (`nil` leaves one out) and returns its ID.
  func newApplet(
    _ project: String, name: String = "tool", inputSpec: DXJSON? = [["name": "who", "class": "string"]],
    outputSpec: DXJSON? = [["name": "greeting", "class": "string"]], extra: [String: DXJSON] = [:],
    as user: String = "alice"
  ) throws -> String {
    var input: [String: DXJSON] = [
      "project": .string(project), "name": .string(name), "dxapi": "1.0.0",
      "runSpec": ["interpreter": "bash", "code": "main() { :; }", "distribution": "Ubuntu"],
    ]
    if let inputSpec { input["inputSpec"] = inputSpec }
    if let outputSpec { input["outputSpec"] = outputSpec }
    input.merge(extra) { _, new in new }
    return try call("/applet/new", .object(input), as: user)["id"]?.stringValue ?? ""
  }

  /// Runs `executable` in `project` and returns the job (or analysis) ID.
  func run(
    _ executable: String, project: String, input: DXJSON = ["who": "x"], extra: [String: DXJSON] = [:],
    as user: String = "alice", token: String? = nil
  ) throws -> String {
    var body: [String: DXJSON] = ["project": .string(project), "input": input]
    body.merge(extra) { _, new in new }
    return try call("/\(executable)/run", .object(body), as: user, token: token)["id"]?.stringValue ?? ""
  }

  /// The describe of an execution.
  func describe(_ id: String, _ input: DXJSON = [:], as user: String = "alice") throws -> DXJSON {
    try call("/\(id)/describe", input, as: user)
  }

  /// The state of an execution.
  func state(_ id: String) throws -> String {
    try describe(id, ["fields": ["state": true]])["state"]?.stringValue ?? ""
  }

  /// The states an execution went through, in order.
  func transitions(_ id: String) throws -> [String] {
    (try describe(id)["stateTransitions"]?.arrayValue ?? []).compactMap { $0["newState"]?.stringValue }
  }

  /// Lets `ms` pass on the test clock.
  func wait(_ ms: Int) { clock.advance(ms) }
}
