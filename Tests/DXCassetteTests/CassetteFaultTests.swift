import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteFaults")
struct CassetteFaultTests {
  typealias S = CassetteTestSupport

  static let outcomes: [DXCassetteInteraction.Outcome] = [
    .response(
      DXTransportResponse(
        status: 503, headers: DXHTTPHeaders([("Retry-After", "2"), ("Content-Type", "application/json")]),
        body: Data(#"{"error":{"type":"ServiceUnavailable","message":"later"}}"#.utf8))),
    .response(
      DXTransportResponse(
        status: 200, body: Data(#"{"id":"us"#.utf8), bodyEnd: .truncated(declared: 19, received: 9))),
    .response(
      DXTransportResponse(status: 200, body: Data("not json, no length".utf8), bodyEnd: .closeDelimited)),
    .failure(.connectionReset("Connection reset by peer")),
    .failure(.connectionRefused("ECONNREFUSED")),
    .failure(.noResponse("server closed the connection")),
    .failure(.readTimeout("no data for 905 s")),
    .failure(.connectTimeout("connect timed out")),
    .failure(DXTransportError(.networkUnreachable, message: "ENETUNREACH")),
    .failure(DXTransportError(.protocolError, message: "bad status line")),
    .response(S.ok(#"{"id":"user-alice"}"#)),
  ]

  @Test func everyFaultKindRecordsAndReplaysExactly() async throws {
    let path = S.cassettePath()
    let outcomes = Self.outcomes
    let live = S.CountingTransport { _, number in
      switch outcomes[number - 1] {
      case .response(let response): return response
      case .failure(let error): throw error
      }
    }
    let recorder = try S.recording(try DXCassette(path: path), mode: .once, base: live)
    let request = S.post("/system/whoami")
    var recorded: [Result<DXTransportResponse, DXTransportError>] = []
    for _ in outcomes { recorded.append(await Self.result(recorder, request)) }

    let replay = DXReplayTransport(cassette: try DXCassette(path: path, access: .readOnly))
    var replayed: [Result<DXTransportResponse, DXTransportError>] = []
    for _ in outcomes { replayed.append(await Self.result(replay, request)) }
    #expect(replayed == recorded)
    #expect(replayed.map { Self.outcome($0) } == outcomes)
    #expect(try DXCassette(path: path).interactions().map(\.sequence) == Array(0..<outcomes.count))
  }

  static func result(_ transport: any DXTransport, _ request: DXTransportRequest) async
    -> Result<DXTransportResponse, DXTransportError>
  {
    do {
      return .success(try await transport.send(request))
    } catch let error as DXTransportError {
      return .failure(error)
    } catch {
      return .failure(DXTransportError(.other, message: "unexpected \(error)"))
    }
  }

  static func outcome(_ result: Result<DXTransportResponse, DXTransportError>)
    -> DXCassetteInteraction.Outcome
  {
    switch result {
    case .success(let response): return .response(response)
    case .failure(let error): return .failure(error)
    }
  }

  static func platform(_ url: String, token: String) -> DXConfiguration {
    var platform = DXConfiguration()
    let parts = url.split(separator: ":")
    platform.setAPIServerInfo(
      host: String(parts[1].dropFirst(2)), port: parts.count > 2 ? String(parts[2]) : nil,
      protocol: String(parts[0]))
    platform.setSecurityContext(DXSecurityContext(token: token))
    return platform
  }

  /// Calls whoami and record/new the way an application would; returns what it got, or the error text.
  static func session(_ client: DXClient) async -> [String] {
    var results: [String] = []
    do {
      results.append(String(describing: try await client.systemWhoami()))
    } catch {
      results.append("error: \(error)")
    }
    do {
      results.append(
        String(describing: try await client.recordNew(["project": "project-none", "name": "r"])))
    } catch {
      results.append("error: \(error)")
    }
    return results
  }

  @Test func clientRetriesReplayWithTheSameAttemptsDelaysAndResult() async throws {
    let path = S.cassettePath()
    let token = DXMockServer.Configuration.defaultToken
    let recordingClock = DXTestClock()
    let (recordedResults, attempts, baseURL) = try await DXMockServer.withRunning { server in
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(503, retryAfter: 2), times: 1))
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .truncate(sendBytes: 5), times: 1))
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .reset, times: 1))
      server.addFault(try DXFaultRule(path: "/record/new", fault: .noContentLength, times: 1))
      server.addFault(try DXFaultRule(path: "/record/new", fault: .empty, times: 1))
      return try await DXLiveTransport.withTransport { live in
        let cassette = try DXCassette(path: path, secrets: DXSecretScanner(tokens: [token]))
        let recorder = try DXRecordingMiddleware(cassette: cassette, mode: .once)
        let client = DXClient(
          platform: Self.platform(server.baseURL, token: token),
          transport: DXMiddlewareTransport(base: live, middleware: [recorder]), clock: recordingClock,
          random: DXTestRandomSource(.lowest))
        let results = await Self.session(client)
        cassette.close()
        return (results, server.journal().count, server.baseURL)
      }
    }
    #expect(attempts >= 6, "every fault caused a retry")
    #expect(recordingClock.sleeps.count == attempts - 2)
    #expect(recordingClock.sleeps.first == .seconds(2), "Retry-After was honoured")

    // Offline: the server is gone; the same client code replays from the cassette.
    let cassette = try DXCassette(path: path, access: .readOnly)
    #expect(try cassette.count() == attempts)
    let replay = DXReplayTransport(cassette: cassette)
    let replayClock = DXTestClock()
    let client = DXClient(
      platform: Self.platform(baseURL, token: "another-token-entirely"), transport: replay,
      clock: replayClock,
      random: DXTestRandomSource(.lowest))
    let replayedResults = await Self.session(client)
    #expect(replayedResults == recordedResults)
    #expect(replayClock.sleeps == recordingClock.sleeps)
    #expect(replay.playedIDs.count == attempts)
    let raw = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(raw.range(of: Data(token.utf8)) == nil)
  }
}
