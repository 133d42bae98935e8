import DXCore
import Foundation
import Testing

@testable import DXCassette

/// A clock whose time is set by the test and whose sleeps are only noted.
final class SessionClock: DXClock {
  private let lock = NSLock()
  private var time: Date
  private var asked: [Duration] = []

  init(_ time: Date = Date(timeIntervalSince1970: 1_800_000_000)) { self.time = time }

  func now() -> Date { lock.withLock { time } }

  func sleep(for duration: Duration) async throws { lock.withLock { asked.append(duration) } }

  /// Moves the time on.
  func advance(_ seconds: TimeInterval) { lock.withLock { time = time.addingTimeInterval(seconds) } }

  /// Every sleep asked for, in order.
  var sleeps: [Duration] { lock.withLock { asked } }
}

// `time` and `asked` are only touched with `lock` held.
extension SessionClock: @unchecked Sendable {}

/// Timed replay, expiry in every record mode, hooks, tags and JSON rewrite rules.
@Suite("Cassette sessions: timing, expiry, hooks, tags")
struct CassetteSessionTests {
  typealias Support = CassetteTestSupport

  /// A cassette at a fresh path holding `interactions`, opened again (so mode `once` replays it).
  static func cassette(_ interactions: [DXCassetteInteraction]) throws -> DXCassette {
    let path = Support.cassettePath()
    let writer = try DXCassette(path: path)
    try writer.append(contentsOf: interactions)
    writer.close()
    return try DXCassette(path: path, access: .readWrite)
  }

  static let start = Date(timeIntervalSince1970: 1_800_000_000)

  static func recorded(_ path: String, _ body: String, took: Duration, at date: Date = start)
    -> DXCassetteInteraction
  {
    DXCassetteInteraction(
      request: Support.post(path), outcome: .response(Support.ok(body)), duration: took, recordedAt: date)
  }

  // MARK: - Timing

