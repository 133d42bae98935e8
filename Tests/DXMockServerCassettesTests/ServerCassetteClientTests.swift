import DXCassette
import DXCore
import DXKitTesting
import DXMockServer
import DXMockServerCassettes
import Foundation
import Testing

/// What a Swift user does with a `--replay` server: point a ready DXClient at it.
@Suite("A DXClient against a replaying server")
struct ServerCassetteClientTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("cassettes/platform.dxcassette").path

  @Test("DXMockServer.withClient serves a committed fixture through the replay backend")
  func clientAgainstReplayServer() async throws {
    try await DXCassette.withReadOnlyCopy(of: Self.fixture) { copy in
      let backend = try DXCassetteReplayBackend(cassettePath: copy.path)
      defer { backend.close() }
      var configuration = DXMockServer.Configuration()
      configuration.backend = backend
      try await DXMockServer.withClient(configuration) { server, client in
        let me = try await client.systemWhoami()
        #expect(me["id"] == "user-alice")
        #expect(backend.playedIDs.count == 1)
        #expect(server.journal().map(\.status) == [200])
      }
    }
  }
}
