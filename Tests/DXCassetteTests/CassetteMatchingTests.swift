import DXCore
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteMatching")
struct CassetteMatchingTests {
  typealias S = CassetteTestSupport

  private func cassette(_ recorded: [(DXTransportRequest, String)], matching: DXCassetteMatching = .default)
    throws -> DXCassette
  {
    let cassette = try DXCassette(path: S.cassettePath(), matching: matching)
    for (request, body) in recorded {
      try cassette.append(.init(request: request, outcome: .response(S.ok(body))))
    }
    return cassette
  }

  @Test func keyOrderAndWhitespaceDoNotMatter() async throws {
    let cassette = try cassette(
      [(S.post("/project-1/describe", #"{"fields":{"name":true,"folders":true},"b":[1,2]}"#), "yes")])
    let replay = DXReplayTransport(cassette: cassette)
    let response = try await replay.send(
      S.post("/project-1/describe", #" { "b" : [1, 2], "fields": {"folders":true, "name":true} } "#))
    #expect(S.text(response) == "yes")
  }

  @Test func arrayOrderAndValuesDoMatter() async throws {
    let cassette = try cassette([(S.post("/x", #"{"b":[1,2]}"#), "yes")])
    let replay = DXReplayTransport(cassette: cassette)
    await #expect(throws: DXCassetteError.self) { try await replay.send(S.post("/x", #"{"b":[2,1]}"#)) }
    await #expect(throws: DXCassetteError.self) { try await replay.send(S.post("/x", #"{"b":[1,2,3]}"#)) }
  }

  @Test func noncesAreIgnoredAtAnyDepthAndOthersOnRequest() async throws {
    let cassette = try cassette(
      [(S.post("/record/new", #"{"name":"r","nonce":"aaa","input":{"seed":1,"nonce":"x"}}"#), "rec")],
      matching: DXCassetteMatching(ignoredBodyFields: ["nonce", "input.seed"]))
    let replay = DXReplayTransport(cassette: cassette, allowPlaybackRepeats: true)
    #expect(
      S.text(
        try await replay.send(
          S.post("/record/new", #"{"input":{"seed":2,"nonce":"y"},"name":"r","nonce":"b"}"#)))
        == "rec")
    #expect(S.text(try await replay.send(S.post("/record/new", #"{"name":"r","input":{}}"#))) == "rec")
    // A dotted path is ignored only there.
    await #expect(throws: DXCassetteError.self) {
      try await replay.send(S.post("/record/new", #"{"name":"r","input":{},"seed":3}"#))
    }
  }

  @Test func identicalRequestsReplayInRecordedOrderEachOnce() async throws {
    let request = S.post("/file-1/describe")
    let cassette = try cassette([(request, "open"), (request, "closing"), (request, "closed")])
    let replay = DXReplayTransport(cassette: cassette)
    var seen: [String] = []
    for _ in 0..<3 { seen.append(S.text(try await replay.send(request))) }
    #expect(seen == ["open", "closing", "closed"])
    do {
      _ = try await replay.send(request)
      Issue.record("expected alreadyPlayed")
    } catch let error as DXCassetteError {
      #expect(error.kind == .alreadyPlayed)
      #expect(error.playedCount == 3)
    }
    #expect(replay.playedIDs == [1, 2, 3])
  }

  @Test func allowPlaybackRepeatsReplaysTheLatest() async throws {
    let request = S.post("/file-1/describe")
    let cassette = try cassette([(request, "open"), (request, "closed")])
    let replay = DXReplayTransport(cassette: cassette, allowPlaybackRepeats: true)
    var seen: [String] = []
    for _ in 0..<4 { seen.append(S.text(try await replay.send(request))) }
    #expect(seen == ["open", "closed", "closed", "closed"])
  }

  @Test func interleavedSequencesKeepTheirOwnOrder() async throws {
    let a = S.post("/a")
    let b = S.post("/b")
    let cassette = try cassette([(a, "a1"), (b, "b1"), (a, "a2"), (b, "b2")])
    #expect(try cassette.interactions().map(\.sequence) == [0, 0, 1, 1])
    let replay = DXReplayTransport(cassette: cassette)
    #expect(S.text(try await replay.send(b)) == "b1")
    #expect(S.text(try await replay.send(b)) == "b2")
    #expect(S.text(try await replay.send(a)) == "a1")
    #expect(S.text(try await replay.send(a)) == "a2")
  }

  @Test func hostAndQueryAreIgnoredByDefaultButQueryCanMatch() async throws {
    let recorded = DXTransportRequest(method: "GET", url: "http://upstream:1/F/download?part=1")
    let loose = try cassette([(recorded, "p1")])
    let other = DXTransportRequest(method: "GET", url: "http://elsewhere:2/F/download?part=2")
    #expect(S.text(try await DXReplayTransport(cassette: loose).send(other)) == "p1")
    let strict = try cassette([(recorded, "p1")], matching: DXCassetteMatching(query: true))
    await #expect(throws: DXCassetteError.self) { try await DXReplayTransport(cassette: strict).send(other) }
    let same = DXTransportRequest(method: "GET", url: "http://elsewhere:2/F/download?part=1")
    #expect(S.text(try await DXReplayTransport(cassette: strict).send(same)) == "p1")
  }

  @Test func methodMatters() async throws {
    let cassette = try cassette([(DXTransportRequest(method: "PUT", url: "http://h/upload"), "put")])
    await #expect(throws: DXCassetteError.self) {
      try await DXReplayTransport(cassette: cassette).send(
        DXTransportRequest(method: "POST", url: "http://h/upload"))
    }
  }

  @Test func nonJSONBodiesMatchByBytes() async throws {
    let put = DXTransportRequest(method: "PUT", url: "http://h/upload", body: Data([0, 1, 2, 3]))
    let cassette = try cassette([(put, "stored")])
    let replay = DXReplayTransport(cassette: cassette, allowPlaybackRepeats: true)
    #expect(S.text(try await replay.send(put)) == "stored")
    var changed = put
    changed.body = Data([0, 1, 2, 4])
    await #expect(throws: DXCassetteError.self) { try await replay.send(changed) }
  }

  @Test func customAndHeaderMatchersNarrowTheCandidates() async throws {
    let projectHeader = DXCassetteClosureMatcher(name: "same-project") { request, recorded in
      request.headers["X-Project"] == recorded.headers["X-Project"]
    }
    var one = S.post("/x")
    one.headers["X-Project"] = "project-1"
    var two = S.post("/x")
    two.headers["X-Project"] = "project-2"
    let custom = try cassette(
      [(one, "one"), (two, "two")], matching: DXCassetteMatching(custom: [projectHeader]))
    #expect(S.text(try await DXReplayTransport(cassette: custom).send(two)) == "two")
    let byHeader = try cassette(
      [(one, "one"), (two, "two")], matching: DXCassetteMatching(headers: ["x-project"]))
    #expect(S.text(try await DXReplayTransport(cassette: byHeader).send(two)) == "two")
    let loose = try cassette([(one, "one"), (two, "two")])
    #expect(S.text(try await DXReplayTransport(cassette: loose).send(two)) == "one")
  }

  @Test func bodyMatchingCanBeTurnedOff() async throws {
    let cassette = try cassette(
      [(S.post("/x", #"{"a":1}"#), "any")], matching: DXCassetteMatching(body: false))
    #expect(S.text(try await DXReplayTransport(cassette: cassette).send(S.post("/x", #"{"a":2}"#))) == "any")
  }

  @Test func fingerprintReflectsKeySettingsOnly() {
    #expect(DXCassetteMatching.default.fingerprint == DXCassetteMatching(headers: ["x"]).fingerprint)
    #expect(DXCassetteMatching.default.fingerprint != DXCassetteMatching(ignoredBodyFields: []).fingerprint)
    #expect(DXCassetteMatching.default.fingerprint != DXCassetteMatching(query: true).fingerprint)
  }
}
