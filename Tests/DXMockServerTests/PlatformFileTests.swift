import Crypto
import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform files: upload, close, download")
struct PlatformFileTests {
  static func md5(_ data: Data) -> String {
    Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }

  /// Uploads `parts` into a new file and closes it.
  static func upload(_ h: PlatformHarness, project: String, parts: [Data], name: String = "f") throws
    -> String
  {
    let id =
      try h.call("/file/new", ["project": .string(project), "name": .string(name), "media": "text/plain"])[
        "id"]?.stringValue ?? ""
    for (offset, part) in parts.enumerated() {
      let ticket = try h.call(
        "/\(id)/upload",
        ["index": .integer(offset + 1), "md5": .string(md5(part)), "size": .integer(part.count)])
      let url = ticket["url"]?.stringValue ?? ""
      #expect(url.hasPrefix("http://127.0.0.1:9999/F/upload/\(id)/"))
      let response = h.transfer("PUT", url, body: part)
      #expect(response?.status == 200)
    }
    try h.call("/\(id)/close")
    return id
  }

  @Test func multipartUploadAndRangedDownload() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let first = Data((0..<5_242_880).map { UInt8($0 % 251) })
    let second = Data("tail bytes".utf8)
    let id = try Self.upload(h, project: project, parts: [first, second])
    let describe = try h.call(
      "/\(id)/describe", ["fields": ["parts": true, "size": true, "state": true, "media": true]])
    #expect(describe["state"] == "closed")
    #expect(describe["size"] == .integer(first.count + second.count))
    #expect(describe["parts"]?["1"]?["size"] == 5_242_880)
    #expect(describe["parts"]?["2"]?["md5"] == .string(Self.md5(second)))
    #expect(describe["media"] == "text/plain")
    let usage = try h.call("/\(project)/describe")["dataUsage"]?.doubleValue ?? 0
    #expect(abs(usage - Double(first.count + second.count) / 1_073_741_824) < 1e-12)

    let plain1 = try h.call("/\(id)/download", ["preauthenticated": false])["url"]?.stringValue ?? ""
    let plain2 = try h.call("/\(id)/download", ["preauthenticated": false])["url"]?.stringValue ?? ""
    let pre1 = try h.call("/\(id)/download", ["preauthenticated": true])["url"]?.stringValue ?? ""
    let pre2 =
      try h.call("/\(id)/download", ["preauthenticated": true, "project": .string(project)])["url"]?
      .stringValue ?? ""
    // Every URL carries its own expiry and signature.
    #expect(plain1 != plain2)
    #expect(pre1 != pre2)
    for url in [plain1, pre1, pre2] {
      #expect(url.contains(id))
      #expect(!url.contains(project))
    }
    let whole = h.transfer("GET", plain1)
    #expect(whole?.status == 200)
    #expect(whole?.body == first + second)
    let ranged = h.transfer("GET", pre1, headers: ["Range": "bytes=5242870-5242889"])
    #expect(ranged?.status == 206)
    #expect(ranged?.body == (first + second)[5_242_870...5_242_889])
    #expect(ranged?.headers["Content-Range"] == "bytes 5242870-5242889/5242890")
    #expect(h.transfer("GET", plain1, headers: ["Range": "bytes=-4"])?.body == Data("ytes".utf8))
    #expect(h.transfer("GET", plain1, headers: ["Range": "bytes=99999999-"])?.status == 416)
    #expect(
      h.transfer("GET", pre1.replacingOccurrences(of: "/F/download/\(id)/", with: "/F/download/\(id)/0"))?
        .status == 403)
    #expect(h.transfer("DELETE", plain1)?.status == 405)
  }

  @Test func uploadChecksAndStates() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try h.call("/file/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    #expect(h.error("/\(id)/upload", ["index": 0])?.type == "InvalidInput")
    #expect(h.error("/\(id)/upload", ["index": 1, "md5": "xyz"])?.type == "InvalidInput")
    #expect(h.error("/\(id)/upload", ["index": "1"])?.type == "InvalidInput")
    let body = Data("hello".utf8)
    let url =
      try h.call("/\(id)/upload", ["index": 1, "md5": .string(Self.md5(body)), "size": 5])["url"]?.stringValue
      ?? ""
    #expect(h.transfer("PUT", url, body: Data("hellO".utf8))?.status == 400)
    #expect(h.transfer("PUT", url, body: Data("hell".utf8))?.status == 400)
    #expect(h.transfer("PUT", url + "x", body: body)?.status == 403)
    #expect(h.transfer("PUT", url, body: body)?.status == 200)
    #expect(h.error("/\(id)/download", ["preauthenticated": true])?.type == "InvalidState")
    try h.call("/\(id)/close")
    let notOpen = h.error("/\(id)/upload", ["index": 2])
    #expect(notOpen?.type == "InvalidState")
    #expect(notOpen?.message.contains("is not in the open state") == true)
    #expect(h.transfer("PUT", url, body: body)?.status == 422)
    #expect(
      h.error("/\(id)/download", ["project": "project-000000000000000000000000"])?.type == "ResourceNotFound")
    let record = try h.newRecord(project)
    #expect(h.error("/\(record)/download")?.type == "ResourceNotFound")
    #expect(h.error("/file-000000000000000000000000/download", [:])?.type == "ResourceNotFound")
  }

  @Test func smallNonFinalPartsRefuseToClose() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try h.call("/file/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    for index in 1...2 {
      let url = try h.call("/\(id)/upload", ["index": .integer(index)])["url"]?.stringValue ?? ""
      #expect(h.transfer("PUT", url, body: Data("x".utf8))?.status == 200)
    }
    #expect(h.error("/\(id)/close")?.type == "InvalidState")
  }

  @Test func emptyLastPartAndRanges() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let first = Data(repeating: 7, count: 5_242_880)
    let id = try Self.upload(h, project: project, parts: [first, Data()])
    let url = try h.call("/\(id)/download", [:])["url"]?.stringValue ?? ""
    #expect(
      h.transfer("GET", url, headers: ["Range": "bytes=5242870-"])?.body == Data(repeating: 7, count: 10))
    #expect(h.transfer("GET", url)?.body.count == 5_242_880)
    #expect(h.transfer("HEAD", url)?.body.isEmpty == true)
  }

  @Test func emptyFileClosesWithSizeZero() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try Self.upload(h, project: project, parts: [Data()])
    #expect(try h.call("/\(id)/describe")["size"] == 0)
    let url = try h.call("/\(id)/download", [:])["url"]?.stringValue ?? ""
    #expect(h.transfer("GET", url)?.body == Data())
  }

  @Test func fileNonceAndRangeParsing() throws {
    #expect(MockPlatform.parseRange("bytes=0-0", total: 10).map { [$0.0, $0.1] } == [0, 0])
    #expect(MockPlatform.parseRange("bytes=5-", total: 10).map { [$0.0, $0.1] } == [5, 9])
    #expect(MockPlatform.parseRange("bytes=-3", total: 10).map { [$0.0, $0.1] } == [7, 9])
    #expect(MockPlatform.parseRange("bytes=3-100", total: 10).map { [$0.0, $0.1] } == [3, 9])
    #expect(MockPlatform.parseRange("bytes=5-2", total: 10) == nil)
    #expect(MockPlatform.parseRange("items=1-2", total: 10) == nil)
    #expect(MockPlatform.parseRange("bytes=0-1,3-4", total: 10) == nil)
    let h = try PlatformHarness()
    let project = try h.newProject()
    let input: DXJSON = ["project": .string(project), "nonce": "n1"]
    #expect(try h.call("/file/new", input) == h.call("/file/new", input))
  }
}
