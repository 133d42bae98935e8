import DXWire
import Foundation

/// The mock server's admin API under `/__admin/`: fault rules, the request journal, reset and health.
///
/// | route | methods |
/// |---|---|
/// | `/__admin/faults` | `GET` lists the rules with their counters (`{"faults":[…]}`); `POST` adds a rule (a rule object, `{"spec":"…"}`, a JSON spec string, an array of rules, `{"faults":[…]}`, or `text/plain` spec lines) and answers **201 Created** with the rule (or `{"faults":[…]}` for several) including its `id`; `DELETE` removes every rule (`{"removed":N}`) |
/// | `/__admin/faults/{id}` | `GET` one rule; `DELETE` removes it (`{"removed":1,"id":…}`); 404 ResourceNotFound when unknown |
/// | `/__admin/requests` | `GET` the journal, oldest first (`{"requests":[…]}`; optional query `method`, `path` (glob), `status`, `limit` (the newest N)); `DELETE` clears it (`{"removed":N}`) |
/// | `/__admin/requests/{id}` | `GET` one journal entry; 404 when dropped or unknown |
/// | `/__admin/stubs` | `GET` lists the stubs in the order tried; `POST` adds a stub, an array or `{"stubs":[…]}` (201); `DELETE` removes every stub |
/// | `/__admin/stubs/{id}` | `GET` one stub; `DELETE` removes it |
/// | `/__admin/scenarios` | `GET` every scenario's state (`{"scenarios":{"name":"state"}}`); `POST /__admin/scenarios/reset` puts all back in `Started`; `PUT /__admin/scenarios/{name}` with `{"state":…}` sets one |
/// | `/__admin/verify` | `GET` the retry-contract report of the journal (`{"ok":…,"operations":…,"requests":…,"violations":[…]}`; query `maxRetries`, `timeScale`, `toleranceMs`) |
/// | `/__admin/reset` | `POST` restores the platform's initial state, the start-up fault rules (fresh counters, IDs from `fault-1`) and an empty journal |
/// | `/__admin/health` | `GET` `{"status":"ok","uptimeMs":…,"requests":…,"journalEntries":…,"journalCapacity":…,"faultRules":…,"seed":…}` |
///
/// `HEAD` is answered like `GET`. Errors use the platform's error body: a wrong method gets 405
/// (type `InvalidInput`, with an `Allow` header), an unknown admin path 404 `ResourceNotFound`, a body
/// that is not JSON 400 `MalformedJSON`, an invalid rule or stub 400 `InvalidInput` naming the field, and a
/// platform reset that fails 500 `InternalError`.
struct AdminAPI: Sendable {
  /// The path prefix every admin route starts with.
  static let prefix = "/__admin"

  let faults: FaultEngine
  let journal: RequestJournal
  let stubs: StubEngine
  private let resetPlatform: @Sendable () throws -> Void
  /// More admin routes by first path segment (e.g. `executions`, `jobs`): each gets the request, the
  /// path segments after `/__admin/` and the upper-case method.
  private let mounts: [String: @Sendable (DXMockRequest, [String], String) -> DXMockResponse]
  private let clock: @Sendable () -> Int64
  private let startedAt: Int64

  /// Creates the admin API over a server's fault engine and journal.
  /// - Parameters:
  ///   - faults: The server's fault rules.
  ///   - journal: The server's request journal.
  ///   - clock: Milliseconds since 1970 (for the uptime); default the system clock.
  ///   - resetPlatform: Restores the platform's initial state (called by `POST /__admin/reset`).
  ///   - mounts: More admin routes by their first path segment; default none.
  init(
    faults: FaultEngine, journal: RequestJournal, stubs: StubEngine = StubEngine(),
    clock: @escaping @Sendable () -> Int64 = RequestJournal.systemClock,
    resetPlatform: @escaping @Sendable () throws -> Void,
    mounts: [String: @Sendable (DXMockRequest, [String], String) -> DXMockResponse] = [:]
  ) {
    self.mounts = mounts
    self.faults = faults
    self.journal = journal
    self.stubs = stubs
    self.clock = clock
    self.resetPlatform = resetPlatform
    self.startedAt = clock()
  }

  /// Whether `path` belongs to the admin API (`/__admin` or anything under `/__admin/`); such a path
  /// is never a platform route.
  static func isAdminPath(_ path: String) -> Bool {
    HTTPPath.secondByte(path) == UInt8(ascii: "_") && path.hasPrefix(prefix)
      && (path.utf8.count == prefix.utf8.count || path.dropFirst(prefix.count).hasPrefix("/"))
  }

