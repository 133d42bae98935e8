import DXCassette
import DXCore
import DXWire
import Foundation
import Testing

/// A Swift Testing trait that records the test's API calls into a cassette on the first run and replays
/// them after, as Ruby VCR's `use_cassette` does; the test calls through ``DXTestScope/client-swift.type.property``.
///
/// ```swift
/// @Test(.cassette("whoami"))
/// func whoami() async throws {
///   let me = try await DXTestScope.client.systemWhoami()
///   #expect(me["id"] == "user-alice")
/// }
/// ```
///
/// **Where.** `<name>.dxcassette` in the `cassettes` folder of the test's target (the folder under
/// `Tests/` that holds the test's file), or in `directory` (absolute, or relative to that target
/// folder). Exclude the folder from the target in `Package.swift` (`exclude: ["cassettes"]`) and
/// commit the files.
///
/// **When.** See `withClient(path:mode:upstream:matching:allowPlaybackRepeats:clock:random:environment:onMiss:_:)`:
/// mode `.once` records a missing cassette and replays an existing one offline; in CI (`CI=true`) or
/// with `DXKIT_CASSETTE_RECORD_MODE=none` every cassette replays and a missing one fails the test.
/// Listed after `.dxMockServer(…)` on the same test, the cassette records against that mock server.
///
/// **One file per test.** The cases of a parameterized test share the cassette; give cases that send
/// different requests a test of their own, or open a cassette per case with
/// `DXCassette.withClient(path:…)` inside the test.
///
/// **Misses.** A request that matches no recorded interaction is an issue of the test, with the nearest
/// recorded candidate and the differing fields in its message, even when the code under test catches
/// the error.
public struct DXCassetteTrait: TestTrait, TestScoping {
  /// The cassette's name: the file is `<name>.dxcassette`.
  public var name: String
  /// The record mode asked for (the environment may override it).
  public var mode: DXCassetteRecordMode
  /// The folder of the cassette, or `nil` for the test target's `cassettes` folder.
  public var directory: String?
  /// Where recorded requests go.
  public var upstream: DXCassetteUpstream
  /// How requests are matched.
  public var matching: DXCassetteMatching
  /// Replay the last matching interaction again once all were played.
  public var allowPlaybackRepeats: Bool
  /// The environment the mode is resolved in; `nil` for the process's (tests of the trait set it).
  var environment: [String: String]?

  /// Creates the trait; see ``Testing/Trait/cassette(_:mode:directory:upstream:matching:allowPlaybackRepeats:)``.
  public init(
    name: String, mode: DXCassetteRecordMode, directory: String?, upstream: DXCassetteUpstream,
    matching: DXCassetteMatching, allowPlaybackRepeats: Bool
  ) {
    self.name = name
    self.mode = mode
    self.directory = directory
    self.upstream = upstream
    self.matching = matching
    self.allowPlaybackRepeats = allowPlaybackRepeats
  }

  /// The cassette file for a test whose source file is `filePath`.
  public func path(forTestFile filePath: String) -> String {
    let file = name.hasSuffix(".dxcassette") ? name : name + ".dxcassette"
    let target = Self.targetDirectory(of: filePath)
    guard let directory else { return target + "/cassettes/" + file }
    if directory.hasPrefix("/") { return directory + "/" + file }
    return target + "/" + directory + "/" + file
  }

  /// The test target folder of a source file: the folder directly under `Tests/` on the file's path, or
  /// the file's own folder when it is not under `Tests/`.
  static func targetDirectory(of filePath: String) -> String {
    let folder = (filePath as NSString).deletingLastPathComponent
    var components = folder.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    if let tests = components.lastIndex(of: "Tests"), tests + 1 < components.count {
      components = Array(components[...(tests + 1)])
      return components.joined(separator: "/")
    }
    return folder
  }

  /// Opens the cassette, binds ``DXTestScope/current`` while the test runs, and closes it; a miss is
  /// recorded as an issue of the test.
  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let path = path(forTestFile: test.sourceLocation.filePath)
    let outer = DXTestScope.current
    let clock = outer?.clock ?? DXTestClock()
    let random = outer?.random ?? DXTestRandomSource(seed: 0)
    let reported = DXLock<[DXCassetteError]>([])
    let sourceLocation = test.sourceLocation
    do {
      try await DXCassette.withClient(
        path: path, mode: mode, upstream: upstream, matching: matching,
        allowPlaybackRepeats: allowPlaybackRepeats, clock: clock, random: random,
        environment: environment ?? ProcessInfo.processInfo.environment,
        onMiss: { error in
          reported.withLock { $0.append(error) }
          Issue.record(Comment(rawValue: error.message), sourceLocation: sourceLocation)
        }
      ) { cassette, client in
        let scope = DXTestScope(
          client: client, clock: clock, random: random, server: outer?.server, cassette: cassette)
        try await DXTestScope.$current.withValue(scope) { try await function() }
      }
    } catch let error as DXCassetteError where reported.withLock({ $0.contains(error) }) {
      // Already recorded as an issue with its diff; throwing it again would report it twice.
    }
  }
}

extension Trait where Self == DXCassetteTrait {
  /// Records the test's API calls into the cassette `name` on the first run and replays them after
  /// (see ``DXCassetteTrait``).
  /// - Parameters:
  ///   - name: The cassette's name (`<name>.dxcassette`).
  ///   - mode: The record mode; default `.once` (record if missing, else replay). The environment
  ///     may override it (``DXCassette/DXCassetteRecordMode/effective(in:)``).
  ///   - directory: The cassette's folder, absolute or relative to the test target's folder; default
  ///     `nil`, the target's `cassettes` folder.
  ///   - upstream: Where recorded requests go; default ``DXCassetteUpstream/automatic``.
  ///   - matching: How requests are matched; default `DXCassetteMatching.default`.
  ///   - allowPlaybackRepeats: Replay the last matching interaction again once all were played;
  ///     default `false`.
  public static func cassette(
    _ name: String, mode: DXCassetteRecordMode = .once, directory: String? = nil,
    upstream: DXCassetteUpstream = .automatic, matching: DXCassetteMatching = .default,
    allowPlaybackRepeats: Bool = false
  ) -> Self {
    DXCassetteTrait(
      name: name, mode: mode, directory: directory, upstream: upstream, matching: matching,
      allowPlaybackRepeats: allowPlaybackRepeats)
  }
}
