import DXCore
import Foundation
import Testing

@testable import DXCassette

/// The replay path's one-statement look-up (``DXCassettePlayback/quickReplay(_:)``) answers every
/// request as the general path (key look-up, choice, outcome read) does: the same interaction, the
/// same response or failure, the same errors, the same played set.
@Suite("Quick replay")
struct QuickReplayTests {
  typealias Support = CassetteTestSupport

  /// A cassette with repeated keys, a recorded failure, a truncated body and a close-delimited one.
  static func makeCassette() throws -> DXCassette {
    let cassette = try DXCassette(path: Support.cassettePath())
    let truncated = DXTransportResponse(
      status: 200, headers: ["Content-Type": "application/json", "X-Request-ID": "t"],
      body: Data(#"{"a":"#.utf8), bodyEnd: .truncated(declared: 20, received: 5))
    let closeDelimited = DXTransportResponse(
      status: 404, headers: ["Content-Type": "text/plain"], body: Data("gone".utf8), bodyEnd: .closeDelimited)
    let interactions: [DXCassetteInteraction] = [
      .init(request: Support.post("/a", #"{"x":1}"#), outcome: .response(Support.ok(#"{"n":1}"#))),
      .init(request: Support.post("/a", #"{"x":1}"#), outcome: .response(Support.ok(#"{"n":2}"#))),
      .init(
        request: Support.post("/b"), outcome: .failure(DXTransportError(.connectionReset, message: "reset"))),
      .init(request: Support.post("/a", #"{"x":1}"#), outcome: .response(Support.ok(#"{"n":3}"#))),
      .init(request: Support.post("/c", #"{"y":[1,2]}"#), outcome: .response(truncated)),
      .init(request: Support.post("/d"), outcome: .response(closeDelimited)),
    ]
    try cassette.append(contentsOf: interactions)
    return cassette
  }

  /// The requests replayed in order: repeats past the recorded count, other key order, misses.
  static let requests: [DXTransportRequest] = [
    Support.post("/a", #"{ "x": 1 }"#), Support.post("/b"), Support.post("/b"),
    Support.post("/a", #"{"x":1}"#),
    Support.post("/zzz"), Support.post("/c", #"{"y":[1,2]}"#), Support.post("/a", #"{"x":1}"#),
    Support.post("/a", #"{"x":1}"#), Support.post("/d"), Support.post("/a", #"{"x":2}"#), Support.post("/d"),
    Support.post("/c", #"{"y":[1,2]}"#),
  ]

  /// What one replay gave: the response's fields, or the error's description.
  static func outcome(_ playback: DXCassettePlayback, _ request: DXTransportRequest) async -> String {
    do {
      let response = try await playback.replay(request)
      return "\(response.status) \(response.headers.fields) \(Support.text(response)) \(response.bodyEnd)"
    } catch let error as DXCassetteError {
      return "cassette \(error.kind) \(error.message) \(error.playedCount)"
    } catch {
      return "error \(error)"
    }
  }

  @Test("the quick path replays as the general path, with and without repeats", arguments: [false, true])
  func sameAnswers(repeats: Bool) async throws {
    let cassette = try Self.makeCassette()
    defer { cassette.close() }
    let options = DXCassetteSessionOptions(allowPlaybackRepeats: repeats)
    let quick = DXCassettePlayback(cassette: cassette, options: options)
    let general = DXCassettePlayback(cassette: cassette, options: options, allowsQuickReplay: false)
    for request in Self.requests {
      let quickOutcome = await Self.outcome(quick, request)
      let generalOutcome = await Self.outcome(general, request)
      #expect(quickOutcome == generalOutcome)
      #expect(quick.playedIDs == general.playedIDs)
    }
    #expect(quick.playedIDs.count == 6)
  }

  @Test("sessions that need the general path do not take the quick one")
  func generalWhenNeeded() throws {
    let cassette = try Self.makeCassette()
    defer { cassette.close() }
    #expect(DXCassettePlayback(cassette: cassette, options: .init()).usesQuickReplay)
    #expect(
      !DXCassettePlayback(cassette: cassette, options: .init(), allowsQuickReplay: false).usesQuickReplay)
    let hooked = DXCassetteSessionOptions(hooks: .init(beforePlayback: { $0 }))
    #expect(!DXCassettePlayback(cassette: cassette, options: hooked).usesQuickReplay)
    #expect(
      !DXCassettePlayback(cassette: cassette, options: .init(timing: .recorded(scale: 1))).usesQuickReplay)
    #expect(
      !DXCassettePlayback(cassette: cassette, options: .init(expiresAfter: .seconds(60))).usesQuickReplay)
    let byHeader = try DXCassette(
      path: Support.cassettePath(), matching: DXCassetteMatching(headers: ["Content-Type"]))
    defer { byHeader.close() }
    #expect(!DXCassettePlayback(cassette: byHeader, options: .init()).usesQuickReplay)
  }

  @Test("a read-only cassette keeps its read snapshot between replays and answers as the general path")
  func readOnlySnapshot() async throws {
    let recorded = try Self.makeCassette()
    let path = recorded.path
    recorded.close()
    let quickCassette = try DXCassette(path: path, access: .readOnly)
    let generalCassette = try DXCassette(path: path, access: .readOnly)
    defer {
      quickCassette.close()
      generalCassette.close()
    }
    let quick = DXCassettePlayback(cassette: quickCassette, options: .init())
    let general = DXCassettePlayback(cassette: generalCassette, options: .init(), allowsQuickReplay: false)
    for request in Self.requests {
      let quickOutcome = await Self.outcome(quick, request)
      // A replay keeps the snapshot (a miss's explanation reads the file in general and ends it).
      #expect(quickCassette.database.keepsReadSnapshot == !quickOutcome.hasPrefix("cassette"), "\(request)")
      let generalOutcome = await Self.outcome(general, request)
      #expect(quickOutcome == generalOutcome)
      #expect(quick.playedIDs == general.playedIDs)
    }
  }

  @Test("a read-only replay sees what another connection appends or deletes while its snapshot is kept")
  func readOnlySeesOtherWriters() async throws {
    let writer = try Self.makeCassette()
    let reader = try DXCassette(path: writer.path, access: .readOnly)
    defer {
      writer.close()
      reader.close()
    }
    let replay = DXReplayTransport(cassette: reader, allowPlaybackRepeats: true)
    #expect(Support.text(try await replay.send(Support.post("/a", #"{"x":1}"#))) == #"{"n":1}"#)
    for round in 0..<12 {
      let request = Support.post("/new", #"{"round":\#(round)}"#)
      let miss = await Self.outcome(replay.playback, request)
      #expect(miss.hasPrefix("cassette noMatch"), "round \(round): \(miss)")
      // A replay (the miss above used the general look-up) keeps the snapshot open again…
      #expect(try await replay.send(Support.post("/d")).status == 404)
      #expect(reader.database.keepsReadSnapshot)
      // …and a stale one would miss the interaction the writer appends now.
      try writer.append(.init(request: request, outcome: .response(Support.ok(#"{"r":\#(round)}"#))))
      #expect(Support.text(try await replay.send(request)) == #"{"r":\#(round)}"#)
      #expect(reader.database.keepsReadSnapshot)
    }
    // A deletion is seen as well: with the third /a gone, the second is the last one and repeats.
    #expect(try await replay.send(Support.post("/d")).status == 404)
    let third = try writer.matches(for: Support.post("/a", #"{"x":1}"#)).compactMap(\.id).last
    #expect(try writer.delete(ids: [third].compactMap { $0 }) == 1)
    #expect(Support.text(try await replay.send(Support.post("/a", #"{"x":1}"#))) == #"{"n":2}"#)
    #expect(Support.text(try await replay.send(Support.post("/a", #"{"x":1}"#))) == #"{"n":2}"#)
  }

  @Test("the usage log lists the same ids in the same order")
  func usageLog() async throws {
    let cassette = try Self.makeCassette()
    defer { cassette.close() }
    let directory = Support.temporaryDirectory()
    var logs: [String] = []
    for allowsQuick in [true, false] {
      let path = directory.appendingPathComponent("usage-\(allowsQuick).log").path
      let playback = DXCassettePlayback(
        cassette: cassette, options: .init(allowPlaybackRepeats: true, usageLogPath: path),
        allowsQuickReplay: allowsQuick)
      for request in Self.requests { _ = await Self.outcome(playback, request) }
      logs.append((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }
    #expect(logs[0] == logs[1])
    #expect(!logs[0].isEmpty)
  }
}
