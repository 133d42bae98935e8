import DXCassette
import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

@Suite("Cassettes — a DXFile upload and download record and replay with no server")
struct BindingsCassetteTests {
  typealias S = CassetteTestSupport

  /// 300 KiB of varied bytes: one part, downloaded in five ranged chunks. (Parts before the last must
  /// be 5 MiB on the mock, and recording bodies that large costs seconds per MiB in a debug build.)
  static let content: Data = {
    var bytes = [UInt8](repeating: 0, count: 300 << 10)
    var state: UInt32 = 12_345
    for index in bytes.indices {
      state = state &* 1_664_525 &+ 1_013_904_223
      bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return Data(bytes)
  }()

  /// New project, upload, download in parallel ranged chunks.
  static func session(_ client: DXClient) async throws -> (String, Data) {
    let project = try await DXProject.new(name: "cassette", client: client)
    let client = try client.withProjectContext(project.id)
    let file = try await DXFile.upload(
      data: content, DXUploadOptions(DXNewObjectOptions(name: "c.bin")), client: client)
    let data = try await file.downloadData(DXDownloadOptions(chunkSize: 64 << 10))
    return (file.id, data)
  }

  @Test func uploadAndDownloadReplayByteIdentical() async throws {
    let path = S.cassettePath()
    let token = DXMockServer.Configuration.defaultToken
    // Ranged GETs of one URL differ only in their Range header: match on it too.
    let matching = DXCassetteMatching(headers: ["Range"])
    let (recordedID, recordedData, baseURL) = try await DXMockServer.withRunning { server in
      try await DXLiveTransport.withTransport { live in
        let cassette = try DXCassette(
          path: path, matching: matching, secrets: DXSecretScanner(tokens: [token]))
        let recorder = try DXRecordingMiddleware(cassette: cassette, mode: .once)
        let client = DXClient(
          platform: CassetteFaultTests.platform(server.baseURL, token: token),
          transport: DXMiddlewareTransport(base: live, middleware: [recorder]), clock: DXTestClock(),
          random: DXTestRandomSource(seed: 1))
        let (id, data) = try await Self.session(client)
        cassette.close()
        return (id, data, server.baseURL)
      }
    }
    #expect(recordedData == Self.content)

    let cassette = try DXCassette(path: path, access: .readOnly, matching: matching)
    let replay = DXReplayTransport(cassette: cassette)
    let client = DXClient(
      platform: CassetteFaultTests.platform(baseURL, token: "another-token"), transport: replay,
      clock: DXTestClock(), random: DXTestRandomSource(seed: 1))
    let (replayedID, replayedData) = try await Self.session(client)
    #expect(replayedID == recordedID)
    #expect(replayedData == Self.content)
    #expect(replay.playedIDs.count == (try cassette.count()))
  }
}
