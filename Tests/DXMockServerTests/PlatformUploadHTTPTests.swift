import Crypto
import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform uploads over HTTP: sizes, MD5, limits")
struct PlatformUploadHTTPTests {
  /// An open file in a new project, and a function that asks for a part's upload URL (its path).
  static func openFile(_ server: DXMockServer) async throws -> (
    file: String, uploadPath: (DXJSON) async throws -> String
  ) {
    func api(_ path: String, _ body: DXJSON) async throws -> DXJSON {
      try DXJSON(parsing: try await server.rawExchange(path: path, body: body.serializedString()).body)
    }
    let project = try await api("/project/new", ["name": "uploads"])["id"] ?? .null
    let file = try await api("/file/new", ["project": project, "name": "big.bin"])["id"]?.stringValue ?? ""
    return (
      file,
      { input in
        PlatformHTTPTests.path(of: try await api("/\(file)/upload", input)["url"]?.stringValue ?? "")
      }
    )
  }

  /// Sends `body` to `path` with PUT on a fresh connection (chunked or with a Content-Length).
  static func put(_ server: DXMockServer, _ path: String, _ body: [UInt8], chunked: Bool = false) async throws
    -> RawHTTPClient.Response
  {
    let port = server.port
    return try await onDedicatedThread {
      let client = try RawHTTPClient(port: port, timeout: 20)
      try client.sendRequest(method: "PUT", path: path, body: body, chunked: chunked)
      return try client.readResponse()
    }
  }

  @Test func onlyUploadURLsAreHashedOnTheWay() {
    #expect(MockPlatform.isUploadURL("/F/upload/file-xxxx/1/0123abcd"))
    #expect(!MockPlatform.isUploadURL("/F/download/file-xxxx/-/name"))
    #expect(!MockPlatform.isUploadURL("/file-xxxx/upload"))
    #expect(!MockPlatform.isUploadURL("/__admin/requests"))
  }

  @Test func largePartsAreCheckedAndStoredWithTheirMD5() async throws {
    try await withServer { server in
      let (file, uploadPath) = try await Self.openFile(server)
      // Several digest batches, not a multiple of any buffer size.
      let first = RequestBodyTests.bytes(5 * RequestBody.digestBatch + 12_345)
      let digest = RequestBodyTests.md5(first)
      let declared = try await uploadPath(["index": 1, "size": .integer(first.count), "md5": .string(digest)])
      let stored = try await Self.put(server, declared, first)
      #expect(stored.status == 200)
      #expect(stored.header("ETag") == "\"\(digest)\"")

      // A wrong MD5 or size is refused with the digest of what arrived.
      var changed = first
      changed[3 * RequestBody.digestBatch + 1] ^= 1
      let wrongMD5 = try await Self.put(server, declared, changed)
      #expect(wrongMD5.status == 400)
      #expect(wrongMD5.errorType == "InvalidInput")
      #expect(wrongMD5.bodyText.contains(RequestBodyTests.md5(changed)))
      let wrongSize = try await Self.put(server, declared, Array(first.dropLast()))
      #expect(wrongSize.status == 400)

      // Chunked (no Content-Length): hashed as it grows.
      let second = RequestBodyTests.bytes(2 * RequestBody.digestBatch + 77)
      let chunkedPath = try await uploadPath(["index": 2, "md5": .string(RequestBodyTests.md5(second))])
      let chunked = try await Self.put(server, chunkedPath, second, chunked: true)
      #expect(chunked.status == 200)
      #expect(chunked.header("ETag") == "\"\(RequestBodyTests.md5(second))\"")

      let describe = try DXJSON(
        parsing: try await server.rawExchange(path: "/\(file)/describe", body: #"{"fields":{"parts":true}}"#)
          .body)
      #expect(describe["parts"]?["1"]?["md5"] == .string(digest))
      #expect(describe["parts"]?["2"]?["size"] == .integer(second.count))
      #expect(try await server.rawExchange(path: "/\(file)/close").status == 200)
      let download =
        try DXJSON(
          parsing: try await server.rawExchange(path: "/\(file)/download", body: "{}").body)["url"]?
        .stringValue ?? ""
      let whole = try await server.rawExchange(
        method: "GET", path: PlatformHTTPTests.path(of: download), token: nil, body: "", timeout: 20)
      #expect(whole.body == first + second)
    }
  }

  @Test func uploadsOverTheLimitGet413DeclaredOrStreamed() async throws {
    try await withServer({ $0.maxBodyBytes = RequestBody.digestBatch }) { server in
      let (_, uploadPath) = try await Self.openFile(server)
      let path = try await uploadPath(["index": 1])
      let big = RequestBodyTests.bytes(RequestBody.digestBatch + 1)
      let declared = try await Self.put(server, path, big)
      #expect(declared.status == 413)
      #expect(declared.errorType == "InvalidInput")
      let streamed = try await Self.put(server, path, big, chunked: true)
      #expect(streamed.status == 413)
      // The same URL still takes a body within the limit.
      let fits = try await Self.put(server, path, Array(big.dropLast()))
      #expect(fits.status == 200)
      #expect(fits.header("ETag") == "\"\(RequestBodyTests.md5(Array(big.dropLast())))\"")
      let statuses = server.journal().filter { $0.path.hasPrefix("/F/upload/") }.map(\.status)
      #expect(statuses == [413, 413, 200])
    }
  }

  @Test func faultsStillApplyToLargeUploads() async throws {
    try await withServer { server in
      let (_, uploadPath) = try await Self.openFile(server)
      let body = RequestBodyTests.bytes(2 * RequestBody.digestBatch + 1)
      let path = try await uploadPath(["index": 1, "md5": .string(RequestBodyTests.md5(body))])
      server.addFault(try DXFaultRule(spec: "PUT /F/upload/* truncate sendBytes=0 times=1"))
      server.addFault(try DXFaultRule(spec: "PUT /F/upload/* status=500 skip=1 times=1"))
      let truncated = try await Self.put(server, path, body)
      #expect(truncated.status == 200)
      #expect(truncated.body.isEmpty)
      let failed = try await Self.put(server, path, body)
      #expect(failed.status == 500)
      let stored = try await Self.put(server, path, body)
      #expect(stored.status == 200)
      let faults = server.journal().filter { $0.path.hasPrefix("/F/upload/") }.map(\.fault)
      #expect(faults.count == 3)
      #expect(faults.last == .some(nil))
    }
  }
}
