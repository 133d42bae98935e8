import DXCore
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteRecordModes")
struct CassetteRecordModeTests {
  typealias S = CassetteTestSupport

  /// Records `/a` then `/b` in `mode` on a fresh cassette; returns the path.
  private func recordFresh(_ mode: DXCassetteRecordMode) async throws -> String {
    let path = S.cassettePath()
    let live = S.echo()
    let transport = try S.recording(try DXCassette(path: path), mode: mode, base: live)
    _ = try await transport.send(S.post("/a"))
    _ = try await transport.send(S.post("/b"))
    #expect(live.count == 2)
    return path
  }

  @Test func onceRecordsANewCassetteThenOnlyReplays() async throws {
    let path = try await recordFresh(.once)
    let live = S.echo()
    let transport = try S.recording(try DXCassette(path: path), mode: .once, base: live)
    #expect(S.text(try await transport.send(S.post("/a"))) == #"{"n":1,"path":"/a"}"#)
    #expect(S.text(try await transport.send(S.post("/b"))) == #"{"n":2,"path":"/b"}"#)
    await #expect(throws: DXCassetteError.self) { try await transport.send(S.post("/c")) }
    #expect(live.count == 0, "an existing cassette in mode once never reaches the network")
    #expect(try DXCassette(path: path).count() == 2)
  }

  @Test func onceOnANewCassetteRecordsRepeatsAgain() async throws {
    let path = S.cassettePath()
    let live = S.echo()
    let transport = try S.recording(try DXCassette(path: path), mode: .once, base: live)
    for _ in 0..<3 { _ = try await transport.send(S.post("/poll")) }
    #expect(live.count == 3)
    #expect(try DXCassette(path: path).interactions().map(\.sequence) == [0, 1, 2])
  }

  @Test func newEpisodesReplaysKnownAndRecordsNew() async throws {
    let path = try await recordFresh(.once)
    let live = S.echo()
    let transport = try S.recording(try DXCassette(path: path), mode: .newEpisodes, base: live)
    #expect(S.text(try await transport.send(S.post("/a"))) == #"{"n":1,"path":"/a"}"#)
    #expect(S.text(try await transport.send(S.post("/c"))) == #"{"n":1,"path":"/c"}"#)
    #expect(live.count == 1)
    // A repeat of /a (its recording was played) is a new episode too.
    #expect(S.text(try await transport.send(S.post("/a"))) == #"{"n":2,"path":"/a"}"#)
    #expect(live.count == 2)
    let all = try DXCassette(path: path).interactions()
    #expect(all.map(\.path) == ["/a", "/b", "/c", "/a"])
    #expect(all.map(\.sequence) == [0, 0, 0, 1])
  }

  @Test func noneNeverSendsOrRecords() async throws {
    let path = try await recordFresh(.all)
    let live = S.echo()
    let transport = try S.recording(try DXCassette(path: path, access: .readOnly), mode: .none, base: live)
    #expect(S.text(try await transport.send(S.post("/b"))) == #"{"n":2,"path":"/b"}"#)
    await #expect(throws: DXCassetteError.self) { try await transport.send(S.post("/new")) }
    #expect(live.count == 0)
    #expect(try DXCassette(path: path).count() == 2)
  }

  @Test func allReRecordsReplacingOnlyWhatItTouches() async throws {
    let path = try await recordFresh(.once)
    let live = CassetteTestSupport.CountingTransport { _, number in S.ok(#"{"fresh":\#(number)}"#) }
    let transport = try S.recording(try DXCassette(path: path), mode: .all, base: live)
    #expect(S.text(try await transport.send(S.post("/a"))) == #"{"fresh":1}"#)
    #expect(S.text(try await transport.send(S.post("/a"))) == #"{"fresh":2}"#)
    #expect(live.count == 2)
    let all = try DXCassette(path: path).interactions()
    #expect(all.map(\.path) == ["/b", "/a", "/a"], "the old /a is replaced, /b (untouched) is kept")
    #expect(all.map(\.sequence) == [0, 0, 1])
    #expect(
      all.compactMap(\.response).map(S.text) == [#"{"n":2,"path":"/b"}"#, #"{"fresh":1}"#, #"{"fresh":2}"#])
  }

  @Test func passthroughNeitherReplaysNorRecords() async throws {
    let path = try await recordFresh(.once)
    let live = S.echo()
    let transport = try S.recording(try DXCassette(path: path), mode: .passthrough, base: live)
    #expect(S.text(try await transport.send(S.post("/a"))) == #"{"n":1,"path":"/a"}"#)
    _ = try await transport.send(S.post("/zzz"))
    #expect(live.count == 2)
    #expect(try DXCassette(path: path).count() == 2)
  }

  @Test func recordedFailuresAreStoredAndRethrown() async throws {
    let path = S.cassettePath()
    let failing = DXClosureTransport { _ in throw DXTransportError.connectionRefused("nobody home") }
    let transport = try S.recording(try DXCassette(path: path), mode: .once, base: failing)
    await #expect(throws: DXTransportError.connectionRefused("nobody home")) {
      try await transport.send(S.post("/a"))
    }
    let replay = DXReplayTransport(cassette: try DXCassette(path: path, access: .readOnly))
    await #expect(throws: DXTransportError.connectionRefused("nobody home")) {
      try await replay.send(S.post("/a"))
    }
  }

  @Test func otherErrorsAreNotRecorded() async throws {
    struct Unrelated: Error {}
    let path = S.cassettePath()
    let failing = DXClosureTransport { _ in throw Unrelated() }
    let transport = try S.recording(try DXCassette(path: path), mode: .once, base: failing)
    await #expect(throws: Unrelated.self) { try await transport.send(S.post("/a")) }
    #expect(try DXCassette(path: path).count() == 0)
  }
}
