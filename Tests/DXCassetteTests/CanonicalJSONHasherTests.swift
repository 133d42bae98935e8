import DXCore
import DXKitTesting
import DXWire
import Foundation
import Testing

@testable import DXCassette

/// The one-pass body key (``DXCanonicalJSONHasher``) gives the general code's key for every body: the
/// bodies it handles and the ones it declines (which then take the general code).
@Suite("Canonical JSON hasher")
struct CanonicalJSONHasherTests {
  static let placeholder = DXSecretScanner.defaultPlaceholder

  /// The general code's body key, as computed before the hasher existed.
  static func generalKey(_ body: Data, _ matching: DXCassetteMatching = .default) -> String {
    matching.bodyKey(body, placeholder: placeholder)
  }

  /// The key with the hasher in front, as a cassette computes it.
  static func fastKey(_ body: Data, _ matching: DXCassetteMatching = .default) -> String {
    matching.bodyKey(
      body, placeholder: placeholder,
      plan: DXCanonicalJSONHasher.Plan(matching: matching, placeholder: placeholder))
  }

  static func handled(_ text: String, _ matching: DXCassetteMatching = .default) -> Bool {
    guard let plan = DXCanonicalJSONHasher.Plan(matching: matching, placeholder: placeholder) else {
      return false
    }
    return DXCanonicalJSONHasher.canonicalHash(of: Data(text.utf8), plan: plan) != nil
  }

  @Test(
    "bodies in the subset are hashed in one pass to the general key",
    arguments: [
      #"{"a":1,"b":"x","c":[true,false,null]}"#, #"{"c":1,"b":2,"a":3}"#,
      #"{ "project" : "p", "nonce" : "n", "fields" : { "state" : true, "name" : true } }"#,
      #"{"fields": {"name": true, "properties": true, "state": true}, "index": 7, "nonce": "x", "project": "p"}"#,
      #"{}"#, #"[]"#, #"[{}, [], [[]]]"#, #""text""#, "0", "-12", "123456789012345678", "true", "null",
      #"{"nonce":"a"}"#, #"{"a":{"nonce":{"deep":[1,2,"x"]},"b":[{"z":1,"nonce":2,"y":3}]}}"#,
      #"{"nonce":1,"nonce":2,"a":0}"#, "\t\r\n {\"a\" :\n[ 1 , 2 ]} \n", #"{"":0,"a":1}"#,
      #"{"b":{"d":1,"c":2},"a":[{"y":1,"x":2}]}"#, #"{"A":1,"a":2,"B":3,"_":4,"~":5,"0":6}"#,
    ])
  func handledBodies(body: String) {
    #expect(Self.handled(body), "\(body)")
    #expect(Self.fastKey(Data(body.utf8)) == Self.generalKey(Data(body.utf8)), "\(body)")
  }

