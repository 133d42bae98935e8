import DXWire
import Foundation
import Testing

@Suite("Wire values — headers, the platform's error body, the lock, SplitMix64")
struct WireValueTests {
  @Test("header lookups ignore case and keep order and spelling")
  func headers() {
    var headers: DXHTTPHeaders = ["Content-Type": "application/json", "X-A": "1", "x-a": "2"]
    #expect(headers["content-type"] == "application/json")
    #expect(headers.values(for: "X-a") == ["1", "2"])
    headers.replaceOrAdd(name: "X-A", value: "3")
    #expect(headers.fields.map(\.name) == ["Content-Type", "X-A"])
    #expect(headers["x-a"] == "3")
    headers["Content-TYPE"] = nil
    #expect(!headers.contains("content-type"))
    headers.add(name: "Straße", value: "s")
    #expect(headers["STRASSE"] == nil)
    #expect(headers["straße"] == "s")
  }

  @Test("field names match exactly as lowercased() would, for ASCII and other names")
  func nameMatching() {
    #expect(DXHTTPHeaders.namesMatch("Content-Length", "content-length"))
    #expect(!DXHTTPHeaders.namesMatch("Content-Length", "Content-Lengt"))
    #expect(!DXHTTPHeaders.namesMatch("a", "b"))
    #expect(DXHTTPHeaders.namesMatch("ÉTAT", "état"))
    // Every pair of a mixed list, ASCII and not, equal and not, against the general comparison; the
    // Kelvin sign lower-cases to an ASCII "k", so a name with it may equal an ASCII one.
    let names = [
      "Authorization", "authorization", "AUTHORIZATION", "Authorizatio", "Authorizations", "X", "",
      "Content-Type", "content-typé", "\u{212A}ey", "key", "KEY", "ke", "Kéy", "k\u{212A}", "kk", "Straße",
      "strasse",
      "a\u{212A}", "ak", "Ak", "a",
    ]
    for first in names {
      for second in names {
        #expect(
          DXHTTPHeaders.namesMatch(first, second) == (first.lowercased() == second.lowercased()),
          "\(first) / \(second)")
      }
    }
  }

  @Test("the platform's error body renders and reads back")
  func errorBody() throws {
    let body = DXErrorBody(type: "InvalidInput", message: "bad", details: ["field": "x"])
    #expect(
      body.json.serializedString(sortedKeys: true)
        == #"{"error":{"details":{"field":"x"},"message":"bad","type":"InvalidInput"}}"#)
    #expect(DXErrorBody(json: body.json) == body)
    let noDetails = try DXJSON(parsing: #"{"error":{"type":"T","message":"m","details":null}}"#)
    #expect(DXErrorBody(json: noDetails) == DXErrorBody(type: "T", message: "m"))
    #expect(DXErrorBody(json: ["error": ["type": "T"]]) == nil)
    #expect(DXErrorBody(json: ["error": ["type": 1, "message": "m"]]) == nil)
    #expect(!DXErrorBody(type: "T", message: "m").json.serializedString().contains("details"))
  }

  @Test("the lock serialises concurrent updates")
  func lock() async {
    let counter = DXLock(0)
    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<8 {
        group.addTask {
          for _ in 0..<1000 { counter.withLock { $0 += 1 } }
        }
      }
    }
    #expect(counter.withLock { $0 } == 8000)
  }

  @Test("SplitMix64 gives the reference sequence")
  func splitMix() {
    // Reference values for seed 1234567 from the published algorithm.
    var generator = SplitMix64(seed: 1_234_567)
    #expect(generator.next() == 6_457_827_717_110_365_317)
    #expect(generator.next() == 3_203_168_211_198_807_973)
    var unit = SplitMix64(seed: 1)
    for _ in 0..<1000 {
      let value = unit.nextUnitInterval()
      #expect(value >= 0 && value < 1)
    }
  }
}
