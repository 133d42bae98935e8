import DXCassette
import DXCore
import DXMockServer
import DXWire
import Foundation
import Testing

@testable import DXKitTesting

@Suite("The .cassette trait")
struct CassetteTraitTests {
  /// The committed cassettes of this target.
  static let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("cassettes").path

  @Test(
    "a committed cassette replays: recorded once against a mock server, offline after",
    .cassette("whoami", upstream: .mockServer(seed: 0)))
  func committedCassetteReplays() async throws {
    let me = try await DXTestScope.client.systemWhoami()
    #expect(me["id"] == "user-alice")
    let cassette = try #require(DXCassette.current)
    #expect(try cassette.count() == 1)
  }

  @Test(
    "listed after .dxMockServer, the cassette records against that server and replays without it",
    .dxMockServer(seed: 0), .cassette("composed"))
  func composedWithMockServer() async throws {
    let server = try #require(DXMockServer.current)
    let cassette = try #require(DXCassette.current)
    let project = try await DXTestScope.client.request("/project/new", data: ["name": "composed"])
    #expect(project["id"]?.stringValue?.hasPrefix("project-") == true)
    // Recording sends the request to the server; replaying (every run after the first) does not.
    #expect(server.journal().count == (cassette.isReadOnly ? 0 : 1))
  }