  @Test("timed replay waits the recorded latency times the scale; instant does not wait")
  func timedReplay() async throws {
    let cassette = try Self.cassette([
      Self.recorded("/system/whoami", #"{"id":"user-a"}"#, took: .milliseconds(120)),
      DXCassetteInteraction(
        request: Support.post("/file-x/describe"),
        outcome: .failure(DXTransportError(.readTimeout, message: "t")),
        duration: .seconds(30), recordedAt: Self.start),
      Self.recorded("/system/whoami", #"{"id":"user-b"}"#, took: .microseconds(4500)),
    ])
    defer { cassette.close() }
    let clock = SessionClock()
    let replay = DXReplayTransport(
      cassette: cassette, options: .init(timing: .recorded(scale: 0.5), clock: clock))
    #expect(Support.text(try await replay.send(Support.post("/system/whoami"))) == #"{"id":"user-a"}"#)
    await #expect(throws: DXTransportError.self) { try await replay.send(Support.post("/file-x/describe")) }
    _ = try await replay.send(Support.post("/system/whoami"))
    #expect(clock.sleeps == [.milliseconds(60), .seconds(15), .microseconds(2250)])

    let instantClock = SessionClock()
    let instant = DXReplayTransport(cassette: cassette, options: .init(clock: instantClock))
    _ = try await instant.send(Support.post("/system/whoami"))
    #expect(instantClock.sleeps.isEmpty)
    #expect(DXCassetteReplayTiming(argument: "recorded:0.25") == .recorded(scale: 0.25))
    #expect(DXCassetteReplayTiming(argument: "recorded") == .recorded(scale: 1))
    #expect(DXCassetteReplayTiming(argument: "instant") == .instant)
    #expect(DXCassetteReplayTiming(argument: "recorded:-1") == nil)
    #expect(DXCassetteReplayTiming(argument: "slow") == nil)
  }

  @Test("the recorder's replays are timed too (mode once on a full cassette)")
  func recorderTimed() async throws {
    let cassette = try Self.cassette([Self.recorded("/system/whoami", "{}", took: .milliseconds(10))])
    defer { cassette.close() }
    let clock = SessionClock()
    let recorder = try DXRecordingMiddleware(
      cassette: cassette, mode: .once, options: .init(timing: .recorded(scale: 2), clock: clock))
    let transport = DXMiddlewareTransport(base: Support.echo(), middleware: [recorder])
    _ = try await transport.send(Support.post("/system/whoami"))
    #expect(clock.sleeps == [.milliseconds(20)])
  }

  // MARK: - Expiry

  @Test("expiry: once re-records a stale interaction in place; fresh ones replay")
  func expiryOnce() async throws {
    let cassette = try Self.cassette([
      Self.recorded("/system/whoami", #"{"old":true}"#, took: .milliseconds(1)),
      Self.recorded(
        "/file-x/describe", #"{"old":true}"#, took: .milliseconds(1), at: Self.start.addingTimeInterval(3_000)
      ),
    ])
    defer { cassette.close() }
    let clock = SessionClock(Self.start.addingTimeInterval(3_600 + 60))
    let network = Support.echo()
    let recorder = try DXRecordingMiddleware(
      cassette: cassette, mode: .once, options: .init(expiresAfter: .seconds(3_600), clock: clock))
    let transport = DXMiddlewareTransport(base: network, middleware: [recorder])
    let whoami = try await transport.send(Support.post("/system/whoami"))
    #expect(Support.text(whoami).contains(#""n":1"#))
    let describe = try await transport.send(Support.post("/file-x/describe"))
    #expect(Support.text(describe) == #"{"old":true}"#)
    #expect(network.count == 1)
    let stored = try cassette.interaction(id: 1)
    #expect(Support.text(try #require(stored.response)).contains(#""n":1"#))
    #expect(stored.recordedAt == clock.now())
    #expect(stored.sequence == 0)
    #expect(try cassette.count() == 2)
  }

  @Test("expiry: once without a network keeps the stale interaction and fails with a clear message")
  func expiryOffline() async throws {
    let cassette = try Self.cassette([
      Self.recorded("/system/whoami", #"{"old":true}"#, took: .milliseconds(1))
    ])
    defer { cassette.close() }
    let clock = SessionClock(Self.start.addingTimeInterval(10 * 86_400))
    let offline = Support.CountingTransport { _, _ in throw DXTransportError.connectionRefused("no route") }
    let recorder = try DXRecordingMiddleware(
      cassette: cassette, mode: .once, options: .init(expiresAfter: .seconds(86_400), clock: clock))
    let transport = DXMiddlewareTransport(base: offline, middleware: [recorder])
    await #expect {
      try await transport.send(Support.post("/system/whoami"))
    } throws: { error in
      guard let error = error as? DXCassetteError, error.kind == .expired else { return false }
      return error.message.contains("#1 (POST /system/whoami)") && error.message.contains("10 d ago")
        && error.message.contains("maximum age of 24 h") && error.message.contains("connectionRefused")
    }
    #expect(Support.text(try #require(try cassette.interaction(id: 1).response)) == #"{"old":true}"#)
  }

  @Test("expiry in modes none, newEpisodes, all and passthrough, and in DXReplayTransport")
  func expiryModes() async throws {
    func make() throws -> DXCassette {
      let cassette = try Self.cassette([Self.recorded("/system/whoami", #"{"old":true}"#, took: .zero)])
      try cassette.setExpiresAfter(.seconds(60))
      return cassette
    }
    let clock = SessionClock(Self.start.addingTimeInterval(120))
    let options = DXCassetteSessionOptions(clock: clock)

    let none = try make()
    defer { none.close() }
    let replayOnly = DXMiddlewareTransport(
      base: Support.echo(),
      middleware: [try DXRecordingMiddleware(cassette: none, mode: .none, options: options)])
    await #expect { try await replayOnly.send(Support.post("/system/whoami")) } throws: { error in
      (error as? DXCassetteError)?.kind == .expired
    }
    await #expect {
      try await DXReplayTransport(cassette: none, options: options).send(Support.post("/system/whoami"))
    } throws: { error in
      (error as? DXCassetteError)?.kind == .expired
    }
    // A session may allow older recordings than the cassette says.
    let lenient = DXReplayTransport(
      cassette: none, options: .init(expiresAfter: .seconds(86_400), clock: clock))
    #expect(Support.text(try await lenient.send(Support.post("/system/whoami"))) == #"{"old":true}"#)

    let episodes = try make()
    defer { episodes.close() }
    let network = Support.echo()
    let growing = DXMiddlewareTransport(
      base: network,
      middleware: [try DXRecordingMiddleware(cassette: episodes, mode: .newEpisodes, options: options)])
    #expect(Support.text(try await growing.send(Support.post("/system/whoami"))).contains(#""n":1"#))
    #expect(try episodes.count() == 1)

    let all = try make()
    defer { all.close() }
    let allNetwork = Support.echo()
    let rerecord = DXMiddlewareTransport(
      base: allNetwork, middleware: [try DXRecordingMiddleware(cassette: all, mode: .all, options: options)])
    _ = try await rerecord.send(Support.post("/system/whoami"))
    #expect(allNetwork.count == 1)
    #expect(try all.interactions().map(\.recordedAt) == [clock.now()])

    let pass = try make()
    defer { pass.close() }
    let passNetwork = Support.echo()
    let through = DXMiddlewareTransport(
      base: passNetwork,
      middleware: [try DXRecordingMiddleware(cassette: pass, mode: .passthrough, options: options)])
    _ = try await through.send(Support.post("/system/whoami"))
    #expect(passNetwork.count == 1)
    #expect(try pass.interactions().map(\.recordedAt) == [Self.start])
  }

  @Test("an interaction's own maximum age wins over the cassette's and the session's")
  func ownMaximumAge() async throws {
    var interaction = Self.recorded("/system/whoami", "{}", took: .zero)
    interaction.expiresAfter = .seconds(10)
    let cassette = try Self.cassette([interaction, Self.recorded("/file-x/describe", "{}", took: .zero)])
    defer { cassette.close() }
    let clock = SessionClock(Self.start.addingTimeInterval(30))
    let replay = DXReplayTransport(cassette: cassette, options: .init(clock: clock))
    await #expect(throws: DXCassetteError.self) { try await replay.send(Support.post("/system/whoami")) }
    _ = try await replay.send(Support.post("/file-x/describe"))
  }

  // MARK: - Hooks and tags

  @Test("beforeRecordRequest rewrites what is stored and matched, and drops; tags are stamped")
  func requestHooks() async throws {
    let hooks = DXCassetteHooks(beforeRecordRequest: { request in
      if DXCassetteURL.path(of: request.url) == "/system/greet" { return nil }
      var request = request
      request.headers.remove(name: "X-Trace")
      return request
    })
    let path = Support.cassettePath()
    let cassette = try DXCassette(path: path)
    let network = Support.CountingTransport { request, number in
      // The network always sees the request as the caller sent it.
      Support.ok(#"{"n":\#(number),"trace":"\#(request.headers["X-Trace"] ?? "none")"}"#)
    }
    let recorder = try DXRecordingMiddleware(
      cassette: cassette, mode: .once, options: .init(hooks: hooks, tags: ["test-hooks"]))
    let transport = DXMiddlewareTransport(base: network, middleware: [recorder])
    var traced = Support.post("/system/whoami")
    traced.headers.add(name: "X-Trace", value: "abc")
    #expect(Support.text(try await transport.send(traced)).contains(#""trace":"abc""#))
    _ = try await transport.send(Support.post("/system/greet"))
    #expect(network.count == 2)
    let stored = try cassette.interactions()
    #expect(stored.count == 1)
    #expect(stored[0].request.headers["X-Trace"] == nil)
    #expect(stored[0].tags == ["test-hooks"])
    cassette.close()

    let reopened = try DXCassette(path: path, access: .readOnly)
    defer { reopened.close() }
    let replay = DXReplayTransport(
      cassette: reopened, options: .init(hooks: hooks))
    var other = Support.post("/system/whoami")
    other.headers.add(name: "X-Trace", value: "zzz")
    #expect(Support.text(try await replay.send(other)).contains(#""n":1"#))
    await #expect { try await replay.send(Support.post("/system/greet")) } throws: { error in
      (error as? DXCassetteError)?.kind == .dropped
    }
  }

  @Test("beforeRecordResponse rewrites or keeps out; beforePlayback changes what is replayed")
  func responseHooks() async throws {
    let cassette = try DXCassette(path: Support.cassettePath())
    defer { cassette.close() }
    let hooks = DXCassetteHooks(
      beforeRecordResponse: { interaction in
        if interaction.path == "/system/greet" { return nil }
        var interaction = interaction
        interaction.outcome = .response(Support.ok(#"{"scrubbed":true}"#))
        return interaction
      },
      beforePlayback: { interaction in
        var interaction = interaction
        if case .response(var response) = interaction.outcome {
          response.headers.add(name: "X-Replayed", value: "yes")
          interaction.outcome = .response(response)
        }
        return interaction
      })
    let recorder = try DXRecordingMiddleware(cassette: cassette, mode: .all, options: .init(hooks: hooks))
    let live = DXMiddlewareTransport(base: Support.echo(), middleware: [recorder])
    #expect(Support.text(try await live.send(Support.post("/system/whoami"))).contains(#""n":1"#))
    _ = try await live.send(Support.post("/system/greet"))
    let stored = try cassette.interactions()
    #expect(stored.count == 1)
    #expect(Support.text(try #require(stored[0].response)) == #"{"scrubbed":true}"#)
    let replayed = try await DXReplayTransport(cassette: cassette, options: .init(hooks: hooks)).send(
      Support.post("/system/whoami"))
    #expect(replayed.headers["X-Replayed"] == "yes")
    #expect(Support.text(replayed) == #"{"scrubbed":true}"#)
  }

  @Test("JSON rewrite rules: drop, header, query and body-field removal, replacements; bad files named")
  func rewriteRules() throws {
    let json = #"""
      {"drop": [{"method": "POST", "path": "/file-*/close"}],
       "request": {"removeHeaders": ["x-trace"], "removeQueryParameters": ["ts"], "removeBodyFields": ["clientTime", "input.seed"],
                   "replace": [{"from": "alice@example.org", "to": "user@example.org"}]},
       "response": {"removeHeaders": ["Set-Cookie"], "removeBodyFields": ["debug"]}}
      """#
    let rules = try DXCassetteRewriteRules(json: Data(json.utf8))
    let hooks = rules.hooks
    let drop = DXTransportRequest(method: "POST", url: "http://h/file-abc/close")
    #expect(hooks.beforeRecordRequest?(drop) == nil)
    #expect(
      hooks.beforeRecordRequest?(DXTransportRequest(method: "POST", url: "http://h/file-abc/x/close")) != nil)
    let request = DXTransportRequest(
      method: "POST", url: "http://h/system/whoami?ts=5&keep=1&mail=alice@example.org",
      headers: ["X-Trace": "1", "Content-Type": "application/json"],
      body: Data(#"{"clientTime":1,"input":{"seed":2,"name":"alice@example.org"},"seed":3}"#.utf8))
    let rewritten = try #require(hooks.beforeRecordRequest?(request))
    #expect(rewritten.url == "http://h/system/whoami?keep=1&mail=user@example.org")
    #expect(rewritten.headers.fields.map(\.name) == ["Content-Type"])
    #expect(
      try DXJSON(parsing: rewritten.body) == [
        "input": ["name": "user@example.org"], "seed": 3,
      ])
    let interaction = DXCassetteInteraction(
      request: rewritten,
      outcome: .response(
        DXTransportResponse(
          status: 200, headers: ["Set-Cookie": "a=b"], body: Data(#"{"debug":1,"id":"x"}"#.utf8))))
    let kept = try #require(hooks.beforeRecordResponse?(interaction))
    #expect(kept.response?.headers.isEmpty == true)
    #expect(try DXJSON(parsing: kept.response?.body ?? Data()) == ["id": "x"])
    for (bad, location) in [
      ("[]", "the document"), (#"{"extra": 1}"#, "extra"), (#"{"drop": [{"path": "nope"}]}"#, "drop[0].path"),
      (#"{"request": {"removeHeaders": [1]}}"#, "request.removeHeaders"),
      (#"{"response": {"replace": [{"from": ""}]}}"#, "response.replace[0]"),
    ] {
      #expect {
        _ = try DXCassetteRewriteRules(json: Data(bad.utf8))
      } throws: { error in
        (error as? DXCassetteError)?.message.contains(location) == true
      }
    }
  }
}
