import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// Extreme and malformed request inputs, per route family: each is refused with a 4xx naming the
/// field (never a trap, never unbounded work under the state lock).
@Suite("Robustness: request inputs")
struct RobustnessInputTests {
  /// Numbers around the edges of `Int`, as JSON integers.
  static let huge: [DXJSON] = [
    .integer(1 << 62), .integer(Int.max), .integer(Int.min), .integer(-1), .double(1e300), .double(-1e300),
  ]

  /// One case of the boundary table: a route, an input, and the error type expected.
  struct Case: Sendable, CustomStringConvertible {
    var route: String
    var input: DXJSON
    var type = "InvalidInput"
    /// A word the message must contain (the field's name).
    var field: String
    var description: String { "\(route) \(input.serializedString().prefix(80))" }
  }

  /// Calls `route` (`{file}`, `{project}`, `{record}` replaced) and checks the error.
  static func check(_ h: PlatformHarness, _ item: Case, ids: [String: String]) {
    var route = item.route
    for (key, value) in ids { route = route.replacingOccurrences(of: "{\(key)}", with: value) }
    let error = h.error(route, item.input)
    #expect(error?.type == item.type, "\(item)")
    #expect(error?.status == 422, "\(item)")
    #expect(error?.message.contains(item.field) == true, "\(item): \(error?.message ?? "")")
  }

