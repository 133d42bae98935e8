import DXCassette
import DXCore
import Foundation
import Testing

@testable import DXMockServer
@testable import DXMockServerCassettes

/// A per-test temporary directory, removed afterwards.
func withServerCassetteDirectory<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dx-server-cassette-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try await body(directory.path)
}

/// A loopback server on port 0 with `backend` (or the platform), always stopped.
func withCassetteServer<T: Sendable>(
  backend: (any DXMockBackend)?, _ body: (DXMockServer) async throws -> T
) async throws -> T {
  var configuration = DXMockServer.Configuration()
  configuration.threads = 2
  configuration.shutdownGracePeriod = 2
  configuration.seed = 1
  configuration.backend = backend
  return try await DXMockServer.withRunning(configuration, body)
}

/// Runs `body` with a record backend and always shuts the backend's upstream client down, also when
/// `body` throws (a client left running trips async-http-client's deinit check and ends the process).
func withRecordBackend<T: Sendable>(
  _ backend: @autoclosure () throws -> DXCassetteRecordBackend,
  _ body: (DXCassetteRecordBackend) async throws -> T
) async throws -> T {
  let backend = try backend()
  do {
    let result = try await body(backend)
    await backend.shutdown()
    return result
  } catch {
    await backend.shutdown()
    throw error
  }
}

/// The outcome of one exchange, comparable across runs.
enum ServerCassetteOutcome: Equatable, CustomStringConvertible {
  case response(status: Int, body: Data, end: DXTransportResponse.BodyEnd)
  case failure(DXTransportError.Kind)

  var description: String {
    switch self {
    case .response(let status, let body, let end):
      return "\(status) \(end) \(String(decoding: body, as: UTF8.self))"
    case .failure(let kind): return "failure \(kind)"
    }
  }
}

extension DXLiveTransport {
  /// Sends and reduces the result to an outcome (bounded by a 10 s timeout).
  func outcome(
    _ method: String, _ url: String, body: String = "{}",
    token: String? = DXMockServer.Configuration.defaultToken
  )
    async throws -> ServerCassetteOutcome
  {
    var headers: DXHTTPHeaders = ["Content-Type": "application/json"]
    if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
    let request = DXTransportRequest(
      method: method, url: url, headers: headers, body: Data(body.utf8), timeout: .seconds(10))
    do {
      let response = try await send(request)
      return .response(status: response.status, body: response.body, end: response.bodyEnd)
    } catch let error as DXTransportError {
      return .failure(error.kind)
    }
  }

  /// Sends and returns the response (throws on no response).
  func json(_ method: String, _ url: String, body: String = "{}", bodyData: Data? = nil) async throws -> (
    Int, DXJSON?, Data
  ) {
    let request = DXTransportRequest(
      method: method, url: url,
      headers: [
        "Content-Type": "application/json",
        "Authorization": "Bearer \(DXMockServer.Configuration.defaultToken)",
      ],
      body: bodyData ?? Data(body.utf8), timeout: .seconds(10))
    let response = try await send(request)
    return (response.status, try? DXJSON(parsing: response.body), response.body)
  }
}

