import DXCassette
import DXCore
import DXMockServer

/// What a DXKitTesting trait gives the running test: a ready client, its clock, and the mock server or
/// cassette behind it.
///
/// ``DXMockServerTrait`` and ``DXCassetteTrait`` bind ``current`` for the duration of one test (a task
/// local, so tests running in parallel each see their own):
///
/// ```swift
/// @Test(.dxMockServer(faults: [.status(503).times(2)]))
/// func retriesTwice() async throws {
///   let me = try await DXTestScope.client.systemWhoami()
///   #expect(me["id"] == "user-alice")
///   #expect(DXTestScope.current?.clock.sleeps.count == 2)
/// }
/// ```
///
/// When a ``DXCassetteTrait`` runs inside a ``DXMockServerTrait`` (both on one test), the cassette's
/// scope keeps the server and the clock and replaces the client with one that records or replays.
public struct DXTestScope: Sendable {
  /// The client to call: pointed at the scoped server, or recording into or replaying from the scoped
  /// cassette.
  public var client: DXClient
  /// The client's clock: sleeps return at once and are recorded.
  public var clock: DXTestClock
  /// The client's randomness.
  public var random: DXTestRandomSource
  /// The mock server of a ``DXMockServerTrait``, or `nil`.
  public var server: DXMockServer?
  /// The cassette of a ``DXCassetteTrait``, or `nil`.
  public var cassette: DXCassette?

  /// Creates a scope.
  public init(
    client: DXClient, clock: DXTestClock, random: DXTestRandomSource, server: DXMockServer? = nil,
    cassette: DXCassette? = nil
  ) {
    self.client = client
    self.clock = clock
    self.random = random
    self.server = server
    self.cassette = cassette
  }

  /// The scope of the running test, or `nil` outside a DXKitTesting trait.
  @TaskLocal public static var current: DXTestScope?

  /// The client of the running test's scope.
  /// - Throws: ``DXKitTestingError`` when no DXKitTesting trait scopes the running test.
  public static var client: DXClient {
    get throws(DXKitTestingError) {
      guard let current else {
        throw DXKitTestingError(
          "no DXKitTesting scope: add .dxMockServer(…) or .cassette(…) to the test's traits")
      }
      return current.client
    }
  }
}

extension DXMockServer {
  /// The mock server scoped to the running test by ``DXMockServerTrait``, or `nil`.
  public static var current: DXMockServer? { DXTestScope.current?.server }
}

extension DXCassette {
  /// The cassette scoped to the running test by ``DXCassetteTrait``, or `nil`.
  public static var current: DXCassette? { DXTestScope.current?.cassette }
}