  /// Answers an admin request (one whose path ``isAdminPath(_:)``).
  func handle(_ request: DXMockRequest) -> DXMockResponse {
    var parts = request.path.dropFirst(Self.prefix.count).split(
      separator: "/", omittingEmptySubsequences: false
    )
    .map(String.init)
    if parts.first == "" { parts.removeFirst() }
    if parts.last == "" { parts.removeLast() }
    let method = request.method.uppercased() == "HEAD" ? "GET" : request.method.uppercased()
    switch (parts.first, parts.count) {
    case ("faults", 1):
      switch method {
      case "GET": return listFaults()
      case "POST": return addFaults(request)
      case "DELETE": return .json(["removed": .integer(faults.clear())])
      default: return Self.methodNotAllowed(request, allowed: ["GET", "POST", "DELETE"])
      }
    case ("faults", 2):
      let id = parts[1]
      switch method {
      case "GET":
        guard let state = faults.rule(id: id) else { return unknownRule(id) }
        return .json(state.json)
      case "DELETE":
        guard faults.remove(id: id) else { return unknownRule(id) }
        return .json(["removed": 1, "id": .string(id)])
      default: return Self.methodNotAllowed(request, allowed: ["GET", "DELETE"])
      }
    case ("requests", 1):
      switch method {
      case "GET": return listRequests(request)
      case "DELETE": return .json(["removed": .integer(journal.clear())])
      default: return Self.methodNotAllowed(request, allowed: ["GET", "DELETE"])
      }
    case ("requests", 2):
      guard method == "GET" else { return Self.methodNotAllowed(request, allowed: ["GET"]) }
      guard let id = Int(parts[1]), let entry = journal.entry(id: id) else {
        return .error(.resourceNotFound("No journal entry \(parts[1]) (it may have been dropped or cleared)"))
      }
      return .json(entry.json)
    case ("stubs", 1):
      switch method {
      case "GET": return .json(["stubs": .array(stubs.stubs.map(\.json))])
      case "POST": return addStubs(request)
      case "DELETE": return .json(["removed": .integer(stubs.clear())])
      default: return Self.methodNotAllowed(request, allowed: ["GET", "POST", "DELETE"])
      }
    case ("stubs", 2):
      let id = parts[1]
      switch method {
      case "GET":
        guard let stub = stubs.stub(id: id) else {
          return .error(.resourceNotFound("No stub has the ID \"\(id)\""))
        }
        return .json(stub.json)
      case "DELETE":
        guard stubs.remove(id: id) else { return .error(.resourceNotFound("No stub has the ID \"\(id)\"")) }
        return .json(["removed": 1, "id": .string(id)])
      default: return Self.methodNotAllowed(request, allowed: ["GET", "DELETE"])
      }
    case ("scenarios", 1):
      guard method == "GET" else { return Self.methodNotAllowed(request, allowed: ["GET"]) }
      return .json(["scenarios": .object(stubs.scenarios.mapValues { .string($0) })])
    case ("scenarios", 2) where parts[1] == "reset":
      guard method == "POST" else { return Self.methodNotAllowed(request, allowed: ["POST"]) }
      stubs.resetScenarios()
      return .json(["scenarios": .object(stubs.scenarios.mapValues { .string($0) })])
    case ("scenarios", 2):
      guard method == "PUT" || method == "POST" else {
        return Self.methodNotAllowed(request, allowed: ["PUT"])
      }
      return setScenario(parts[1], request)
    case ("verify", 1):
      guard method == "GET" else { return Self.methodNotAllowed(request, allowed: ["GET"]) }
      return verify(request)
    case ("reset", 1):
      guard method == "POST" else { return Self.methodNotAllowed(request, allowed: ["POST"]) }
      return reset()
    case ("health", 1):
      guard method == "GET" else { return Self.methodNotAllowed(request, allowed: ["GET"]) }
      return health()
    default:
      if let first = parts.first, let mount = mounts[first] { return mount(request, parts, method) }
      return .error(
        .resourceNotFound(
          "The admin route \(request.path) does not exist (routes: /__admin/faults, /__admin/faults/{id}, "
            + "/__admin/requests, /__admin/requests/{id}, /__admin/stubs, /__admin/stubs/{id}, "
            + "/__admin/scenarios, /__admin/scenarios/reset, /__admin/scenarios/{name}, /__admin/verify, "
            + "/__admin/reset, /__admin/health)"))
    }
  }

