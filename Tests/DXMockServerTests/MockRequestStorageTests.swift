import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// `DXMockRequest` keeps its fields in one copy-on-write storage object (a copy costs one reference
/// count): every copy must still behave as an independent value.
@Suite("DXMockRequest: shared storage, value semantics")
struct MockRequestStorageTests {
  private static func sample() -> DXMockRequest {
    var request = DXMockRequest(
      method: "POST", path: "/file-xxxx/upload", query: [(name: "a", value: "1")],
      headers: ["Authorization": "Bearer t", "Content-Type": "application/json"], body: Data("{}".utf8),
      remoteAddress: "10.0.0.1", requestID: "1796367034496-1")
    request.bodyMD5 = "99914b932bd37a50b983c5e7c90ae93b"
    return request
  }

  @Test func aChangedCopyLeavesTheOriginalAsItWas() {
    let original = Self.sample()
    var copy = original
    copy.method = "PUT"
    copy.path = "/other"
    copy.query.append((name: "b", value: "2"))
    copy.headers["Authorization"] = "Bearer u"
    copy.headers.add(name: "X-Extra", value: "1")
    copy.remoteAddress = "::1"
    copy.requestID = "1796367034496-2"
    copy.body.append(contentsOf: Data(" ".utf8))

    #expect(original.method == "POST")
    #expect(original.path == "/file-xxxx/upload")
    #expect(original.query.map(\.name) == ["a"])
    #expect(original.headers.first("authorization") == "Bearer t")
    #expect(original.headers.first("x-extra") == nil)
    #expect(original.remoteAddress == "10.0.0.1")
    #expect(original.requestID == "1796367034496-1")
    #expect(original.body == Data("{}".utf8))
    #expect(original.bodyMD5 == "99914b932bd37a50b983c5e7c90ae93b")

    #expect(copy.method == "PUT")
    #expect(copy.path == "/other")
    #expect(copy.query.map(\.value) == ["1", "2"])
    #expect(copy.headers.first("authorization") == "Bearer u")
    #expect(copy.headers.first("x-extra") == "1")
    #expect(copy.remoteAddress == "::1")
    #expect(copy.requestID == "1796367034496-2")
    #expect(copy.body == Data("{} ".utf8))
  }

  @Test func changingTheBodyDropsOnlyThatValuesDigest() {
    let original = Self.sample()
    var replaced = original
    replaced.body = Data("[]".utf8)
    var appended = original
    appended.body.append(0x20)
    var kept = original
    kept.headers["Content-Type"] = "text/plain"

    #expect(replaced.bodyMD5 == nil)
    #expect(appended.bodyMD5 == nil)
    #expect(kept.bodyMD5 == original.bodyMD5)
    #expect(original.bodyMD5 == "99914b932bd37a50b983c5e7c90ae93b")
  }

  @Test func copiesChangedOnDifferentThreadsStayIndependent() async {
    let original = Self.sample()
    let results = await withTaskGroup(of: (Int, DXMockRequest).self) { group in
      for index in 0..<8 {
        group.addTask {
          var copy = original
          for step in 0..<200 { copy.headers["X-Step"] = "\(index)-\(step)" }
          copy.requestID = "id-\(index)"
          return (index, copy)
        }
      }
      var collected: [Int: DXMockRequest] = [:]
      for await (index, copy) in group { collected[index] = copy }
      return collected
    }
    #expect(results.count == 8)
    for (index, copy) in results {
      #expect(copy.requestID == "id-\(index)")
      #expect(copy.headers.first("x-step") == "\(index)-199")
      #expect(copy.headers.fields.count == 3)
    }
    #expect(original.headers.first("x-step") == nil)
    #expect(original.requestID == "1796367034496-1")
  }
}
