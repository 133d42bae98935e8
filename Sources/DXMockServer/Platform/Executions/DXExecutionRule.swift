import DXWire
import Foundation

/// A scripted outcome for executions: which runs it matches, how they end, their timing and log
/// lines, and when the rule applies.
///
/// The mock runs no code; without a matching rule a job becomes `done` after the server's job
/// duration with outputs made from its executable's `outputSpec`.
///
/// JSON form (the admin API `POST /__admin/executions`, `--executions FILE`):
/// ```json
/// {"id": "slow-fail",
///  "match": {"executable": "applet-*", "name": "bwa*", "app": "bwa/1.0.0", "function": "main",
///            "input": {"reads": {"$dnanexus_link": "file-…"}}},
///  "outcome": "failed", "failureReason": "AppError", "failureMessage": "out of memory",
///  "output": {"n": 3}, "durationMs": 500, "describes": 2,
///  "log": ["starting", {"level": "STDERR", "msg": "oops"}],
///  "times": 1, "skip": 0}
/// ```
/// - `match` (every field optional; absent matches everything): `executable` is a glob over the
///   executable's ID (`*` matches any run of characters), `name` a glob over its name, `app` an app
///   name with an optional `/version`, `function` the entry point, `input` a JSON subset the input
///   must contain.
/// - `outcome`: `done` (the default; with `output`, or outputs made from the `outputSpec`), `failed`
///   (with `failureReason`, default `AppError`, and `failureMessage`), or `running` (until terminated
///   or moved with `POST /__admin/jobs/{id}/state`).
/// - `durationMs`: from `runnable` to the end (default the server's job duration); `describes`: end
///   after that many describes instead, if sooner.
/// - `log`: lines the job logs when it starts running (strings are `STDOUT`).
/// - `skip` (default 0): matching runs passed over first; `times` (default unlimited): how many runs the
///   rule applies to after that. The first rule in order that applies decides.
public struct DXExecutionRule: Sendable, Hashable {
  /// The rule's ID (`exec-1`, … when the server assigns it), or `nil` before it is added.
  public internal(set) var id: String?
  /// Glob over the executable's ID, or `nil` for any.
  public var executable: String?
  /// Glob over the executable's name, or `nil` for any.
  public var name: String?
  /// An app name, optionally `name/version`, or `nil` for any executable.
  public var app: String?
  /// The entry point, or `nil` for any.
  public var function: String?
  /// A JSON subset the run's input must contain, or `nil`.
  public var input: DXJSON?
  /// `"done"`, `"failed"` or `"running"`.
  public var outcome: String
  /// The output of a `done` execution, or `nil` to make it from the output specification.
  public var output: DXJSON?
  /// The failure reason of a `failed` execution.
  public var failureReason: String
  /// The failure message of a `failed` execution.
  public var failureMessage: String
  /// Milliseconds from `runnable` to the end, or `nil` for the server's default.
  public var durationMs: Int?
  /// End after this many describes, or `nil`.
  public var describes: Int?
  /// The log lines, as JSON (`"text"` or `{"level", "msg"}`).
  public var log: [DXJSON]
  /// Matching runs passed over before the rule applies.
  public var skip: Int
  /// How many runs the rule applies to, or `nil` for no limit.
  public var times: Int?

  /// Parses a rule from its JSON form.
  /// - Parameter json: The rule object.
  /// - Throws: ``DXPlatformError`` (InvalidInput) naming the field that is wrong.
  public init(json: DXJSON) throws(DXPlatformError) {
    let input = try PlatformInput(json)
    let known: Set<String> = [
      "id", "match", "outcome", "state", "output", "failureReason", "failureMessage", "durationMs",
      "describes", "log", "times", "skip",
    ]
    for key in input.fields.keys.sorted() where !known.contains(key) {
      throw .invalidInput(
        "An execution rule has no field \"\(key)\" (fields: \(known.sorted().joined(separator: ", ")))")
    }
    if let id = try input.string("id") {
      guard !id.isEmpty, id.count <= 64,
        id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
      else { throw .invalidInput("\"id\" must be 1-64 letters, digits, '.', '_' or '-'") }
      self.id = id
    }
    if let match = try input.object("match") {
      let fields = try PlatformInput(.object(match))
      for key in fields.fields.keys.sorted()
      where !["executable", "name", "app", "function", "input"].contains(key) {
        throw .invalidInput("\"match\" has no field \"\(key)\" (executable, name, app, function, input)")
      }
      executable = try fields.string("executable")
      name = try fields.string("name")
      app = try fields.string("app")
      function = try fields.string("function")
      if let subset = fields.fields["input"], !subset.isNull {
        guard subset.objectValue != nil else { throw .invalidInput("\"match.input\" must be an object") }
        self.input = subset
      }
    }
    let state = try input.string("state")
    outcome = try input.string("outcome") ?? state ?? "done"
    guard ["done", "failed", "running"].contains(outcome) else {
      throw .invalidInput("\"outcome\" must be done, failed or running, not \"\(outcome)\"")
    }
    if let value = input.fields["output"], !value.isNull {
      guard value.objectValue != nil else { throw .invalidInput("\"output\" must be an object") }
      output = value
    }
    failureReason = try input.string("failureReason") ?? "AppError"
    failureMessage = try input.string("failureMessage") ?? "The job failed (scripted by an execution rule)"
    // Bounded: the duration is added to the clock, the describes count is counted up to.
    durationMs = try input.int("durationMs", in: 0...PlatformLimits.maxDurationMs)
    describes = try input.int("describes", in: 1...PlatformLimits.maxCount)
    log = []
    if let value = input.fields["log"], !value.isNull {
      guard let lines = value.arrayValue else { throw .invalidInput("\"log\" must be an array of lines") }
      for line in lines {
        guard line.stringValue != nil || line["msg"]?.stringValue != nil else {
          throw .invalidInput("Each \"log\" line must be a string or an object with a string \"msg\"")
        }
      }
      log = lines
    }
    skip = try input.int("skip") ?? 0
    guard skip >= 0 else { throw .invalidInput("\"skip\" must not be negative") }
    times = try input.int("times")
    if let times, times < 0 { throw .invalidInput("\"times\" must not be negative") }
  }

