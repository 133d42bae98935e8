import DXCore
import DXKitTesting
import Foundation
import Testing

/// One line of `scripts/dxpy-api-routes.tsv`, read independently of the generator.
struct RouteRow: Sendable, CustomStringConvertible {
  var pythonName: String
  var template: String
  var alwaysRetry: Bool
  var nonce: Bool
  var description: String { pythonName }

  static let all: [RouteRow] = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/dxpy-api-routes.tsv").path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line -> RouteRow? in
      guard !line.hasPrefix("#") else { return nil }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 6 else { return nil }
      return RouteRow(
        pythonName: fields[0], template: fields[3], alwaysRetry: fields[4] == "True",
        nonce: fields[5] == "nonce")
    }
  }()

  /// The path the wrapper must request for `id` and `alias`.
  func expectedPath(id: String, alias: String?) -> String {
    var path = template.replacingOccurrences(of: "{object_id}", with: id)
      .replacingOccurrences(of: "{app_name_or_id}", with: id).replacingOccurrences(
        of: "{name_or_id}", with: id)
    path = path.replacingOccurrences(of: "[/{alias}]", with: alias.map { "/\($0)" } ?? "")
    return path
  }

  var swiftName: String {
    let parts = pythonName.split(separator: "_")
    return parts.enumerated().map {
      $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst()
    }
    .joined()
  }
}

@Suite("Wrapper — the 208 generated API wrappers")
struct WrapperTests {
  static var nonceShape: Regex<Substring> { /[0-9a-f]{64}\d+\.\d{6}/ }

  @Test("the table matches the TSV: 208 routes, 192 retrying by default, 12 with a nonce")
  func counts() throws {
    #expect(RouteRow.all.count == 208)
    #expect(DXAPIRoute.all.count == 208)
    #expect(DXAPIRoute.all.filter(\.alwaysRetry).count == 192)
    #expect(DXAPIRoute.all.filter(\.addsNonce).count == 12)
    #expect(DXAPIRoute.all.filter { $0.shape == .classMethod }.count == 34)
    #expect(DXAPIRoute.all.filter { $0.shape == .objectMethod }.count == 138)
    #expect(DXAPIRoute.all.filter { $0.shape == .aliasedMethod }.count == 36)
    #expect(Set(DXAPIRoute.all.map(\.swiftName)).count == 208)
  }

  @Test(
    "every wrapper: name, path shape, POST of the input, alwaysRetry default, nonce", arguments: RouteRow.all)
  func wrapper(_ row: RouteRow) async throws {
    let route = try #require(DXAPIRoute.all.first { $0.pythonName == row.pythonName })
    #expect(route.swiftName == row.swiftName)
    #expect(route.alwaysRetry == row.alwaysRetry)
    #expect(route.addsNonce == row.nonce)
    #expect(route.pathTemplate == row.template)

    // A read timeout is retried only when alwaysRetry holds, so the attempt count shows the default.
    let aliases: [String?] = route.shape == .aliasedMethod ? [nil, "1.0.0"] : [nil]
    for alias in aliases {
      let transport = ScriptedTransport([.fail(.readTimeout("slow"))])
      let client = testClient(transport)
      let id = route.shape == .aliasedMethod ? "app-foo" : "record-aB3456789012345678901234"
      let call = { try await route.invoke(client, id, alias, ["k": "v"], DXRequestOptions()) }
      if row.alwaysRetry {
        #expect(try await call() == .json(["ok": true]))
      } else {
        await #expect(throws: DXTransportError.self) { try await call() }
      }
      let requests = transport.requests
      #expect(requests.count == (row.alwaysRetry ? 2 : 1))
      for request in requests {
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9" + row.expectedPath(id: id, alias: alias))
        #expect(request.headers["Content-Type"] == "application/json")
        let body = try DXJSON(parsing: request.body)
        #expect(body["k"] == "v")
        if row.nonce {
          let nonce = try #require(body["nonce"]?.stringValue)
          #expect(nonce.wholeMatch(of: Self.nonceShape) != nil)
          #expect(nonce.count <= 128)
        } else {
          #expect(body["nonce"] == nil)
        }
      }
      if row.nonce, requests.count == 2 {
        #expect(try DXJSON(parsing: requests[0].body)["nonce"] == DXJSON(parsing: requests[1].body)["nonce"])
      }
    }
  }

  @Test("named wrappers: class, object and aliased shapes")
  func namedWrappers() async throws {
    let transport = ScriptedTransport([])
    let client = testClient(transport)
    try await client.systemWhoami()
    try await client.fileDescribe("file-x", ["fields": ["state": true]])
    try await client.appRun("app-bwa", alias: "1.2.3", ["input": [:]])
    try await client.globalWorkflowDescribe("globalworkflow-y")
    try await client.appDescribe("app-z", alias: "")
    #expect(
      transport.requests.map { URL(string: $0.url)?.path ?? "" } == [
        "/system/whoami", "/file-x/describe", "/app-bwa/1.2.3/run", "/globalworkflow-y/describe",
        "/app-z/describe",
      ])
  }

  @Test("a caller's nonce is kept; an empty one is replaced; each call gets a new one")
  func nonceRules() async throws {
    let transport = ScriptedTransport([])
    let client = testClient(transport)
    try await client.recordNew(["project": "project-p", "nonce": "mine"])
    try await client.recordNew(["nonce": ""])
    try await client.recordNew([:])
    let nonces = try transport.requests.map { try DXJSON(parsing: $0.body)["nonce"]?.stringValue }
    #expect(nonces[0] == "mine")
    #expect(nonces[1]?.wholeMatch(of: Self.nonceShape) != nil)
    #expect(nonces[2]?.wholeMatch(of: Self.nonceShape) != nil)
    #expect(nonces[1] != nonces[2])
    await #expect(throws: DXError.self) { try await client.recordNew([1, 2]) }
  }

  @Test("options pass through: headers, timeout, maxRetries, wantFullResponse")
  func options() async throws {
    let transport = ScriptedTransport([], then: .respond(.platformError("InternalError", status: 500)))
    let client = testClient(transport)
    await #expect(throws: DXAPIError.self) {
      try await client.systemWhoami(
        options: DXRequestOptions(headers: ["X-Trace": "1"], timeout: .seconds(3), maxRetries: 1))
    }
    #expect(transport.requests.count == 2)
    #expect(transport.requests[0].headers["X-Trace"] == "1")
    #expect(transport.requests[0].timeout == .seconds(3))
    let full = ScriptedTransport([])
    let response = try await testClient(full).systemWhoami(options: DXRequestOptions(wantFullResponse: true))
    guard case .full(let whole) = response else {
      Issue.record("expected the full response")
      return
    }
    #expect(whole.status == 200)
  }

  @Test("nonce format: 64 lowercase hex + %f time, at most 128 characters")
  func nonceFormat() {
    let clock = DXTestClock(start: Date(timeIntervalSince1970: 1_795_764_543.977109))
    let nonce = DXNonce.make(random: DXTestRandomSource(.lowest), clock: clock)
    #expect(nonce.wholeMatch(of: Self.nonceShape) != nil)
    #expect(nonce.hasSuffix("1795764543.977109"))
    #expect(nonce.count == 81)
  }
}
