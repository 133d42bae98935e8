import DXCore
import DXMockServer
import Foundation

/// Runs `body` with a mock server on port 0, a live transport and a client with a recording clock;
/// always stops both.
func withLiveClient<T: Sendable>(
  configuration: DXClient.Configuration = .default,
  _ body: (DXMockServer, DXClient, RecordingClock) async throws -> T
) async throws -> T {
  try await DXMockServer.withRunning { server in
    try await DXLiveTransport.withTransport { transport in
      let clock = RecordingClock()
      let client = DXClient(
        platform: testPlatform(url: server.baseURL, token: DXMockServer.Configuration.defaultToken),
        configuration: configuration, transport: transport, clock: clock, random: ScriptedRandom())
      return try await body(server, client, clock)
    }
  }
}

extension DXMockServer {
  /// The journal entries for `path`.
  func attempts(_ path: String) -> [DXJournalEntry] { journal().filter { $0.path == path } }
}
