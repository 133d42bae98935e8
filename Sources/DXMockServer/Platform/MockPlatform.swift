import DXCore
import Foundation

/// The emulated platform behind the HTTP layer: users, tokens, and (as the stateful-platform work
/// lands) projects, folders and data objects.
///
/// The HTTP core creates one per server, registers its routes into the server's
/// ``PlatformRouter``, resolves tokens through it, and offers it every request first through
/// ``handleTransfer(_:)`` (file upload/download URLs, which carry no API token).
final class MockPlatform: Sendable {
  /// One user and the tokens that authenticate as them.
  struct User: Sendable, Hashable {
    /// The handle, e.g. `"alice"`; the user's ID is `user-<handle>`.
    var handle: String
    /// The API tokens that authenticate as this user.
    var tokens: [String]

    /// `user-<handle>`.
    var id: String { "user-\(handle)" }
  }

  /// How the platform starts.
  struct Configuration: Sendable {
    /// The users; the first is the default user.
    var users: [User]
    /// A seed that makes generated IDs deterministic, or `nil` for random IDs.
    var seed: UInt64?
    /// An SQLite file that keeps the state across restarts, or `nil` to keep it in memory.
    var statePath: String?
  }

  let configuration: Configuration
  private let userByToken: [String: String]

  /// Creates the platform.
  /// - Throws: ``DXPlatformError`` when the state file cannot be opened.
  init(configuration: Configuration) throws {
    self.configuration = configuration
    var map: [String: String] = [:]
    for user in configuration.users {
      for token in user.tokens { map[token] = user.id }
    }
    self.userByToken = map
  }

  /// The ID of the user `token` authenticates as, or `nil` for an unknown token.
  func userID(forToken token: String) -> String? { userByToken[token] }

  /// Adds the platform's routes to `router`.
  func register(into router: inout PlatformRouter) {}

  /// Serves a file-transfer URL (upload or download), or returns `nil` when `request` is not one.
  func handleTransfer(_ request: DXMockRequest) -> DXMockResponse? { nil }

  /// Restores the initial state.
  func reset() throws {}

  /// Flushes and closes persistent state; called once when the server stops.
  func close() {}
}