  /// The rules in a JSON file: an array of rules or `{"rules": […]}`.
  /// - Parameter path: The file.
  /// - Throws: ``DXPlatformError`` when the file cannot be read or a rule is invalid.
  public static func rules(contentsOfFile path: String) throws(DXPlatformError) -> [DXExecutionRule] {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .invalidInput("Cannot read the executions file \(path): \(error.localizedDescription)")
    }
    let json: DXJSON
    do {
      json = try DXJSON(parsing: data)
    } catch {
      throw .malformedJSON("\(path) is not valid JSON: \(error)")
    }
    return try rules(json: json)
  }

  /// The rules in a JSON value: one rule, an array of rules, or `{"rules": […]}`.
  /// - Parameter json: The value.
  /// - Throws: ``DXPlatformError`` (InvalidInput) for an invalid rule.
  public static func rules(json: DXJSON) throws(DXPlatformError) -> [DXExecutionRule] {
    if let list = json["rules"]?.arrayValue ?? json.arrayValue {
      var rules: [DXExecutionRule] = []
      for (position, element) in list.enumerated() {
        do throws(DXPlatformError) {
          rules.append(try DXExecutionRule(json: element))
        } catch {
          var prefixed = error
          prefixed.message = "rule \(position): \(error.message)"
          throw prefixed
        }
      }
      return rules
    }
    return [try DXExecutionRule(json: json)]
  }

  /// The rule's JSON form.
  public var json: DXJSON {
    var match: [String: DXJSON] = [:]
    if let executable { match["executable"] = .string(executable) }
    if let name { match["name"] = .string(name) }
    if let app { match["app"] = .string(app) }
    if let function { match["function"] = .string(function) }
    if let input { match["input"] = input }
    var object: [String: DXJSON] = [
      "match": .object(match), "outcome": .string(outcome), "skip": .integer(skip),
      "times": times.map(DXJSON.integer) ?? .null, "log": .array(log),
    ]
    if let id { object["id"] = .string(id) }
    if let output { object["output"] = output }
    if outcome == "failed" {
      object["failureReason"] = .string(failureReason)
      object["failureMessage"] = .string(failureMessage)
    }
    if let durationMs { object["durationMs"] = .integer(durationMs) }
    if let describes { object["describes"] = .integer(describes) }
    return .object(object)
  }

  /// Whether a run described by `subject` matches (the schedule aside).
  func matches(_ subject: ExecutionSubject) -> Bool {
    if let executable, !PathGlob(executable).matches(subject.executable) { return false }
    if let name, !PathGlob(name).matches(subject.executableName) { return false }
    if let app {
      guard let appName = subject.appName else { return false }
      let parts = app.split(separator: "/", maxSplits: 1).map(String.init)
      if parts[0] != appName { return false }
      if parts.count == 2, parts[1] != subject.appVersion { return false }
    }
    if let function, function != subject.function { return false }
    if let input, !Self.contains(subject.input, input) { return false }
    return true
  }

  /// Whether `value` contains `subset`: objects member by member, everything else by equality.
  static func contains(_ value: DXJSON, _ subset: DXJSON) -> Bool {
    guard let wanted = subset.objectValue else { return value == subset }
    guard let members = value.objectValue else { return false }
    for (key, expected) in wanted {
      guard let actual = members[key], contains(actual, expected) else { return false }
    }
    return true
  }

  /// The plan for a matching run; `defaultDuration` when the rule gives none.
  func plan(defaultDuration: Int, defaultDescribes: Int?, now: Int) -> ExecutionPlan {
    var plan = ExecutionPlan(
      durationMs: durationMs ?? defaultDuration, describes: describes ?? defaultDescribes)
    plan.outcome = ExecutionPlan.Outcome(rawValue: outcome) ?? .done
    plan.output = output
    plan.failureReason = failureReason
    plan.failureMessage = failureMessage
    plan.rule = id
    plan.log = log.map { line in
      ExecutionLogLine(
        timestamp: now, source: "APP", level: line["level"]?.stringValue ?? "STDOUT",
        msg: line.stringValue ?? line["msg"]?.stringValue ?? "")
    }
    return plan
  }
}

/// What rules match a run against.
struct ExecutionSubject: Sendable {
  var executable: String
  var executableName: String
  var appName: String?
  var appVersion: String?
  var function: String
  var input: DXJSON
}