  // MARK: - Faults

  private func listFaults() -> DXMockResponse {
    .json(["faults": .array(faults.rules.map(\.json))])
  }

  private func unknownRule(_ id: String) -> DXMockResponse {
    .error(.resourceNotFound("No fault rule has the ID \"\(id)\""))
  }

  private func addFaults(_ request: DXMockRequest) -> DXMockResponse {
    let parsed: (rules: [DXFaultRule], single: Bool)
    do {
      parsed = try Self.parseRules(request)
    } catch {
      return .error(Self.ruleError(error))
    }
    let ids = faults.add(contentsOf: parsed.rules)
    let states = ids.compactMap { faults.rule(id: $0) }
    if parsed.single, let state = states.first {
      var response = DXMockResponse.json(state.json, status: 201)
      response.headers.add(name: "Location", value: "\(Self.prefix)/faults/\(state.id)")
      return response
    }
    return .json(["faults": .array(states.map(\.json))], status: 201)
  }

  /// The rules in a `POST /__admin/faults` body, and whether it held a single rule.
  static func parseRules(_ request: DXMockRequest) throws(DXFaultRule.ParseError) -> (
    rules: [DXFaultRule], single: Bool
  ) {
    let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
    if contentType.hasPrefix("text/plain") {
      guard let text = String(data: request.body, encoding: .utf8) else {
        throw .invalid("The fault specs must be UTF-8 text")
      }
      let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") }
      guard !lines.isEmpty else {
        throw .invalid("The body has no fault spec; \(usage)")
      }
      var rules: [DXFaultRule] = []
      for line in lines { rules.append(try DXFaultRule(spec: line)) }
      return (rules, rules.count == 1)
    }
    if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      throw .invalid("The body is empty; \(usage)")
    }
    let json: DXJSON
    do {
      json = try DXJSON(parsing: request.body)
    } catch {
      throw DXFaultRule.ParseError(.malformedJSON, "The body is not valid JSON: \(error.description)")
    }
    switch json {
    case .array:
      return (try DXFaultRule.rules(json: json), false)
    case .object(let members) where members["faults"] != nil:
      return (try DXFaultRule.rules(json: json), false)
    case .object:
      return ([try DXFaultRule(json: json)], true)
    case .string(let spec):
      return ([try DXFaultRule(spec: spec)], true)
    default:
      throw .invalid(
        "A fault rule must be a JSON object, got \(FaultJSONFields.describe(json)); \(usage)")
    }
  }

  private static let usage =
    #"send a rule such as {"match":{"method":"POST","path":"/system/whoami"},"fault":{"type":"status","status":503},"times":2}"#

  // MARK: - Stubs and scenarios

  private func addStubs(_ request: DXMockRequest) -> DXMockResponse {
    let parsed: [DXStub]
    let single: Bool
    do throws(DXFaultRule.ParseError) {
      let json: DXJSON
      do {
        json = try DXJSON(parsing: request.body)
      } catch {
        throw DXFaultRule.ParseError(.malformedJSON, "The body is not valid JSON: \(error.description)")
      }
      single = json.arrayValue == nil && json["stubs"] == nil
      parsed = try DXStub.stubs(json: json)
    } catch {
      return .error(Self.ruleError(error))
    }
    let added = stubs.add(contentsOf: parsed)
    if single, let stub = added.first {
      var response = DXMockResponse.json(stub.json, status: 201)
      response.headers.add(name: "Location", value: "\(Self.prefix)/stubs/\(stub.id ?? "")")
      return response
    }
    return .json(["stubs": .array(added.map(\.json))], status: 201)
  }

  private func setScenario(_ name: String, _ request: DXMockRequest) -> DXMockResponse {
    guard let json = try? DXJSON(parsing: request.body), let state = json["state"]?.stringValue,
      !state.isEmpty,
      state.count <= 128
    else {
      return .error(
        DXPlatformError(
          type: "InvalidInput", message: "state must be a non-empty string, e.g. {\"state\":\"done\"}",
          status: 400))
    }
    guard stubs.setScenario(name, to: state) else {
      return .error(.resourceNotFound("No scenario is named \"\(name)\""))
    }
    return .json(["scenario": .string(name), "state": .string(state)])
  }

  // MARK: - Retry contract

  /// The verifier's report on `journal`.
  static func verify(_ journal: RequestJournal, _ contract: DXRetryContract) -> DXRetryContractReport {
    let attempts = journal.attempts()
    let (violations, operations) = RetryContractVerifier(contract: contract).verify(attempts)
    return DXRetryContractReport(violations: violations, operations: operations, attempts: attempts.count)
  }

  /// `GET /__admin/verify[?maxRetries=N&timeScale=F&toleranceMs=N]`.
  private func verify(_ request: DXMockRequest) -> DXMockResponse {
    var contract = DXRetryContract.dxpy
    for (name, value) in request.query {
      switch name {
      case "maxRetries":
        guard let number = Int(value), (0...1000).contains(number) else {
          return Self.badQuery(name, value, "an integer from 0 to 1000")
        }
        contract.maxRetries = number
      case "timeScale":
        guard let number = Double(value), number.isFinite, number > 0, number <= 1_000_000 else {
          return Self.badQuery(name, value, "a number more than 0 and at most 1000000")
        }
        contract.timeScale = number
      case "toleranceMs":
        guard let number = Int(value), (0...86_400_000).contains(number) else {
          return Self.badQuery(name, value, "an integer from 0 to 86400000 (a day)")
        }
        contract.toleranceMs = number
      default:
        return .error(
          DXPlatformError(
            type: "InvalidInput",
            message: "\(name) is not a known query argument (maxRetries, timeScale, toleranceMs)",
            status: 400))
      }
    }
    return .json(Self.verify(journal, contract).json)
  }

  private static func badQuery(_ name: String, _ value: String, _ what: String) -> DXMockResponse {
    .error(
      DXPlatformError(type: "InvalidInput", message: "\(name) must be \(what), got \"\(value)\"", status: 400)
    )
  }

  /// The platform's error for a bad rule or stub: 400 naming the field (`MalformedJSON` for a body
  /// that is not JSON, `InvalidInput` otherwise).
  static func ruleError(_ error: DXFaultRule.ParseError) -> DXPlatformError {
    switch error.kind {
    case .malformedJSON: return .malformedJSON(error.message)
    default: return DXPlatformError(type: "InvalidInput", message: error.message, status: 400)
    }
  }

  // MARK: - Journal

  private func listRequests(_ request: DXMockRequest) -> DXMockResponse {
    var entries = journal.entries()
    if let method = request.queryValue("method"), !method.isEmpty {
      entries = entries.filter { $0.method.caseInsensitiveCompare(method) == .orderedSame }
    }
    if let path = request.queryValue("path"), !path.isEmpty {
      let glob = PathGlob(path)
      entries = entries.filter { glob.matches($0.path) }
    }
    if let text = request.queryValue("status") {
      guard let status = Int(text) else {
        return .error(.invalidInput("The query argument status must be an integer, got \"\(text)\""))
      }
      entries = entries.filter { $0.status == status }
    }
    if let text = request.queryValue("limit") {
      guard let limit = Int(text), limit >= 0 else {
        return .error(
          .invalidInput("The query argument limit must be a non-negative integer, got \"\(text)\""))
      }
      entries = Array(entries.suffix(limit))
    }
    return .json(["requests": .array(entries.map(\.json))])
  }

  // MARK: - Reset and health

  private func reset() -> DXMockResponse {
    var failure: String?
    do {
      try resetPlatform()
    } catch {
      failure = "\(error)"
    }
    faults.reset()
    stubs.reset()
    journal.reset()
    if let failure {
      return .error(.internalError("The platform state could not be reset: \(failure)"))
    }
    return .json(["status": "reset", "faultRules": .integer(faults.count)])
  }

  private func health() -> DXMockResponse {
    .json([
      "status": "ok",
      "uptimeMs": .integer(Int(max(0, clock() - startedAt))),
      "requests": .integer(journal.totalReceived),
      "journalEntries": .integer(journal.count),
      "journalCapacity": .integer(journal.capacity),
      "faultRules": .integer(faults.count),
      "seed": .string(String(faults.seed)),
    ])
  }

  /// 405 with the platform's error body and an `Allow` header listing `allowed`.
  static func methodNotAllowed(_ request: DXMockRequest, allowed: [String]) -> DXMockResponse {
    let list = allowed.joined(separator: ", ")
    var response = DXMockResponse.error(
      DXPlatformError(
        type: "InvalidInput",
        message: "The method \(request.method) is not allowed on \(request.path); use \(list)",
        status: 405))
    response.headers.add(name: "Allow", value: list)
    return response
  }
}
