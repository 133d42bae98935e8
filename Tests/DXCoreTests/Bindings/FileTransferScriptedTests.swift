import DXCore
import Foundation
import Testing

@Suite("Bindings — downloads that stay wrong: part length and checksum errors")
struct FileTransferScriptedTests {
  /// A one-part file of `size` bytes whose description says `md5`, served as `served`.
  static func platform(size: Int, md5: String, served: Data) -> ScriptedPlatform {
    ScriptedPlatform { request, path, _ in
      if path.hasSuffix("/describe") {
        return .json([
          "id": .string(testID("file", 1)), "project": "project-B0000000000000000000000P",
          "size": .integer(size),
          "parts": ["1": ["size": .integer(size), "md5": .string(md5), "state": "complete"]],
        ])
      }
      if path.hasSuffix("/download") { return .json(["url": "http://127.0.0.1:9/F/x", "headers": [:]]) }
      return DXTransportResponse(
        status: 200, headers: ["Content-Length": "\(served.count)"], body: served)
    }
  }

  @Test("a part with the wrong MD5 is fetched 3 times, then DXChecksumMismatchError")
  func checksum() async throws {
    let platform = Self.platform(size: 4, md5: String(repeating: "0", count: 32), served: Data("abcd".utf8))
    let file = try DXFile(testID("file", 1), client: scriptedClient(platform))
    try await withTemporaryFolder { directory in
      do {
        try await file.download(to: directory.appendingPathComponent("x"))
        Issue.record("expected a checksum error")
      } catch let error as DXBindingError {
        #expect(error.isChecksumMismatch)
        #expect(error.message.hasPrefix("md5sum mismatch in \(testID("file", 1)) part 1 (expected 0000"))
      }
    }
    #expect(platform.paths.filter { $0 == "/F/x" }.count == 3)
  }

  /// A two-part file, `abcd` + `efgh`, whose description gives the second part `secondMD5`; GETs are
  /// answered by their `Range`.
  static func twoParts(secondMD5: String) -> ScriptedPlatform {
    let content = Array("abcdefgh".utf8)
    return ScriptedPlatform { request, path, _ in
      if path.hasSuffix("/describe") {
        return .json([
          "id": .string(testID("file", 1)), "project": "project-B0000000000000000000000P", "size": 8,
          "parts": [
            "1": ["size": 4, "md5": "e2fc714c4727ee9395f324cd2e7f331f", "state": "complete"],
            "2": ["size": 4, "md5": .string(secondMD5), "state": "complete"],
          ],
        ])
      }
      if path.hasSuffix("/download") { return .json(["url": "http://127.0.0.1:9/F/x", "headers": [:]]) }
      let bounds = (request.headers["Range"] ?? "bytes=0-7").dropFirst(6).split(separator: "-")
      guard bounds.count == 2, let lower = Int(bounds[0]), let upper = Int(bounds[1]), lower <= upper,
        upper < 8
      else { return DXTransportResponse(status: 416, headers: ["Content-Length": "0"]) }
      return DXTransportResponse(
        status: 206, headers: ["Content-Length": "\(upper - lower + 1)"], body: Data(content[lower...upper]))
    }
  }

  @Test(
    "each part is checked whether its chunk is the whole part (hashed as it is fetched) or a piece of it",
    arguments: [4, 3, 2, 16])
  func partsCheckedAtEveryChunkSize(chunkSize: Int) async throws {
    let good = try DXFile(
      testID("file", 1), client: scriptedClient(Self.twoParts(secondMD5: "1f7690ebdd9b4caf8fab49ca1757bf27")))
    let options = DXDownloadOptions(chunkSize: chunkSize, parallelChunks: 3)
    #expect(try await good.downloadData(options) == Data("abcdefgh".utf8))
    let bad = try DXFile(
      testID("file", 1), client: scriptedClient(Self.twoParts(secondMD5: String(repeating: "1", count: 32))))
    await #expect(
      throws: DXBindingError.checksumMismatch(
        "md5sum mismatch in \(testID("file", 1)) part 2 (expected \(String(repeating: "1", count: 32)), got "
          + "1f7690ebdd9b4caf8fab49ca1757bf27)")
    ) {
      _ = try await bad.downloadData(options)
    }
  }

  @Test("a part of the wrong size is DXPartLengthMismatchError with dxpy's message")
  func length() async throws {
    let platform = Self.platform(size: 5, md5: "e2fc714c4727ee9395f324cd2e7f331f", served: Data("abcd".utf8))
    let file = try DXFile(testID("file", 1), client: scriptedClient(platform))
    await #expect(
      throws: DXBindingError.partLengthMismatch(
        "Unexpected part data size in \(testID("file", 1)) part 1 (expected 5, got 4)")
    ) {
      _ = try await file.downloadData()
    }
  }

  @Test(
    "a part PUT answered 400 with S3's RequestTimeout XML is retried with a fresh URL (dxpy's PUT/400 rule)")
  func putBadRequestRetried() async throws {
    let puts = DXLock(0)
    let platform = ScriptedPlatform { request, path, body in
      if path.hasSuffix("/describe") {
        return .json([
          "id": "project-B0000000000000000000000P",
          "fileUploadParameters": [
            "minimumPartSize": 5, "maximumPartSize": 100, "maximumNumParts": 10, "maximumFileSize": 1000,
            "emptyLastPartAllowed": true,
          ], "state": "closed",
        ])
      }
      if path == "/file/new" || path.hasSuffix("/close") { return .json(["id": .string(testID("file", 1))]) }
      if path.hasSuffix("/upload") {
        return .json([
          "url": .string("http://127.0.0.1:9/put/\(body["index"]?.intValue ?? 0)"), "headers": [:],
        ])
      }
      let count = puts.withLock { value -> Int in
        value += 1
        return value
      }
      if count == 1 {
        return .text(
          "<Error><Code>RequestTimeout</Code></Error>", status: 400, contentType: "application/xml")
      }
      return DXTransportResponse(status: 200, headers: ["Content-Length": "0"])
    }
    let client = scriptedClient(platform)
    _ = try await DXFile.upload(data: Data("hello".utf8), client: client)
    #expect(puts.withLock { $0 } == 2)
    #expect(platform.paths.filter { $0.hasSuffix("/upload") }.count == 2)
    #expect(client.sleptSeconds == [1])
  }
}
