import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// The mock's fast paths for transfers and searches: byte ranges served as views of the stored parts,
/// large bodies sent from their own memory, and the cached ID order of a project's search index.
@Suite("Transfer and search fast paths")
struct TransferPathTests {
  // MARK: - Byte ranges of stored parts

  @Test func rangesOfPartsMatchTheConcatenation() {
    let parts = [
      Data((0..<37).map { UInt8($0) }), Data(), Data((0..<11).map { UInt8(100 + $0) }),
      Data((0..<23).map { UInt8(200 + $0 % 50) }),
    ]
    let whole = parts.reduce(Data(), +)
    // Every range of the 71 bytes: within a part, across parts, around the empty part.
    for lower in 0..<whole.count {
      for upper in lower..<whole.count {
        #expect(MockPlatform.bytes(of: parts, lower...upper) == whole[lower...upper])
      }
    }
  }

  @Test func aRangeWithinAPartIsAViewOfIt() {
    let stored = Data((0..<4096).map { UInt8($0 % 256) })
    // A slice of a larger buffer, as a stored part can be (its indices do not start at 0).
    let part = Data((0..<8192).map { UInt8($0 % 256) })[4096..<8192]
    let parts = [stored, part]
    #expect(MockPlatform.bytes(of: parts, 0...4095) == stored)
    #expect(MockPlatform.bytes(of: parts, 4096...8191) == part)
    #expect(MockPlatform.bytes(of: parts, 5000...5009) == part[part.startIndex + 904..<part.startIndex + 914])
    #expect(MockPlatform.bytes(of: parts, 4090...4100).count == 11)
  }

  // MARK: - Large bodies over HTTP

  /// `count` ASCII bytes whose every 64-byte run differs from its neighbours.
  static func text(_ count: Int, seed: Int) -> String {
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count { bytes[index] = UInt8(48 + (index * 7 + index / 64 + seed) % 75) }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func largeDownloadsAndRangesOverHTTP() async throws {
    try await withServer { server in
      func api(_ path: String, _ body: DXJSON = [:]) async throws -> DXJSON {
        try DXJSON(parsing: try await server.rawExchange(path: path, body: body.serializedString()).body)
      }
      func get(_ url: String, range: String? = nil, method: String = "GET") async throws
        -> RawHTTPClient.Response
      {
        try await server.rawExchange(
          method: method, path: PlatformHTTPTests.path(of: url), token: nil,
          headers: range.map { [("Range", $0)] } ?? [], body: "")
      }
      let project = try await api("/project/new", ["name": "large"])["id"] ?? .null
      // Two parts: the smallest allowed first part and a 100 KiB last part.
      let parts = [Self.text(MockPlatform.minimumPartSize, seed: 1), Self.text(100 * 1024, seed: 2)]
      let file = try await api("/file/new", ["project": project, "name": "big"])["id"]?.stringValue ?? ""
      for (offset, part) in parts.enumerated() {
        let ticket = try await api("/\(file)/upload", ["index": .integer(offset + 1)])
        let put = try await server.rawExchange(
          method: "PUT", path: PlatformHTTPTests.path(of: ticket["url"]?.stringValue ?? ""), token: nil,
          body: part)
        #expect(put.status == 200)
      }
      _ = try await api("/\(file)/close")
      let url = try await api("/\(file)/download", ["preauthenticated": true])["url"]?.stringValue ?? ""
      let whole = Array((parts[0] + parts[1]).utf8)
      let first = parts[0].utf8.count

      let all = try await get(url)
      #expect(all.status == 200)
      #expect(all.body == whole)
      // The whole first part, and a chunk of it, are sent from the stored part itself.
      let part = try await get(url, range: "bytes=0-\(first - 1)")
      #expect(part.status == 206)
      #expect(part.body == Array(whole[0..<first]))
      let chunk = try await get(url, range: "bytes=65536-196607")
      #expect(chunk.body == Array(whole[65536..<196608]))
      // Across the two parts, and the last part alone.
      let across = try await get(url, range: "bytes=\(first - 70000)-\(first + 70000)")
      #expect(across.body == Array(whole[(first - 70000)...(first + 70000)]))
      let last = try await get(url, range: "bytes=\(first)-")
      #expect(last.body == Array(whole[first...]))
      // Small ranges still go out copied; HEAD sends no body; a bad range is 416.
      #expect(try await get(url, range: "bytes=-5").body == Array(whole.suffix(5)))
      #expect(try await get(url, method: "HEAD").body.isEmpty)
      #expect(try await get(url, range: "bytes=\(whole.count)-").status == 416)
    }
  }

  // MARK: - Search order

  static func copy(_ name: String) -> ObjectCopy { ObjectCopy(name: name, folder: "/", added: 0) }

  @Test func theSortedOrderFollowsEveryChange() {
    var index = ProjectIndex()
    #expect(index.sortedAll.isEmpty)
    let ids = (0..<300).map { "record-\(String(($0 * 7919) % 1000, radix: 16))" }
    for id in ids { index.insert(id, klass: "record", copy: Self.copy(id)) }
    #expect(index.sortedAll == ids.sorted())
    // A copy changes apart from the original; each keeps its own order.
    var changed = index
    changed.remove(ids[0], klass: "record", copy: Self.copy(ids[0]))
    changed.insert("record-zzz", klass: "record", copy: Self.copy("record-zzz"))
    #expect(changed.sortedAll == (ids.dropFirst() + ["record-zzz"]).sorted())
    #expect(index.sortedAll == ids.sorted())
    #expect(changed.sortedAll == (ids.dropFirst() + ["record-zzz"]).sorted())
    // The whole set uses the cached order; a small subset is sorted itself.
    #expect(index.ordered(index.all) == (ids.sorted(), false))
    let few: Set<String> = [ids[5], ids[3], ids[9]]
    #expect(index.ordered(few) == ([ids[3], ids[5], ids[9]].sorted(), false))
  }

  @Test func aLargeSubsetIsFilteredFromTheCachedOrder() {
    var index = ProjectIndex()
    let ids = (0..<9000).map { "record-\(String(($0 * 7919) % 10000, radix: 36))" }
    for (position, id) in ids.enumerated() {
      index.insert(id, klass: position % 3 == 0 ? "file" : "record", copy: Self.copy(id))
    }
    let records = index.byClass["record"] ?? []
    let (order, isSubsetOrder) = index.ordered(records)
    #expect(isSubsetOrder)
    #expect(order.filter(records.contains) == records.sorted())
  }

  @Test func pagesStayInIDOrderWhileObjectsComeAndGo() throws {
    let h = try PlatformHarness()
    let project = try h.newProject("paging")
    var expected: Set<String> = []
    for index in 0..<40 { expected.insert(try h.newRecord(project, ["name": .string("r\(index)")])) }
    var seen: [String] = []
    var input: [String: DXJSON] = ["scope": ["project": .string(project)], "limit": 7]
    for page in 0..<20 {
      let result = try h.call("/system/findDataObjects", .object(input))
      seen += (result["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
      guard let next = result["next"], !next.isNull else { break }
      input["starting"] = next
      // Between pages: a new record (found later only when its ID is past the cursor) and a removed
      // one past the cursor (never found).
      let cursor = seen.last ?? ""
      let added = try h.newRecord(project, ["name": .string("new\(page)")])
      if added > cursor { expected.insert(added) }
      if let gone = expected.filter({ $0 > cursor }).min() {
        try h.call("/\(project)/removeObjects", ["objects": [.string(gone)]])
        expected.remove(gone)
      }
    }
    #expect(seen == expected.sorted())
  }
}
