import DXWire
import Foundation
import Testing

@Suite("JSON — parsing, compact and Python-compatible serialization")
struct JSONTests {
  @Test(
    "values parse to the right case",
    arguments: [
      ("null", DXJSON.null), ("true", .bool(true)), ("false", .bool(false)), ("0", .integer(0)),
      ("-12", .integer(-12)), ("1.5", .double(1.5)), ("1e3", .double(1000)), ("-0.25E-2", .double(-0.0025)),
      ("9223372036854775807", .integer(Int.max)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
      ("\"a\\u00e9\\ud83d\\ude00\\n\"", .string("aé😀\n")), (" [1, {\"k\": []}] ", [1, ["k": []]]),
    ] as [(String, DXJSON)])
  func parses(text: String, expected: DXJSON) throws {
    #expect(try DXJSON(parsing: text) == expected)
  }

  @Test(
    "malformed text is refused with the offset of the problem",
    arguments: [
      ("", 0), ("[1,]", 3), ("{\"a\" 1}", 5), ("01", 1), ("1.", 2), ("1e", 2), ("tru", 0), ("\"\\x\"", 3),
      ("[1] 2", 4), ("1e999", 5), ("\"\\ud83d\"", 7), ("\"a\u{01}\"", 2),
    ] as [(String, Int)])
  func refuses(text: String, offset: Int) {
    #expect(throws: DXJSONParseError.self) { try DXJSON(parsing: text) }
    do {
      _ = try DXJSON(parsing: text)
    } catch {
      #expect(error.offset == offset, "\(error)")
    }
  }

  @Test("nesting deeper than 512 levels is refused, 512 is accepted")
  func nestingLimit() throws {
    let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    #expect(throws: Never.self) { try DXJSON(parsing: deep) }
    let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    #expect(throws: DXJSONParseError.self) { try DXJSON(parsing: tooDeep) }
  }

  @Test("compact serialization round-trips and sorted keys are canonical")
  func compact() throws {
    let value: DXJSON = ["b": [1, 2.5, "q\"\\\n\u{01}"], "a": nil, "c": ["z": true, "y": 1e20]]
    let text = value.serializedString(sortedKeys: true)
    #expect(text == #"{"a":null,"b":[1,2.5,"q\"\\\n\u0001"],"c":{"y":1e+20,"z":true}}"#)
    #expect(try DXJSON(parsing: text) == value)
    #expect(DXJSON.double(3).serializedString() == "3.0")
    #expect(DXJSON.double(.nan).serializedString() == "null")
  }

  @Test("pythonJSONString is Python's json.dumps byte for byte")
  func pythonDumps() {
    // Expected texts printed by CPython 3.11: json.dumps(x, sort_keys=True[, indent=4]).
    let value: DXJSON = [
      "b": [1, 2.5, "é\n\u{2603}\u{1F600}"], "a": nil, "c": [:], "d": [], "e": true, "f": 1e16,
    ]
    #expect(
      value.pythonJSONString()
        == #"{"a": null, "b": [1, 2.5, "\u00e9\n\u2603\ud83d\ude00"], "c": {}, "d": [], "e": true, "f": 1e+16}"#
    )
    #expect(
      value.pythonJSONString(indent: 4)
        == "{\n    \"a\": null,\n    \"b\": [\n        1,\n        2.5,\n        \"\\u00e9\\n\\u2603\\ud83d\\ude00\"\n"
        + "    ],\n    \"c\": {},\n    \"d\": [],\n    \"e\": true,\n    \"f\": 1e+16\n}")
    #expect(DXJSON.double(-.infinity).pythonJSONString() == "-Infinity")
  }

  @Test("objects: a repeated key keeps its last value, members of every size parse, empty objects too")
  func objectMembers() throws {
    #expect(try DXJSON(parsing: #"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
    #expect(try DXJSON(parsing: " { } ") == [:])
    #expect(try DXJSON(parsing: #"{"o":{},"p":{"q":{"r":[{}]}}}"#) == ["o": [:], "p": ["q": ["r": [[:]]]]])
    for count in [1, 2, 3, 7, 8, 9, 40] {
      let text = "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
      let parsed = try DXJSON(parsing: text)
      #expect(parsed.objectValue?.count == count)
      #expect(parsed["k\(count - 1)"] == .integer(count - 1))
    }
    #expect(throws: DXJSONParseError.self) { try DXJSON(parsing: #"{"a":1,}"#) }
    #expect(throws: DXJSONParseError.self) { try DXJSON(parsing: #"{"a":1"#) }
  }

  @Test("nested objects keep their own members: repeated keys, members before and after inner objects")
  func nestedObjectMembers() throws {
    // The parser collects every object's members in one buffer; none may leak into another level.
    #expect(
      try DXJSON(parsing: #"{"a":{"b":1,"a":{"b":2,"c":{}},"b":3},"b":[{"a":4},{"a":5,"a":6}],"a":{"z":0}}"#)
        == ["a": ["z": 0], "b": [["a": 4], ["a": 6]]])
    #expect(
      try DXJSON(parsing: #"{"x":1,"y":{"x":2,"y":{"x":3}},"z":{"w":[{"x":4,"y":{}}]},"x":5}"#)
        == ["x": 5, "y": ["x": 2, "y": ["x": 3]], "z": ["w": [["x": 4, "y": [:]]]]])
    // A failure inside an inner object leaves nothing behind for the next parse.
    #expect(throws: DXJSONParseError.self) { try DXJSON(parsing: #"{"a":{"b":1,"c":}"#) }
    #expect(try DXJSON(parsing: #"{"c":2}"#) == ["c": 2])
    // Seeded random trees round-trip through the compact writer.
    var state: UInt64 = 0x5EED
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    func tree(_ depth: Int) -> DXJSON {
      switch depth > 3 ? next(3) : next(6) {
      case 0: return .integer(next(1000) - 500)
      case 1: return .string("s\(next(50))")
      case 2: return next(2) == 0 ? .null : .bool(next(2) == 0)
      case 3: return .array((0..<next(5)).map { _ in tree(depth + 1) })
      default:
        var members: [String: DXJSON] = [:]
        for _ in 0..<next(9) { members["k\(next(12))"] = tree(depth + 1) }
        return .object(members)
      }
    }
    for _ in 0..<300 {
      let value = tree(0)
      #expect(try DXJSON(parsing: value.serializedString()) == value)
    }
  }

  @Test(
    "a Python-format string is written whole only when every byte is plain, small or large",
    arguments: [
      (" ~", #"" ~""#), ("\u{7F}", #""\u007f""#), ("\u{1F}", #""\u001f""#), ("a\"", #""a\"""#),
      ("a\\", #""a\\""#),
      (String(repeating: "x", count: 40), "\"" + String(repeating: "x", count: 40) + "\""),
      (String(repeating: "x", count: 40) + "\u{7F}", "\"" + String(repeating: "x", count: 40) + #"\u007f""#),
      ("", #""""#), ("é", #""\u00e9""#),
    ])
  func pythonStringBytes(text: String, expected: String) {
    #expect(DXJSON.string(text).pythonJSONString() == expected)
    #expect(DXJSON.string(text).pythonJSONBytes() == Array(expected.utf8))
  }

  @Test("strings with and without escapes serialize the same way in both writers")
  func stringEscapes() {
    let plain: DXJSON = ["key": "plain text ~ 123", "é": "é\u{7F}"]
    #expect(plain.serializedString(sortedKeys: true) == "{\"key\":\"plain text ~ 123\",\"é\":\"é\u{7F}\"}")
    let python: DXJSON = ["key": "plain ~ 123", "é": "é"]
    #expect(python.pythonJSONString() == #"{"key": "plain ~ 123", "\u00e9": "\u00e9"}"#)
    let escaped: DXJSON = ["q": "a\"b\\c\td\u{1F}"]
    #expect(escaped.serializedString() == #"{"q":"a\"b\\c\td\u001f"}"#)
    #expect(escaped.pythonJSONString() == #"{"q": "a\"b\\c\td\u001f"}"#)
    let sorted: DXJSON = ["b": 1, "a": 2, "B": 3, "ä": 4, "a0": 5]
    #expect(sorted.serializedString(sortedKeys: true) == #"{"B":3,"a":2,"a0":5,"b":1,"ä":4}"#)
  }

  @Test(
    "Python truthiness",
    arguments: [
      (DXJSON.null, false), (false, false), (true, true), (0, false), (2, true), (0.0, false), ("", false),
      ("x", true), ([], false), ([0], true), ([:], false), (["k": nil], true),
    ] as [(DXJSON, Bool)])
  func truthiness(value: DXJSON, truthy: Bool) {
    #expect(value.isPythonTruthy == truthy)
  }

  @Test("accessors and Codable")
  func accessors() throws {
    let value: DXJSON = ["n": 3, "d": 2.0, "s": "x", "a": [true]]
    #expect(value["n"]?.intValue == 3)
    #expect(value["d"]?.intValue == 2)
    #expect(DXJSON.double(2.5).intValue == nil)
    #expect(value["a"]?[0]?.boolValue == true)
    #expect(value["a"]?[1] == nil)
    #expect(value["s"]?.typeName == "string")
    // Codable round-trips every value whose numbers keep their kind in Foundation's JSON (2.0 would
    // come back as the integer 2).
    let codable: DXJSON = ["n": 3, "d": 2.5, "s": "x", "a": [true, nil], "o": [:]]
    let decoded = try JSONDecoder().decode(DXJSON.self, from: JSONEncoder().encode(codable))
    #expect(decoded == codable)
  }
}