  @Test(
    "bodies outside the subset are declined and take the general code",
    arguments: [
      #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":-0}"#, "-0", "1234567890123456789", "99999999999999999999",
      #"{"a":"\u00e9"}"#, #"{"a":"é"}"#, #"{"\n":1}"#, #"{"a":"x\"y"}"#, #"{"a":1,"a":2}"#,
      #"{"b":1,"a":2,"b":3}"#, #"{"a":"[REDACTED]"}"#, #"{"a":"x [REDACTED] y","b":1}"#,
      #"{"[REDACTED]":1}"#, "", " ", "not json", #"{"a":1,}"#, #"[1,]"#, #"{"a":1} x"#, "01", "-",
      #"{"a"1}"#, #"{"a":tru}"#, #"{"a":nul"#, #"["#, #"{"a":"unterminated}"#, "\u{01}",
      "{\"a\":\"tab\tin string\"}", String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
      String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
  func declinedBodies(body: String) {
    #expect(!Self.handled(body), "\(body)")
    #expect(Self.fastKey(Data(body.utf8)) == Self.generalKey(Data(body.utf8)), "\(body)")
  }

  @Test("ignored fields: any plain name set is left out as the general code leaves it out")
  func ignoredFields() {
    let matching = DXCassetteMatching(ignoredBodyFields: ["nonce", "seed", ""])
    for body in [
      #"{"seed":1,"nonce":2,"":3,"keep":{"seed":[1],"x":1}}"#, #"{"z":1,"seed":{"a":"b"},"a":2}"#,
      #"[{"seed":1},{"nonce":1,"b":1,"a":2}]"#,
    ] {
      #expect(Self.handled(body, matching), "\(body)")
      #expect(Self.fastKey(Data(body.utf8), matching) == Self.generalKey(Data(body.utf8), matching))
    }
    let none = DXCassetteMatching(ignoredBodyFields: [])
    #expect(
      Self.fastKey(Data(#"{"nonce":1}"#.utf8), none) == Self.generalKey(Data(#"{"nonce":1}"#.utf8), none))
    #expect(Self.fastKey(Data(#"{"nonce":1}"#.utf8), none) != Self.fastKey(Data(#"{"nonce":2}"#.utf8), none))
  }

  @Test("settings the hasher cannot stand for have no plan")
  func plans() {
    #expect(DXCanonicalJSONHasher.Plan(matching: .default, placeholder: "[R]") != nil)
    #expect(
      DXCanonicalJSONHasher.Plan(matching: .init(ignoredBodyFields: ["input.seed"]), placeholder: "[R]")
        == nil)
    // U+212A KELVIN SIGN equals "K" as a Swift string: byte comparison would disagree.
    #expect(
      DXCanonicalJSONHasher.Plan(matching: .init(ignoredBodyFields: ["\u{212A}"]), placeholder: "[R]") == nil)
    #expect(DXCanonicalJSONHasher.Plan(matching: .default, placeholder: "") == nil)
    #expect(DXCanonicalJSONHasher.Plan(matching: .default, placeholder: "·") == nil)
    let dotted = DXCassetteMatching(ignoredBodyFields: ["nonce", "input.seed"])
    let body = Data(#"{"input":{"seed":1,"x":2},"seed":3}"#.utf8)
    #expect(Self.fastKey(body, dotted) == Self.generalKey(body, dotted))
  }

  @Test("the key's hex text is the general code's")
  func hex() {
    for value: UInt64 in [0, 1, 0xF, 0x10, 0xDEAD_BEEF, .max, 0x0123_4567_89AB_CDEF] {
      let hex = String(value, radix: 16)
      #expect(
        DXCassetteMatching.hex(value, prefix: UInt8(ascii: "j")) == "j"
          + String(repeating: "0", count: 16 - hex.count) + hex)
    }
    #expect(
      DXCassetteMatching.hex(DXCanonicalJSONHasher.offsetBasis, prefix: 0x72) == "r"
        + DXCassetteMatching.hash([UInt8]()))
  }

  @Test("random bodies, written in random key order and spacing, and their mutations: the general key")
  func randomBodies() {
    var random = SplitMix64(seed: 0x5EED_0016)
    var handledCount = 0
    for round in 0..<3_000 {
      let value = Self.randomValue(&random, depth: 0)
      var text = Self.write(value, &random)
      if round % 3 == 1 {
        // A mutation: a byte changed, removed or repeated (mostly invalid or outside the subset).
        var bytes = Array(text.utf8)
        let position = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 3 {
        case 0: bytes[position] = Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))]
        case 1: bytes.remove(at: position)
        default: bytes.insert(bytes[position], at: position)
        }
        text = String(decoding: bytes, as: UTF8.self)
      }
      let body = Data(text.utf8)
      if Self.handled(text) { handledCount += 1 }
      #expect(Self.fastKey(body) == Self.generalKey(body), "\(text)")
    }
    // Most bodies are within the subset, so the comparison exercises the hasher, not only its refusals.
    #expect(handledCount > 1_000)
  }

  @Test("the client's own bodies (Python's json.dumps, keys sorted) are hashed in one pass")
  func clientBodies() {
    let values: [DXJSON] = [
      ["project": "project-1", "fields": ["name": true, "state": true], "index": 42, "nonce": "n-1"],
      ["folder": "/", "includeHidden": false, "describe": ["fields": ["id": true]], "limit": 1000],
      ["objects": ["file-1", "file-2"], "tags": [], "properties": [:]],
    ]
    for value in values {
      let body = Data(value.pythonJSONString().utf8)
      #expect(Self.handled(value.pythonJSONString()))
      #expect(Self.fastKey(body) == Self.generalKey(body))
      #expect(Self.fastKey(body) == Self.generalKey(value.serializedData(sortedKeys: false)))
    }
  }

  @Test("the committed fixtures, keyed by earlier code, replay from their stored index through the hasher")
  func fixtureKeys() async throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("cassettes").path
    var fast = 0
    for name in ["platform", "files", "faults"] {
      fast += try await DXCassette.withReadOnlyCopy(of: directory + "/\(name).dxcassette") { cassette in
        // Same fingerprint: the index written by the earlier code is used as it is, not rebuilt.
        #expect(try cassette.metadata("matcher_fingerprint") == cassette.matching.fingerprint)
        let plan = try #require(cassette.keyPlan)
        let replay = DXReplayTransport(cassette: cassette)
        var handled = 0
        for interaction in try cassette.interactions() {
          let body = interaction.request.body
          #expect(Self.fastKey(body) == Self.generalKey(body), "\(name) #\(interaction.id ?? 0)")
          if DXCanonicalJSONHasher.canonicalHash(of: body, plan: plan) != nil { handled += 1 }
          do {
            #expect(try await replay.send(interaction.request) == interaction.response)
          } catch let error as DXTransportError {
            #expect(error == interaction.failure, "\(name) #\(interaction.id ?? 0)")
          }
        }
        return handled
      }
    }
    #expect(fast > 0)
  }

  // MARK: - Random JSON

  static let alphabet = Array(#"{}[]",:0123456789-.eE tfnrul\"aé"#.utf8)
  static let keys = ["a", "b", "nonce", "project", "A", "", "z9", "fields", "a b", "[REDACTED]"]

  static func randomValue(_ random: inout SplitMix64, depth: Int) -> DXJSON {
    switch random.next() % (depth > 3 ? 6 : 9) {
    case 0: return .null
    case 1: return .bool(random.next() % 2 == 0)
    case 2:
      switch random.next() % 8 {
      case 0: return .integer(Int(bitPattern: UInt(random.next())))
      case 1: return .double(Double(Int(random.next() % 2000)) / 8 - 100)
      default: return .integer(Int(random.next() % 2001) - 1000)
      }
    case 3, 4, 5:
      switch random.next() % 10 {
      case 0: return .string("é\(random.next() % 10)")
      case 1: return .string("q\"\\\n")
      case 2: return .string("x [REDACTED] y")
      default: return .string(keys[Int(random.next() % UInt64(keys.count))] + "v")
      }
    case 6:
      return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
    default:
      var members: [String: DXJSON] = [:]
      for _ in 0..<Int(random.next() % 5) {
        members[keys[Int(random.next() % UInt64(keys.count))]] = randomValue(&random, depth: depth + 1)
      }
      return .object(members)
    }
  }

  /// `value` as JSON text with members in a random order and random white space around tokens.
  static func write(_ value: DXJSON, _ random: inout SplitMix64) -> String {
    let spaces = ["", "", "", " ", "\n  ", "\t"]
    func space() -> String { spaces[Int(random.next() % UInt64(spaces.count))] }
    switch value {
    case .array(let elements):
      var parts: [String] = []
      for element in elements { parts.append(space() + write(element, &random) + space()) }
      return "[" + space() + parts.joined(separator: ",") + "]"
    case .object(let members):
      var pairs: [String] = []
      for (key, member) in members.shuffled(using: &random) {
        pairs.append(
          space() + DXJSON.string(key).serializedString() + space() + ":" + space() + write(member, &random)
            + space())
      }
      return "{" + space() + pairs.joined(separator: ",") + "}"
    default:
      return value.serializedString()
    }
  }
}