  @Test func boundaryTablePerRouteFamily() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let file = try PlatformFileTests.upload(h, project: project, parts: [Data("x".utf8)])
    let record = try h.newRecord(project)
    let ids = ["project": project, "file": file, "record": record]
    var cases: [Case] = []
    // Files: durations, part indices and sizes.
    for value in Self.huge + [.integer(0)] {
      cases.append(Case(route: "/{file}/download", input: ["duration": value], field: "duration"))
    }
    let open = try h.call("/file/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    for value in Self.huge + [.integer(0), .integer(10_001)] {
      cases.append(Case(route: "/\(open)/upload", input: ["index": value], field: "index"))
    }
    for value in [DXJSON.integer(-1), .integer(Int.max), .integer(5_368_709_121)] {
      cases.append(Case(route: "/\(open)/upload", input: ["size": value], field: "size"))
    }
    // Search: page sizes.
    for value in [DXJSON.integer(0), .integer(-1), .integer(Int.min)] {
      cases.append(Case(route: "/system/findDataObjects", input: ["limit": value], field: "limit"))
    }
    // Data objects: tags, types, properties, details, names.
    let tooMany = DXJSON.array((0...PlatformLimits.maxTags).map { .string("t\($0)") })
    cases.append(
      Case(route: "/{record}/addTags", input: ["project": .string(project), "tags": tooMany], field: "tags"))
    cases.append(Case(route: "/{record}/addTypes", input: ["types": tooMany], field: "types"))
    cases.append(Case(route: "/{project}/addTags", input: ["tags": tooMany], field: "tags"))
    let longTag = String(repeating: "t", count: PlatformLimits.maxTagLength + 1)
    cases.append(
      Case(
        route: "/{record}/addTags", input: ["project": .string(project), "tags": [.string(longTag)]],
        field: "tags"))
    let manyProperties = DXJSON.object(
      Dictionary(
        uniqueKeysWithValues: (0...PlatformLimits.maxProperties).map { ("k\($0)", DXJSON.string("v")) }))
    cases.append(
      Case(
        route: "/{record}/setProperties", input: ["project": .string(project), "properties": manyProperties],
        field: "properties"))
    let longValue = String(repeating: "v", count: PlatformLimits.maxPropertyValueLength + 1)
    cases.append(
      Case(
        route: "/{record}/setProperties",
        input: ["project": .string(project), "properties": ["k": .string(longValue)]],
        field: "properties"))
    let bigDetails = DXJSON.string(String(repeating: "d", count: PlatformLimits.maxDetailsBytes))
    cases.append(
      Case(
        route: "/record/new", input: ["project": .string(project), "details": ["d": bigDetails]],
        field: "details"))
    let longName = String(repeating: "n", count: PlatformLimits.maxNameLength + 1)
    cases.append(
      Case(
        route: "/{record}/rename", input: ["project": .string(project), "name": .string(longName)],
        field: "name"))
    cases.append(Case(route: "/project/new", input: ["name": .string(longName)], field: "name"))
    // Folders: depth and length, refused before the work.
    let deep = "/" + Array(repeating: "a", count: 16_000).joined(separator: "/")
    cases.append(
      Case(route: "/{project}/newFolder", input: ["folder": .string(deep), "parents": true], field: "folder"))
    let long = "/" + String(repeating: "f", count: PlatformLimits.maxFolderPathLength)
    cases.append(Case(route: "/{project}/newFolder", input: ["folder": .string(long)], field: "folder"))
    cases.append(
      Case(
        route: "/record/new", input: ["project": .string(project), "folder": .string(deep), "parents": true],
        field: "folder"))
    // Lists: object IDs.
    let manyIDs = DXJSON.array((0...PlatformLimits.maxListLength).map { .string("record-\($0)") })
    cases.append(Case(route: "/{project}/removeObjects", input: ["objects": manyIDs], field: "objects"))
    // Search patterns.
    let longPattern = String(repeating: "a", count: NameMatcher.maximumPatternLength + 1)
    cases.append(
      Case(route: "/system/findDataObjects", input: ["name": ["regexp": .string(longPattern)]], field: "name")
    )
    cases.append(
      Case(route: "/system/findProjects", input: ["name": ["glob": .string(longPattern)]], field: "name"))
    for item in cases { Self.check(h, item, ids: ids) }
    // The state is unchanged by every refused call.
    #expect(try h.call("/\(record)/describe", ["project": .string(project)])["tags"] == [])
    #expect(try h.call("/\(project)/describe", ["folders": true])["folders"] == ["/"])
  }

  @Test func totalsAreBoundedAcrossCalls() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let record = try h.newRecord(project)
    let half = PlatformLimits.maxTags / 2 + 1
    try h.call(
      "/\(record)/addTags",
      ["project": .string(project), "tags": .array((0..<half).map { .string("a\($0)") })])
    let error = h.error(
      "/\(record)/addTags",
      ["project": .string(project), "tags": .array((0..<half).map { .string("b\($0)") })])
    #expect(error?.type == "InvalidInput")
    #expect(error?.message.contains("\(PlatformLimits.maxTags)") == true)
    let tags = try h.call("/\(record)/describe", ["project": .string(project)])["tags"]?.arrayValue
    #expect(tags?.count == half)
  }

  @Test func aCatastrophicRegularExpressionIsStoppedAndTheLockStaysFree() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    _ = try h.newRecord(project, ["name": .string(String(repeating: "a", count: 40))])
    let error = h.error("/system/findDataObjects", ["name": ["regexp": "(a*)*b"]])
    #expect(error?.type == "InvalidInput")
    #expect(error?.message.contains("regexp") == true)
    // Ordinary expressions, globs and exact names still work (resolved outside the lock).
    _ = try h.newRecord(project, ["name": "reads_1.fastq"])
    let found = try h.call("/system/findDataObjects", ["name": ["regexp": "^reads_[0-9]\\.fastq$"]])
    #expect(found["results"]?.arrayValue?.count == 1)
    let globbed = try h.call("/system/findDataObjects", ["name": ["glob": "reads_*"]])
    #expect(globbed["results"]?.arrayValue?.count == 1)
    let caseless = try h.call("/system/findDataObjects", ["name": ["regexp": "READS", "flags": "i"]])
    #expect(caseless["results"]?.arrayValue?.count == 1)
    #expect(try h.call("/system/findProjects", ["name": ["glob": "p*"]])["results"]?.arrayValue?.count == 1)
    #expect(try h.call("/system/findUsers", ["name": ["regexp": "^al"]])["results"]?.arrayValue?.count == 1)
  }

  @Test func aRegularExpressionIsNeverMatchedUnderTheStateLock() throws {
    // A glob or regular expression that was not resolved first matches nothing: the routes resolve it
    // outside the lock, so matching under the lock cannot happen by accident.
    var matcher = try NameMatcher(["regexp": "^a"])
    #expect(matcher.needsResolution)
    #expect(!matcher.matches("abc"))
    try matcher.resolve(against: ["abc", "xyz"])
    #expect(!matcher.needsResolution)
    #expect(matcher.matches("abc") && !matcher.matches("xyz"))
  }

  @Test func transferURLsNeedTheirSignatureAndExpire() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let file = try PlatformFileTests.upload(h, project: project, parts: [Data("secret bytes".utf8)])
    let url = try h.call("/\(file)/download", ["duration": 60])["url"]?.stringValue ?? ""
    #expect(h.transfer("GET", url)?.status == 200)
    // The file ID alone does not give the bytes (the old key "-" served anyone).
    for forged in [
      "http://x/F/download/\(file)/-/name", "http://x/F/download/\(file)/9999999999999/0/name",
      url.replacingOccurrences(of: "/F/download/\(file)/", with: "/F/download/\(file)/1"),
    ] {
      let response = h.transfer("GET", forged)
      #expect(response?.status == 403, "\(forged)")
    }
    // Another file's signature does not fit.
    let other = try PlatformFileTests.upload(h, project: project, parts: [Data("other".utf8)])
    #expect(h.transfer("GET", url.replacingOccurrences(of: file, with: other))?.status == 403)
    // Expiry (the harness clock moves 1 ms per call).
    h.clock.advance(61_000)
    #expect(h.transfer("GET", url)?.status == 403)
    // Upload URLs too: the size and MD5 they allow are signed.
    let open = try h.call("/file/new", ["project": .string(project)])["id"]?.stringValue ?? ""
    let upload = try h.call("/\(open)/upload", ["index": 1, "size": 3])["url"]?.stringValue ?? ""
    #expect(
      h.transfer("PUT", upload.replacingOccurrences(of: "/3/-/", with: "/4/-/"), body: Data("four".utf8))?
        .status == 403)
    #expect(h.transfer("PUT", upload, body: Data("abc".utf8))?.status == 200)
  }
}
