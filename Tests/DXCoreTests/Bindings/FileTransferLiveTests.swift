import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

// Serialized: the suite moves tens of MiB through a debug build; one test at a time keeps it from
// starving the rest of a parallel run.
@Suite(
  "Bindings — streamed file transfers against dx-mock-server and its faults", .serialized,
  .timeLimit(.minutes(3)))
struct FileTransferLiveTests {
  static let mib = 1 << 20

  /// `count` varied bytes for `seed` (see ``testContent(_:seed:)``).
  static func content(_ count: Int, seed: Int = 1) -> Data { testContent(count, seed: seed) }

  /// 11 MiB in parts of 5, 5 and 1 MiB.
  static let elevenMiB = content(11 * mib)

  static func uploadOptions(_ progress: DXProgressReporter? = nil) -> DXUploadOptions {
    DXUploadOptions(DXNewObjectOptions(name: "data.bin"), partSizeHint: 5 * mib, progress: progress)
  }

  static func withFileClient<T: Sendable>(_ body: (DXMockServer, DXClient) async throws -> T) async throws
    -> T
  {
    try await DXMockServer.withClient { server, client in
      let project = try await DXProject.new(name: "files", client: client)
      return try await body(server, try client.inProject(project.id))
    }
  }

  static func attempts(_ server: DXMockServer, _ prefix: String, method: String? = nil) -> [DXJournalEntry] {
    server.journal().filter { $0.path.hasPrefix(prefix) && (method == nil || $0.method == method) }
  }

