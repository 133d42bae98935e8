import DXWire
import Foundation

/// The mock server's request-facing parsers as fuzz entry points: each takes arbitrary bytes, must
/// never trap or hang, and checks what it can about the result (a parsed fault rule reads back from
/// its own JSON form). The fuzz targets under `Fuzz/` and the corpus tests call them; a new parser
/// adds one function here and one target there (docs/fuzzing.md).
package enum DXMockServerFuzzing {
  /// `--fault` specs (``DXFaultRule/init(spec:)``); a parsed rule survives its JSON round trip.
  package static func faultSpec(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let rule = try? DXFaultRule(spec: text) else { return }
    roundTrip(rule)
  }

  /// `--faults` files and `POST /__admin/faults` bodies (``DXFaultRule/rules(fileContents:)``).
  package static func faultRules(_ bytes: [UInt8]) {
    guard let rules = try? DXFaultRule.rules(fileContents: Data(bytes)) else { return }
    for rule in rules { roundTrip(rule) }
  }

  private static func roundTrip(_ rule: DXFaultRule) {
    guard let again = try? DXFaultRule(json: rule.json) else {
      preconditionFailure(
        "a parsed rule does not read back from its JSON form: \(rule.json.serializedString())")
    }
    precondition(again.json == rule.json, "a rule's JSON form changed on reading it back")
  }

  /// A request head as the daemon sees it: header lines (`Name: value`, one per line; the first line
  /// is the version) through ``HTTPFraming``, plus the `Range` parser of file downloads.
  package static func requestHead(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let version = lines.isEmpty ? "" : lines.removeFirst()
    var fields: [DXHTTPHeaders.Field] = []
    for line in lines {
      guard let colon = line.firstIndex(of: ":") else { continue }
      fields.append(
        DXHTTPHeaders.Field(name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
    }
    let headers = DXHTTPHeaders(fields)
    _ = HTTPFraming.problem(headers: headers, version: version)
    _ = HTTPFraming.expectsBody(headers: headers)
    for total in [0, 1, 10, 5_368_709_120] {
      if let (start, end) = MockPlatform.parseRange(text, total: total) {
        precondition(
          0 <= start && start <= end && end < total, "a range outside the file: \(start)-\(end)/\(total)")
      }
    }
  }

  /// The routes a platform fuzz input can call (the first byte picks one; `{project}`, `{record}`,
  /// `{file}` are objects made for each input).
  static let routes = [
    "/project/new", "/{project}/describe", "/{project}/update", "/{project}/newFolder",
    "/{project}/listFolder",
    "/{project}/renameFolder", "/{project}/removeFolder", "/{project}/move", "/{project}/clone",
    "/{project}/removeObjects", "/{project}/addTags", "/{project}/setProperties", "/{project}/invite",
    "/record/new", "/{record}/describe", "/{record}/addTags", "/{record}/removeTags", "/{record}/addTypes",
    "/{record}/setProperties", "/{record}/rename", "/{record}/setDetails", "/{record}/getDetails",
    "/{record}/close", "/file/new", "/{file}/upload", "/{file}/download", "/{file}/close",
    "/{file}/describe", "/system/findDataObjects", "/system/findProjects", "/system/describeDataObjects",
    "/system/resolveDataObjects", "/system/describeProjects", "/system/findUsers", "/system/findApps",
    "/workflow/new", "/applet/new", "/app/new", "/system/whoami", "/F/upload", "/F/download",
    // Executions (appended: the committed inputs' first bytes keep their routes).
    "/{applet}/run", "/{job}/describe", "/{job}/update", "/{job}/terminate", "/{job}/addTags",
    "/{job}/setProperties", "/system/findExecutions", "/system/findJobs", "/system/findAnalyses",
    "/system/describeExecutions", "/job/new", "/{applet}/describe", "/{job}/getIdentityToken",
  ]

  /// A platform API call: the first byte picks a route (``routes``), the rest is its JSON body (or, for
  /// `/F/…`, the rest of a transfer URL). The platform is fresh for each input, with a project, a
  /// record and a closed file.
  package static func platformCall(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let body = Array(bytes.dropFirst())
    guard
      let platform = try? MockPlatform(
        configuration: MockPlatform.Configuration(
          users: [
            MockPlatform.User(handle: "alice", tokens: ["t"]),
            MockPlatform.User(handle: "bob", tokens: ["u"]),
          ],
          seed: 1, statePath: nil))
    else { return }
    var router = PlatformRouter()
    platform.register(into: &router)
    func call(_ path: String, _ input: Data) -> DXJSON? {
      let request = DXMockRequest(method: "POST", path: path, headers: ["Host": "127.0.0.1:1"], body: input)
      guard case .found(let handler, let target, let alias, let method) = router.resolve(path: path),
        let json = try? DXJSON(parsing: [UInt8](input))
      else { return nil }
      return try? handler(
        APICall(
          request: request, caller: "user-alice", target: target, alias: alias, method: method, input: json))
    }
    let project = call("/project/new", Data(#"{"name":"p"}"#.utf8))?["id"]?.stringValue ?? "project-x"
    let record =
      call("/record/new", Data(#"{"project":"\#(project)","name":"r","tags":["a"]}"#.utf8))?["id"]?
      .stringValue
      ?? "record-x"
    let file =
      call("/file/new", Data(#"{"project":"\#(project)","name":"f"}"#.utf8))?["id"]?.stringValue ?? "file-x"
    let appletInput: DXJSON = [
      "project": .string(project), "name": "a", "dxapi": "1.0.0",
      "runSpec": ["interpreter": "bash", "code": "x"],
      "inputSpec": [["name": "n", "class": "int", "optional": true]],
    ]
    let applet = call("/applet/new", appletInput.serializedData())?["id"]?.stringValue ?? "applet-x"
    let job =
      call("/\(applet)/run", Data(#"{"project":"\#(project)","input":{"n":1}}"#.utf8))?["id"]?.stringValue
      ?? "job-x"
    var route = routes[Int(first) % routes.count]
    if route.hasPrefix("/F/") {
      let path = route + "/" + file + "/" + String(decoding: body, as: UTF8.self)
      _ = platform.handleTransfer(
        DXMockRequest(method: first & 1 == 0 ? "GET" : "PUT", path: path, body: Data(body)))
      return
    }
    route = route.replacingOccurrences(of: "{project}", with: project)
      .replacingOccurrences(of: "{record}", with: record).replacingOccurrences(of: "{file}", with: file)
      .replacingOccurrences(of: "{applet}", with: applet).replacingOccurrences(of: "{job}", with: job)
    _ = call(route, Data(body))
    // Whatever the call did, the state still answers.
    precondition(call("/\(project)/describe", Data("{}".utf8)) != nil, "the project no longer describes")
    precondition(call("/\(job)/describe", Data("{}".utf8)) != nil, "the job no longer describes")
  }

  /// `--executions` files and `POST /__admin/executions` bodies (``DXExecutionRule/rules(json:)``): a
  /// parsed rule reads back from its JSON form, and a run under it starts and describes.
  package static func executionRules(_ bytes: [UInt8]) {
    guard let json = try? DXJSON(parsing: bytes), let rules = try? DXExecutionRule.rules(json: json) else {
      return
    }
    for rule in rules {
      guard let again = try? DXExecutionRule(json: rule.json) else {
        preconditionFailure(
          "a parsed execution rule does not read back from its JSON form: \(rule.json.serializedString())")
      }
      precondition(again.json == rule.json, "an execution rule's JSON form changed on reading it back")
    }
    guard
      let platform = try? MockPlatform(
        configuration: MockPlatform.Configuration(
          users: [MockPlatform.User(handle: "alice", tokens: ["t"])], seed: 1, statePath: nil,
          executionRules: rules))
    else { return }
    var router = PlatformRouter()
    platform.register(into: &router)
    func call(_ path: String, _ input: DXJSON) -> DXJSON? {
      let request = DXMockRequest(method: "POST", path: path, headers: ["Host": "127.0.0.1:1"])
      guard case .found(let handler, let target, let alias, let method) = router.resolve(path: path) else {
        return nil
      }
      return try? handler(
        APICall(
          request: request, caller: "user-alice", target: target, alias: alias, method: method, input: input))
    }
    let project = call("/project/new", ["name": "p"])?["id"]?.stringValue ?? "project-x"
    let applet =
      call(
        "/applet/new",
        [
          "project": .string(project), "name": "tool", "dxapi": "1.0.0",
          "runSpec": ["interpreter": "bash", "code": "x"],
          "outputSpec": [["name": "n", "class": "int"]],
        ])?["id"]?.stringValue ?? "applet-x"
    guard let job = call("/\(applet)/run", ["project": .string(project), "input": [:]])?["id"]?.stringValue
    else { return }
    precondition(call("/\(job)/describe", [:]) != nil, "a job run under execution rules does not describe")
  }
}