  @Test("the first run records through the upstream, the next replays from the file with no network")
  func recordsThenReplays() async throws {
    try await withTemporaryDirectory { directory in
      var trait = DXCassetteTrait.cassette("life", directory: directory, upstream: .mockServer(seed: 0))
      trait.environment = [:]
      let test = try #require(Test.current)
      let first = try await Self.run(trait, test)
      #expect(first.readOnly == false)
      let file = directory + "/life.dxcassette"
      #expect(try DXCassette(path: file, access: .readWrite).count() == 2)

      // Nothing listens on the discard port: only a replay can answer.
      var unreachable = DXConfiguration()
      unreachable.setAPIServerInfo(host: "127.0.0.1", port: 9, protocol: "http")
      trait.upstream = .platform(unreachable)
      let second = try await Self.run(trait, test)
      #expect(second.readOnly == true)
      #expect(second.ids == first.ids)
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["life.dxcassette"])
    }
  }

  /// Runs the trait's scope around a whoami and a project creation; returns what they answered.
  static func run(_ trait: DXCassetteTrait, _ test: Test) async throws -> (readOnly: Bool, ids: [String]) {
    let result = DXLock<(Bool, [String])>((false, []))
    try await trait.provideScope(for: test, testCase: nil) {
      let client = try DXTestScope.client
      let me = try await client.systemWhoami()
      let project = try await client.request("/project/new", data: ["name": "one"])
      let readOnly = DXCassette.current?.isReadOnly ?? false
      let ids = [me["id"]?.stringValue ?? "", project["id"]?.stringValue ?? ""]
      result.withLock { $0 = (readOnly, ids) }
    }
    return result.withLock { $0 }
  }

  @Test(
    "a request the cassette does not hold fails the test with the nearest candidate and the diff, even when caught"
  )
  func missFailsTheTest() async throws {
    try await withTemporaryDirectory { directory in
      var trait = DXCassetteTrait.cassette("miss", directory: directory, upstream: .mockServer(seed: 0))
      trait.environment = [:]
      let test = try #require(Test.current)
      _ = try await Self.run(trait, test)
      trait.environment = ["CI": "true"]
      try await withKnownIssue {
        try await trait.provideScope(for: test, testCase: nil) {
          // The code under test swallows the error: the miss must still fail the test.
          _ = try? await DXTestScope.client.request("/project/new", data: ["name": "two"])
        }
      } matching: { issue in
        let text = issue.comments.map(\.rawValue).joined()
        return text.contains("nearest candidate: #2 POST /project/new")
          && text.contains(#"body.name: "two" ≠ "one""#)
      }
      // Thrown out of the test, the miss is one issue, not two (an issue for the thrown error would have
      // no comment, match nothing, and fail this test).
      try await withKnownIssue {
        try await trait.provideScope(for: test, testCase: nil) {
          try await DXTestScope.client.request("/system/findProjects")
        }
      } matching: { issue in
        issue.comments.map(\.rawValue).joined().contains(
          "no recorded interaction matches POST /system/findProjects")
      }
    }
  }

  @Test("in mode none (CI) a missing cassette fails with a message saying how to record it")
  func missingInCIFails() async throws {
    try await withTemporaryDirectory { directory in
      var trait = DXCassetteTrait.cassette("absent", directory: directory)
      trait.environment = ["CI": "true"]
      let test = try #require(Test.current)
      do {
        try await trait.provideScope(for: test, testCase: nil) { Issue.record("the test ran") }
        Issue.record("expected an error")
      } catch let error as DXKitTestingError {
        #expect(error.message.contains("absent.dxcassette does not exist"))
        #expect(error.message.contains("record mode none never records"))
      }
      #expect(!FileManager.default.fileExists(atPath: directory + "/absent.dxcassette"))
    }
  }

  @Test("the environment decides the mode: none stays none, then DXKIT_CASSETTE_RECORD_MODE, then CI")
  func effectiveMode() throws {
    #expect(try DXCassetteRecordMode.once.effective(in: [:]) == .once)
    #expect(try DXCassetteRecordMode.all.effective(in: ["CI": "false"]) == .all)
    #expect(try DXCassetteRecordMode.once.effective(in: ["CI": "true"]) == DXCassetteRecordMode.none)
    #expect(try DXCassetteRecordMode.newEpisodes.effective(in: ["CI": "1"]) == DXCassetteRecordMode.none)
    #expect(
      try DXCassetteRecordMode.once.effective(in: ["CI": "true", "DXKIT_CASSETTE_RECORD_MODE": "all"]) == .all
    )
    #expect(
      try DXCassetteRecordMode.once.effective(in: ["DXKIT_CASSETTE_RECORD_MODE": "NEWEPISODES"])
        == .newEpisodes)
    #expect(throws: DXKitTestingError.self) {
      try DXCassetteRecordMode.once.effective(in: ["DXKIT_CASSETTE_RECORD_MODE": "sometimes"])
    }
    // A replay-only cassette is never recorded by a test, whatever the environment says.
    #expect(
      try DXCassetteRecordMode.none.effective(in: ["DXKIT_CASSETTE_RECORD_MODE": "all"])
        == DXCassetteRecordMode.none)
  }

  @Test("the file lives in the test target's cassettes folder unless a directory is given")
  func paths() {
    let file = "/repo/Tests/AppTests/Sub/WhoamiTests.swift"
    #expect(
      DXCassetteTrait.cassette("a").path(forTestFile: file) == "/repo/Tests/AppTests/cassettes/a.dxcassette")
    #expect(
      DXCassetteTrait.cassette("b.dxcassette", directory: "fixtures").path(forTestFile: file)
        == "/repo/Tests/AppTests/fixtures/b.dxcassette")
    #expect(
      DXCassetteTrait.cassette("c", directory: "/tmp/x").path(forTestFile: file) == "/tmp/x/c.dxcassette")
    #expect(DXCassetteTrait.cassette("d").path(forTestFile: "/src/T.swift") == "/src/cassettes/d.dxcassette")
  }

  @Test("a read-only copy leaves the committed file and its folder untouched")
  func readOnlyCopy() async throws {
    let path = Self.committed + "/whoami.dxcassette"
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let listing = try FileManager.default.contentsOfDirectory(atPath: Self.committed).sorted()
    let count = try await DXCassette.withReadOnlyCopy(of: path) { cassette in
      #expect(cassette.isReadOnly)
      #expect(cassette.path != path)
      return try cassette.count()
    }
    #expect(count == 1)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: Self.committed).sorted() == listing)
    await #expect(throws: DXCassetteError.self) {
      try await DXCassette.withReadOnlyCopy(of: Self.committed + "/nothing.dxcassette") { _ in }
    }
  }
}

/// A per-test temporary folder, removed after `body`.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dxkit-testing-\(UUID().uuidString)"
  ).path
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try await body(path)
}
