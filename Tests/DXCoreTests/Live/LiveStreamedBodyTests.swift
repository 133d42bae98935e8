import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

@Suite("Live — request bodies streamed by both engines", .timeLimit(.minutes(2)))
struct LiveStreamedBodyTests {
  /// `count` varied bytes.
  static func bytes(_ count: Int) -> Data { testContent(count, seed: 11) }

  /// `data` as a streamed body in `chunk`-byte pieces, failing after `failAfter` chunks when given.
  static func streamed(_ data: Data, chunk: Int, failAfter: Int? = nil) -> DXStreamedBody {
    DXStreamedBody(length: data.count) {
      let state = DXLock((offset: 0, produced: 0))
      return AsyncThrowingStream {
        try state.withLock { state -> Data? in
          if let failAfter, state.produced == failAfter { throw DXError.bodyStream("producer failed") }
          guard state.offset < data.count else { return nil }
          let end = min(state.offset + chunk, data.count)
          defer { (state.offset, state.produced) = (end, state.produced + 1) }
          return data.subdata(in: state.offset..<end)
        }
      }
    }
  }

  /// A new file and a fresh upload URL (with its headers) for its one part of `data`'s size.
  static func uploadTarget(_ client: DXClient, _ data: Data) async throws -> (String, DXHTTPHeaders, DXFile) {
    let project = try await DXProject.new(name: "stream", client: client)
    let file = try await DXFile.new(DXNewObjectOptions(project: project.id), client: client)
    let reply = try await client.fileUpload(file.id, ["index": 1, "size": .integer(data.count)])
    var headers = DXHTTPHeaders()
    for (name, value) in reply["headers"]?.objectValue ?? [:] {
      headers.add(name: name, value: value.stringValue ?? "")
    }
    return (try #require(reply["url"]?.stringValue), headers, file)
  }

  /// Closes `file` and checks that it holds `data`.
  static func expectContent(_ file: DXFile, _ data: Data) async throws {
    try await file.close(wait: true)
    #expect(try await file.downloadData() == data)
  }

  @Test("a streamed PUT arrives whole and byte-identical", arguments: DXLiveTransport.Engine.allCases)
  func streamedPut(engine: DXLiveTransport.Engine) async throws {
    try await DXMockServer.withClient { server, client in
      let data = Self.bytes(3 << 20 + 12_345)
      let (url, headers, file) = try await Self.uploadTarget(client, data)
      try await DXLiveTransport.withTransport(.init(engine: engine)) { transport in
        #expect(transport.acceptsStreamedBodies)
        let request = DXTransportRequest(
          method: "PUT", url: url, headers: headers, timeout: .seconds(30),
          streamedBody: Self.streamed(data, chunk: 100_000))
        let response = try await transport.send(request)
        #expect(response.status == 200)
        let put = try #require(server.journal().last { $0.method == "PUT" })
        #expect(put.bodySize == data.count && put.status == 200)
        // The connection carries the next request.
        let whoami = DXTransportRequest(
          method: "POST", url: server.baseURL + "/system/whoami",
          headers: [
            "Content-Type": "application/json",
            "Authorization": "Bearer \(DXMockServer.Configuration.defaultToken)",
          ], body: Data("{}".utf8))
        #expect(try await transport.send(whoami).status == 200)
      }
      try await Self.expectContent(file, data)
    }
  }

  @Test(
    "a body whose producer fails is that error, and the transport goes on",
    arguments: DXLiveTransport.Engine.allCases)
  func producerFails(engine: DXLiveTransport.Engine) async throws {
    try await DXMockServer.withClient { server, client in
      let data = Self.bytes(1 << 20)
      let (url, headers, file) = try await Self.uploadTarget(client, data)
      try await DXLiveTransport.withTransport(.init(engine: engine)) {
        (transport: DXLiveTransport) async throws in
        let failing = DXTransportRequest(
          method: "PUT", url: url, headers: headers, timeout: .seconds(30),
          streamedBody: Self.streamed(data, chunk: 100_000, failAfter: 3))
        await #expect(throws: (any Error).self) { try await transport.send(failing) }
        let whole = DXTransportRequest(
          method: "PUT", url: url, headers: headers, timeout: .seconds(30),
          streamedBody: Self.streamed(data, chunk: 1 << 20))
        #expect(try await transport.send(whole).status == 200)
      }
      #expect(server.journal().filter { $0.method == "PUT" && $0.status == 200 }.count == 1)
      try await Self.expectContent(file, data)
    }
  }

  @Test(
    "DXClient streams a stream body only to a transport that accepts it; retries re-read it from the start")
  func clientStreamsOnlyWhenAccepted() async throws {
    try await DXMockServer.withClient { server, client in
      let data = Self.bytes(2 << 20)
      let (url, headers, file) = try await Self.uploadTarget(client, data)
      server.addFault(try DXFaultRule(method: "PUT", path: "/F/upload/*", fault: .status(503), times: 1))
      let streamedSeen = DXLock<[Bool]>([])
      let spy = SpyMiddleware { request in streamedSeen.withLock { $0.append(request.streamedBody != nil) } }
      guard let live = client.transport as? DXLiveTransport else { throw DXError.invalidArgument("not live") }
      var spying = client
      spying.transport = DXMiddlewareTransport(base: live, middleware: [spy])
      try await spying.request(
        .route(url), data: .stream(DXDataBodyStream(data)), method: "PUT", headers: headers, auth: .none,
        jsonifyData: false, prependServer: false, alwaysRetry: true)
      #expect(streamedSeen.withLock { $0 } == [true, true])
      #expect(server.journal().filter { $0.method == "PUT" }.map(\.status) == [503, 200])
      try await Self.expectContent(file, data)

      let bodies = DXLock<[Int]>([])
      var collecting = client
      collecting.transport = DXClosureTransport { request in
        bodies.withLock { $0.append(request.streamedBody == nil ? request.body.count : -1) }
        return try await live.send(request)
      }
      let (again, againHeaders, second) = try await Self.uploadTarget(client, data)
      try await collecting.request(
        .route(again), data: .stream(DXDataBodyStream(data)), method: "PUT", headers: againHeaders,
        auth: .none,
        jsonifyData: false, prependServer: false, alwaysRetry: true)
      #expect(bodies.withLock { $0 } == [data.count])
      try await Self.expectContent(second, data)
    }
  }

  @Test("a file region streams its bytes and nothing beyond them")
  func fileRegion() async throws {
    try await withTemporaryFolder { folder in
      let path = folder.appendingPathComponent("f.bin").path
      try Data((0..<100).map { UInt8($0) }).write(to: URL(fileURLWithPath: path))
      let region = try DXFileRegionBodyStream(path: path, offset: 10, length: 20)
      #expect(try region.remainingLength() == 20)
      #expect(try region.read(upToCount: 5) == Data((10..<15).map { UInt8($0) }))
      #expect(try region.readToEnd() == Data((15..<30).map { UInt8($0) }))
      #expect(try region.read(upToCount: 5).isEmpty)
      try region.seek(to: 18)
      #expect(try region.readToEnd() == Data([28, 29]))
      #expect(throws: DXError.self) { try region.seek(to: 21) }
      let beyond = try DXFileRegionBodyStream(path: path, offset: 90, length: 20)
      #expect(throws: DXError.self) { try beyond.readToEnd() }
    }
  }
}

/// A middleware that reports each request it sees and says it accepts streamed bodies.
struct SpyMiddleware: DXTransportMiddleware {
  let seen: @Sendable (DXTransportRequest) -> Void
  init(_ seen: @escaping @Sendable (DXTransportRequest) -> Void) { self.seen = seen }
  var acceptsStreamedBodies: Bool { true }
  func intercept(
    _ request: DXTransportRequest, next: @Sendable (DXTransportRequest) async throws -> DXTransportResponse
  ) async throws -> DXTransportResponse {
    seen(request)
    return try await next(request)
  }
}