  @Test("upload a local file in 3 parts, download it to a file, as data and as chunks: byte-identical")
  func roundTrip() async throws {
    try await Self.withFileClient { server, client in
      try await withTemporaryFolder { directory in
        let source = directory.appendingPathComponent("in.bin")
        try Self.elevenMiB.write(to: source)
        let (updates, report) = DXTransferProgress.makeStream(bufferingPolicy: .unbounded)
        let file = try await DXFile.upload(
          contentsOf: source, DXUploadOptions(partSizeHint: 5 * Self.mib, progress: report), client: client)
        let seen = await updates.reduce(into: [DXTransferProgress]()) { $0.append($1) }
        #expect(
          seen.first
            == DXTransferProgress(bytesDone: 0, bytesTotal: 11 * Self.mib, partsDone: 0, partsTotal: 3))
        #expect(
          seen.last
            == DXTransferProgress(
              bytesDone: 11 * Self.mib, bytesTotal: 11 * Self.mib, partsDone: 3, partsTotal: 3))
        let description = try await file.describe(.init(fields: ["parts", "name", "state", "size"]))
        #expect(
          description.name == "in.bin" && description.state == "closed" && description.size == 11 * Self.mib)
        #expect(
          description.parts?.mapValues(\.size) == ["1": 5 * Self.mib, "2": 5 * Self.mib, "3": Self.mib])
        #expect(Self.attempts(server, "/file/new").count == 1)
        #expect(Self.attempts(server, "/\(file.id)/upload").count == 3)
        #expect(Self.attempts(server, "/F/upload/", method: "PUT").count == 3)
        #expect(Self.attempts(server, "/F/upload/").allSatisfy { $0.headers["Authorization"] == nil })
        #expect(Self.attempts(server, "/\(file.id)/close").count == 1)

        let target = directory.appendingPathComponent("out.bin")
        try await file.download(to: target, DXDownloadOptions(chunkSize: 4 * Self.mib))
        #expect(try Data(contentsOf: target) == Self.elevenMiB)
        let gets = Self.attempts(server, "/F/download/", method: "GET")
        #expect(
          Set(gets.map { $0.headers["Range"] ?? "" }) == [
            "bytes=0-4194303", "bytes=4194304-5242879", "bytes=5242880-9437183", "bytes=9437184-10485759",
            "bytes=10485760-11534335",
          ])
        #expect(Self.attempts(server, "/\(file.id)/download").count == 1)
        #expect(try await file.downloadData() == Self.elevenMiB)
        var joined = Data()
        for try await chunk in file.chunks(DXDownloadOptions(chunkSize: 3 * Self.mib, parallelChunks: 2)) {
          joined.append(chunk)
        }
        #expect(joined == Self.elevenMiB)
      }
    }
  }

  @Test("strings, data, async sequences and empty files")
  func smallHelpers() async throws {
    try await Self.withFileClient { server, client in
      let text = try await DXFile.upload(string: "hello, world\n", Self.uploadOptions(), client: client)
      #expect(try await text.downloadString() == "hello, world\n")
      let empty = try await DXFile.upload(data: Data(), Self.uploadOptions(), client: client)
      #expect(try await empty.downloadData().isEmpty)
      #expect(try await empty.describe(.init(fields: ["parts"])).parts?["1"]?.size == 0)
      let chunks = AsyncStream<[UInt8]> { continuation in
        for index in 0..<7 { continuation.yield([UInt8](repeating: UInt8(index), count: 1_000_000)) }
        continuation.finish()
      }
      let streamed = try await DXFile.upload(chunks, Self.uploadOptions(), client: client)
      let data = try await streamed.downloadData()
      #expect(data.count == 7_000_000 && data[6_999_999] == 6 && data[0] == 0)
      #expect(try await streamed.describe(.init(fields: ["parts"])).parts?.count == 2)
      try await withTemporaryFolder { directory in
        let source = directory.appendingPathComponent("local.bin")
        let local = Self.content(3 * Self.mib, seed: 9)
        try local.write(to: source)
        var read = Data()
        for try await chunk in DXLocalFileChunks(url: source, chunkSize: 1_000_000) { read.append(chunk) }
        #expect(read == local)
      }
      let open = try await DXFile.upload(
        data: Data("x".utf8), DXUploadOptions(keepOpen: true), client: client)
      #expect(try await open.state() == "open")
      #expect(server.journal().allSatisfy { $0.status.map { $0 < 400 } ?? true })
    }
  }

  @Test("a 503 on part 3's PUT: that part gets a fresh URL and is sent again; the file is identical")
  func serviceUnavailableOnPart3() async throws {
    try await Self.withFileClient { server, client in
      server.addFault(try DXFaultRule(method: "PUT", path: "/F/upload/*/3/*", fault: .status(503), times: 1))
      let file = try await DXFile.upload(data: Self.elevenMiB, Self.uploadOptions(), client: client)
      #expect(try await file.downloadData() == Self.elevenMiB)
      let puts = Self.attempts(server, "/F/upload/", method: "PUT")
      #expect(puts.filter { $0.path.contains("/3/") }.map(\.status) == [503, 200])
      #expect(puts.filter { !$0.path.contains("/3/") }.map(\.status) == [200, 200])
      let urls = Self.attempts(server, "/\(file.id)/upload")
      #expect(urls.count == 4)
      let thirdPuts = puts.filter { $0.path.contains("/3/") }.map(\.path)
      #expect(Set(thirdPuts).count == 2)
    }
  }

  @Test("a reset after a part's bytes: the part is sent again; the file is identical")
  func resetAfterPart() async throws {
    try await Self.withFileClient { server, client in
      server.addFault(try DXFaultRule(method: "PUT", path: "/F/upload/*/2/*", fault: .reset, times: 1))
      let file = try await DXFile.upload(data: Self.elevenMiB, Self.uploadOptions(), client: client)
      #expect(try await file.downloadData() == Self.elevenMiB)
      let puts = Self.attempts(server, "/F/upload/", method: "PUT")
      #expect(puts.filter { $0.path.contains("/2/") }.count == 2)
      #expect(puts.filter { !$0.path.contains("/2/") }.count == 2)
      #expect(Self.attempts(server, "/\(file.id)/upload").count == 4)
    }
  }

  @Test(
    "a PUT answered 400 with the platform's JSON error is not retried (dxpy's PUT/400 rule is for non-JSON errors)"
  )
  func platformBadRequestOnPut() async throws {
    try await Self.withFileClient { server, client in
      server.addFault(
        try DXFaultRule(
          method: "PUT", path: "/F/upload/*/1/*", fault: .status(400, errorType: "InvalidInput"), times: 1))
      await #expect {
        try await DXFile.upload(data: Data("abc".utf8), Self.uploadOptions(), client: client)
      } throws: { error in
        (error as? DXAPIError)?.type == .invalidInput
      }
      #expect(Self.attempts(server, "/F/upload/", method: "PUT").count == 1)
    }
  }

  @Test("a truncated chunk is fetched again on its own; the file arrives byte-identical")
  func truncatedChunk() async throws {
    try await Self.withFileClient { server, client in
      let content = Self.content(3 * Self.mib, seed: 4)
      let file = try await DXFile.upload(data: content, Self.uploadOptions(), client: client)
      server.clearJournal()
      server.addFault(
        try DXFaultRule(
          method: "GET", path: "/F/download/*", fault: .truncate(sendBytes: 1000), times: 1, skip: 1))
      try await withTemporaryFolder { directory in
        let target = directory.appendingPathComponent("out.bin")
        try await file.download(to: target, DXDownloadOptions(chunkSize: Self.mib, parallelChunks: 1))
        #expect(try Data(contentsOf: target) == content)
      }
      let gets = Self.attempts(server, "/F/download/", method: "GET")
      #expect(gets.count == 4)
      #expect(gets[1].headers["Range"] == "bytes=1048576-2097151")
      #expect(gets[1].headers["Range"] == gets[2].headers["Range"])
      #expect(gets[1].fault?.hasPrefix("truncate") == true)
    }
  }

  @Test("a chunk that stalls past the timeout is fetched again; the file arrives byte-identical")
  func stalledChunk() async throws {
    try await Self.withFileClient { server, client in
      let content = Self.content(2 * Self.mib, seed: 3)
      let file = try await DXFile.upload(data: content, Self.uploadOptions(), client: client)
      server.clearJournal()
      server.addFault(
        try DXFaultRule(method: "GET", path: "/F/download/*", fault: .delay(ms: 6_000), times: 1))
      let data = try await file.downloadData(
        DXDownloadOptions(chunkSize: Self.mib, parallelChunks: 1, requestTimeout: .seconds(2)))
      #expect(data == content)
      let gets = Self.attempts(server, "/F/download/", method: "GET")
      #expect(gets.count == 3)
      #expect(gets[0].headers["Range"] == gets[1].headers["Range"])
      #expect(gets[0].fault?.hasPrefix("delay") == true)
    }
  }

  @Test("resume: verified local parts are kept and only the rest is fetched")
  func resume() async throws {
    try await Self.withFileClient { server, client in
      let file = try await DXFile.upload(data: Self.elevenMiB, Self.uploadOptions(), client: client)
      try await withTemporaryFolder { directory in
        let target = directory.appendingPathComponent("partial.bin")
        var partial = Self.elevenMiB.prefix(5 * Self.mib)
        partial.append(Data(repeating: 7, count: 2 * Self.mib))
        try Data(partial).write(to: target)
        server.clearJournal()
        try await file.download(to: target)
        #expect(try Data(contentsOf: target) == Self.elevenMiB)
        let ranges = Self.attempts(server, "/F/download/", method: "GET").compactMap { $0.headers["Range"] }
        #expect(Set(ranges) == ["bytes=5242880-10485759", "bytes=10485760-11534335"])
        server.clearJournal()
        try await file.download(to: target)
        #expect(Self.attempts(server, "/F/download/", method: "GET").isEmpty)
      }
    }
  }
}
