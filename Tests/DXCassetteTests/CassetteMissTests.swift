import DXCore
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteMiss")
struct CassetteMissTests {
  typealias S = CassetteTestSupport

  private func recorded() throws -> DXCassette {
    let cassette = try DXCassette(path: S.cassettePath("miss.dxcassette"))
    try cassette.append(
      .init(request: S.post("/system/whoami"), outcome: .response(S.ok(#"{"id":"user-a"}"#))))
    try cassette.append(
      .init(
        request: S.post(
          "/record-1/describe", #"{"fields":{"name":true},"name":"a","tags":["x","y"],"nonce":"1"}"#),
        outcome: .response(S.ok("{}"))))
    try cassette.append(
      .init(request: S.post("/record-1/close", "{}"), outcome: .response(S.ok("{}"))))
    return cassette
  }

  @Test func missNamesTheNearestCandidateAndEveryDifferingField() async throws {
    let replay = DXReplayTransport(cassette: try recorded())
    let request = S.post(
      "/record-1/describe", #"{"fields":{"name":true,"types":true},"name":"b","tags":["x"],"nonce":"2"}"#)
    do {
      _ = try await replay.send(request)
      Issue.record("expected a miss")
    } catch let error as DXCassetteError {
      #expect(error.kind == .noMatch)
      #expect(error.candidate?.id == 2)
      #expect(
        error.message == """
          no recorded interaction matches POST /record-1/describe (cassette miss.dxcassette, 3 interactions)
          nearest candidate: #2 POST /record-1/describe → 200
          differences (request ≠ recorded):
            body.fields.types: true ≠ missing
            body.name: "b" ≠ "a"
            body.tags[1]: missing ≠ "y"
          """)
      #expect(error.differences.map(\.field) == ["body.fields.types", "body.name", "body.tags[1]"])
    }
  }

  @Test func missOnPathAndMethod() async throws {
    let replay = DXReplayTransport(cassette: try recorded())
    do {
      _ = try await replay.send(S.post("/record-2/close", "{}"))
      Issue.record("expected a miss")
    } catch let error as DXCassetteError {
      #expect(error.candidate?.id == 3)
      #expect(
        error.differences == [
          .init(field: "path", requestValue: #""/record-2/close""#, recordedValue: #""/record-1/close""#)
        ])
      #expect(error.message.hasSuffix(#"path: "/record-2/close" ≠ "/record-1/close""#))
    }
    do {
      _ = try await replay.send(DXTransportRequest(method: "GET", url: "http://h/system/whoami"))
      Issue.record("expected a miss")
    } catch let error as DXCassetteError {
      #expect(error.candidate?.id == 1)
      #expect(error.differences.map(\.description) == [#"method: "GET" ≠ "POST""#, "body: empty ≠ {}"])
    }
  }

  @Test func alreadyPlayedSaysSoPlainly() async throws {
    let replay = DXReplayTransport(cassette: try recorded())
    _ = try await replay.send(S.post("/system/whoami"))
    do {
      _ = try await replay.send(S.post("/system/whoami"))
      Issue.record("expected alreadyPlayed")
    } catch let error as DXCassetteError {
      #expect(error.kind == .alreadyPlayed)
      #expect(
        error.message
          == "POST /system/whoami: the only matching interaction (#1) was already played; enable "
          + "allowPlaybackRepeats to replay them again, or record with mode newEpisodes to add more "
          + "(cassette miss.dxcassette)")
    }
    let cassette = try DXCassette(path: S.cassettePath("two.dxcassette"))
    for _ in 0..<2 { try cassette.append(.init(request: S.post("/a"), outcome: .response(S.ok("{}")))) }
    let twice = DXReplayTransport(cassette: cassette)
    for _ in 0..<2 { _ = try await twice.send(S.post("/a")) }
    await #expect(throws: DXCassetteError.self) { try await twice.send(S.post("/a")) }
    do {
      _ = try await twice.send(S.post("/a"))
    } catch let error as DXCassetteError {
      #expect(
        error.message.contains("all 2 matching interactions were already played; enable allowPlaybackRepeats")
      )
    }
  }

  @Test func emptyCassetteSaysItIsEmpty() async throws {
    let cassette = try DXCassette(path: S.cassettePath("empty.dxcassette"))
    do {
      _ = try await DXReplayTransport(cassette: cassette).send(S.post("/a"))
    } catch let error as DXCassetteError {
      #expect(error.message == "no recorded interaction matches POST /a: cassette empty.dxcassette is empty")
    }
  }
}