@Suite("Server cassette replay and record")
struct ServerCassetteTests {
  /// Six attempts at whoami, one per fault kind, then a success.
  static func faultCassette(_ path: String) throws {
    let cassette = try DXCassette(path: path, access: .create)
    defer { cassette.close() }
    let whoami = DXTransportRequest(
      method: "POST", url: "http://127.0.0.1:1/system/whoami",
      headers: ["Authorization": "Bearer recorded-token-1"],
      body: Data("{}".utf8))
    let outcomes: [DXCassetteInteraction.Outcome] = [
      .response(
        DXTransportResponse(
          status: 503, headers: ["Content-Type": "application/json", "Retry-After": "2"],
          body: Data(#"{"error":{"type":"ServiceUnavailable","message":"down"}}"#.utf8))),
      .response(
        DXTransportResponse(
          status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"us"#.utf8),
          bodyEnd: .truncated(declared: 19, received: 9))),
      .response(
        DXTransportResponse(
          status: 200, headers: ["Content-Type": "application/json"], body: Data("not json at all".utf8),
          bodyEnd: .closeDelimited)),
      .failure(.connectionReset("reset by peer")),
      .failure(.noResponse("closed")),
      .response(
        DXTransportResponse(
          status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"user-alice"}"#.utf8)
        )),
    ]
    try cassette.append(contentsOf: outcomes.map { DXCassetteInteraction(request: whoami, outcome: $0) })
  }

  @Test("--replay puts every recorded fault kind on the wire, in order, then explains misses with 404")
  func replayFaults() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/faults.dxcassette"
      try Self.faultCassette(path)
      let usage = directory + "/usage.log"
      let backend = try DXCassetteReplayBackend(cassettePath: path, options: .init(usageLogPath: usage))
      defer { backend.close() }
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          let url = server.baseURL + "/system/whoami"
          // Another token than the recorded one: the Authorization header is not matched.
          var outcomes: [ServerCassetteOutcome] = []
          for _ in 0..<6 { outcomes.append(try await client.outcome("POST", url, token: "another-token-2")) }
          #expect(
            outcomes == [
              .response(
                status: 503, body: Data(#"{"error":{"type":"ServiceUnavailable","message":"down"}}"#.utf8),
                end: .complete),
              .response(
                status: 200, body: Data(#"{"id":"us"#.utf8), end: .truncated(declared: 19, received: 9)),
              .response(status: 200, body: Data("not json at all".utf8), end: .closeDelimited),
              .failure(.connectionReset),
              .failure(.noResponse),
              .response(status: 200, body: Data(#"{"id":"user-alice"}"#.utf8), end: .complete),
            ])
          // Everything was played: a seventh attempt is a miss that says so.
          let (status, json, _) = try await client.json("POST", url)
          #expect(status == 404)
          #expect(json?["error"]?["type"] == "ResourceNotFound")
          #expect(json?["error"]?["message"]?.stringValue?.contains("already played") == true)
          #expect(json?["error"]?["details"]?["reason"] == "alreadyPlayed")
          // An unknown request: the nearest candidate and the field-level diff.
          let (missStatus, miss, _) = try await client.json(
            "POST", server.baseURL + "/system/whoami", body: #"{"fields":1}"#)
          #expect(missStatus == 404)
          let message = miss?["error"]?["message"]?.stringValue ?? ""
          #expect(message.contains("no recorded interaction matches POST /system/whoami"), "\(message)")
          #expect(message.contains("nearest candidate"), "\(message)")
          #expect(
            miss?["error"]?["details"]?["differences"]?.arrayValue?.first?["field"]?.stringValue?.hasPrefix(
              "body") == true)
        }
      }
      let log = try String(contentsOfFile: usage, encoding: .utf8)
      #expect(log == "1\n2\n3\n4\n5\n6\n")
    }
  }

  @Test("--replay holds a recorded timeout for the recorded wait, so the client times out again")
  func replayTimeout() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/timeout.dxcassette"
      let cassette = try DXCassette(path: path, access: .create)
      try cassette.append(
        DXCassetteInteraction(
          request: DXTransportRequest(method: "POST", url: "http://h/system/whoami", body: Data("{}".utf8)),
          outcome: .failure(.readTimeout("no answer in 0.3 s")), duration: .milliseconds(300)))
      cassette.close()
      let backend = try DXCassetteReplayBackend(cassettePath: path)
      defer { backend.close() }
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          let request = DXTransportRequest(
            method: "POST", url: server.baseURL + "/system/whoami", body: Data("{}".utf8),
            timeout: .milliseconds(300))
          do {
            _ = try await client.send(request)
            Issue.record("expected a timeout")
          } catch let error as DXTransportError {
            #expect(error.kind == .readTimeout, "\(error)")
          }
        }
      }
    }
  }

  @Test("--allow-repeats answers with the last attempt again; --ignore-field leaves a volatile field out")
  func replayOptions() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/options.dxcassette"
      let cassette = try DXCassette(path: path, access: .create)
      try cassette.append(
        DXCassetteInteraction(
          request: DXTransportRequest(
            method: "POST", url: "http://h/system/findProjects", body: Data(#"{"limit":5,"stamp":1}"#.utf8)),
          outcome: .response(DXTransportResponse(status: 200, body: Data(#"{"results":[]}"#.utf8)))))
      cassette.close()
      let backend = try DXCassetteReplayBackend(
        cassettePath: path, options: .init(ignoredBodyFields: ["stamp"], allowRepeats: true))
      defer { backend.close() }
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          for stamp in 2...4 {
            let (status, json, _) = try await client.json(
              "POST", server.baseURL + "/system/findProjects", body: #"{"stamp":\#(stamp),"limit":5}"#)
            #expect(status == 200 && json?["results"] == [])
          }
          let (status, _, _) = try await client.json(
            "POST", server.baseURL + "/system/findProjects", body: #"{"stamp":2,"limit":6}"#)
          #expect(status == 404)
        }
      }
    }
  }

  @Test("the replay backend refuses a missing or foreign cassette with a clear error")
  func replayBadCassette() async throws {
    try await withServerCassetteDirectory { directory in
      #expect {
        try DXCassetteReplayBackend(cassettePath: directory + "/none.dxcassette")
      } throws: { error in
        "\(error)".contains("none.dxcassette") && "\(error)".contains("no such cassette")
      }
      let text = directory + "/text.dxcassette"
      try Data(String(repeating: "hello\n", count: 200).utf8).write(to: URL(fileURLWithPath: text))
      #expect(throws: DXMockServerError.self) { try DXCassetteReplayBackend(cassettePath: text) }
      #expect(throws: DXMockServerError.self) {
        try DXCassetteRecordBackend(cassettePath: directory + "/x.dxcassette", upstream: "ftp://nowhere")
      }
    }
  }

  @Test(
    "--record refuses to write a secret it cannot redact: 401 PermissionDenied naming the field, nothing written"
  )
  func recordRefusesSecret() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/refused.dxcassette"
      try await withCassetteServer(backend: nil) { upstream in
        try await withRecordBackend(
          DXCassetteRecordBackend(cassettePath: path, upstream: upstream.baseURL)
        ) { backend in
          try await withCassetteServer(backend: backend) { recorder in
            try await DXLiveTransport.withTransport { client in
              let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlc2ln"
              let (status, json, _) = try await client.json(
                "POST", recorder.baseURL + "/system/whoami", body: #"{"note":"\#(jwt)"}"#)
              #expect(status == 401, "\(String(describing: json))")
              #expect(json?["error"]?["type"] == "PermissionDenied")
              #expect(json?["error"]?["message"]?.stringValue?.contains("request.body.note") == true)
              let (okStatus, _, _) = try await client.json("POST", recorder.baseURL + "/system/whoami")
              #expect(okStatus == 200)
            }
          }
        }
      }
      #expect(try DXCassetteTool.list(path).split(separator: "\n").count == 1)
    }
  }

  @Test("--record from many concurrent clients: every exchange recorded once, attempts numbered 0..n-1")
  func recordConcurrently() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/concurrent.dxcassette"
      try await withCassetteServer(backend: nil) { upstream in
        try await withRecordBackend(
          DXCassetteRecordBackend(cassettePath: path, upstream: upstream.baseURL)
        ) { backend in
          try await withCassetteServer(backend: backend) { recorder in
            try await DXLiveTransport.withTransport { client in
              try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<24 {
                  group.addTask {
                    let route = index.isMultiple(of: 2) ? "/system/whoami" : "/system/findProjects"
                    return try await client.json("POST", recorder.baseURL + route).0
                  }
                }
                for try await status in group { #expect(status == 200) }
              }
            }
          }
        }
        #expect(upstream.journal().count == 24)
      }
      let cassette = try DXCassette(path: path, access: .readOnly)
      defer { cassette.close() }
      let interactions = try cassette.interactions()
      #expect(interactions.count == 24)
      for route in ["/system/whoami", "/system/findProjects"] {
        let sequences = interactions.filter { $0.path == route }.map(\.sequence).sorted()
        #expect(sequences == Array(0..<12))
      }
    }
  }

  @Test("--record-mode newEpisodes replays what the cassette has and records only what is new")
  func recordNewEpisodes() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/episodes.dxcassette"
      try Self.faultCassette(path)
      try await withCassetteServer(backend: nil) { upstream in
        try await withRecordBackend(
          DXCassetteRecordBackend(
            cassettePath: path, upstream: upstream.baseURL, options: .init(recordMode: .newEpisodes))
        ) { backend in
          try await withCassetteServer(backend: backend) { recorder in
            try await DXLiveTransport.withTransport { client in
              // Recorded: the first whoami is the recorded 503, not the upstream's answer.
              let first = try await client.outcome("POST", recorder.baseURL + "/system/whoami")
              if case .response(let status, _, _) = first {
                #expect(status == 503)
              } else {
                Issue.record("\(first)")
              }
              // New: goes upstream and is recorded.
              let (status, json, _) = try await client.json("POST", recorder.baseURL + "/system/findProjects")
              #expect(status == 200 && json?["results"] != nil)
            }
          }
        }
        #expect(upstream.journal().map(\.path) == ["/system/findProjects"])
      }
      let list = try DXCassetteTool.list(path)
      #expect(list.split(separator: "\n").count == 7)
      #expect(list.contains("#7") && list.contains("POST /system/findProjects  → 200"))
    }
  }

  /// The session run through the recorder, then through the replayer: platform routes, a file's bytes
  /// through the pass-through URLs, and two faults injected on the upstream.
  static func session(_ client: DXLiveTransport, base: String, upstream: DXMockServer?) async throws
    -> [String]
  {
    var transcript: [String] = []
    func note(_ status: Int, _ json: DXJSON?, _ raw: Data) {
      var shown = json
      // The transfer URLs point at whichever server answered: compare their original part only.
      if case .object(var object)? = json, let url = object["url"]?.stringValue,
        let range = url.range(of: "/__proxy/")
      {
        object["url"] = .string(String(url[range.lowerBound...]))
        shown = .object(object)
      }
      transcript.append(
        "\(status) \(shown.map { $0.serializedString(sortedKeys: true) } ?? String(decoding: raw, as: UTF8.self))"
      )
    }
    var (status, json, raw) = try await client.json("POST", base + "/system/whoami")
    note(status, json, raw)
    (status, json, raw) = try await client.json("POST", base + "/project/new", body: #"{"name":"rec"}"#)
    note(status, json, raw)
    let project = json?["id"]?.stringValue ?? "none"
    (status, json, raw) = try await client.json(
      "POST", base + "/file/new",
      body: #"{"project":"\#(project)","name":"a b%.txt","nonce":"\#(UUID().uuidString)"}"#)
    note(status, json, raw)
    let file = json?["id"]?.stringValue ?? "none"
    (status, json, raw) = try await client.json("POST", base + "/\(file)/upload", body: #"{"index":1}"#)
    note(status, json, raw)
    let uploadURL = json?["url"]?.stringValue ?? ""
    #expect(uploadURL.hasPrefix(base + "/__proxy/http/"), "\(uploadURL)")
    (status, json, raw) = try await client.json("PUT", uploadURL, bodyData: Data("file bytes 123\n".utf8))
    note(status, json, raw)
    (status, json, raw) = try await client.json("POST", base + "/\(file)/close")
    note(status, json, raw)
    (status, json, raw) = try await client.json("POST", base + "/\(file)/download", body: "{}")
    note(status, json, raw)
    let downloadURL = json?["url"]?.stringValue ?? ""
    #expect(downloadURL.hasPrefix(base + "/__proxy/http/"), "\(downloadURL)")
    let download = try await client.send(
      DXTransportRequest(method: "GET", url: downloadURL, timeout: .seconds(10)))
    transcript.append("download \(download.status) \(String(decoding: download.body, as: UTF8.self))")
    // Faults seen by the recorder on the upstream's wire.
    if let upstream {
      upstream.addFault(try DXFaultRule(spec: "POST /system/findProjects status=503 retryAfter=3 times=1"))
      upstream.addFault(try DXFaultRule(spec: "POST /system/whoami truncate sendBytes=4 times=1"))
    }
    let findProjects = try await client.outcome("POST", base + "/system/findProjects")
    transcript.append("findProjects \(findProjects)")
    let truncated = try await client.outcome("POST", base + "/system/whoami")
    transcript.append("whoami \(truncated)")
    return transcript
  }

  @Test(
    "--record proxies to an upstream and records (token redacted, file bytes included); --replay gives the same session"
  )
  func recordThenReplay() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/session.dxcassette"
      let recorded = try await withCassetteServer(backend: nil) { upstream in
        return try await withRecordBackend(
          DXCassetteRecordBackend(cassettePath: path, upstream: upstream.baseURL)
        ) { backend in
          try await withCassetteServer(backend: backend) { recorder in
            try await DXLiveTransport.withTransport { client in
              try await Self.session(client, base: recorder.baseURL, upstream: upstream)
            }
          }
        }
      }
      #expect(recorded.count == 10)
      #expect(recorded.contains("download 200 file bytes 123\n"))
      #expect(recorded[8].hasPrefix("findProjects 503"))
      #expect(recorded[9].hasPrefix("whoami 200 truncated(declared:"), "\(recorded[9])")

      // Nothing secret reached the file; the interactions hold the original transfer URLs.
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      #expect(bytes.range(of: Data(DXMockServer.Configuration.defaultToken.utf8)) == nil)
      #expect(try DXCassetteTool.audit(path).isClean)
      let list = try DXCassetteTool.list(path)
      #expect(list.contains("PUT /F/upload/"), "\(list)")
      #expect(list.contains("GET /F/download/"), "\(list)")
      #expect(!list.contains("__proxy"))

      // Replay with no upstream at all.
      let backend = try DXCassetteReplayBackend(cassettePath: path)
      defer { backend.close() }
      let replayed = try await withCassetteServer(backend: backend) { replayer in
        try await DXLiveTransport.withTransport { client in
          try await Self.session(client, base: replayer.baseURL, upstream: nil)
        }
      }
      #expect(replayed == recorded)
      #expect(backend.playedIDs.count == 10)
    }
  }
}
