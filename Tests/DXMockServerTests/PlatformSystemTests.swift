import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform system routes: batch inputs, global search, short URLs")
struct PlatformSystemTests {
  @Test func generateBatchInputsGroupsByPattern() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    try h.call("/\(project)/newFolder", ["folder": "/reads"])
    var ids: [String: String] = [:]
    for name in ["SRR1_1.gz", "SRR1_2.gz", "SRR2_1.gz", "SRR2_2.gz", "SRR3_1.gz", "other.txt"] {
      let id = try PlatformFileTests.upload(h, project: project, parts: [Data(name.utf8)], name: name)
      try h.call("/\(project)/move", ["objects": [.string(id)], "destination": "/reads"])
      ids[name] = id
    }
    let duplicate = try PlatformFileTests.upload(
      h, project: project, parts: [Data("dup".utf8)], name: "SRR2_2.gz")
    try h.call("/\(project)/move", ["objects": [.string(duplicate)], "destination": "/reads"])
    let result = try h.call(
      "/system/generateBatchInputs",
      [
        "project": .string(project), "folder": "/reads",
        "inputs": ["a": "SRR(.*)_1.gz", "b": "SRR(.*)_2.gz"],
      ])
    let batches = result["batchInputs"]?.arrayValue ?? []
    // Sorted by pattern, descending.
    #expect(batches.compactMap { $0["batchPattern"]?.stringValue } == ["3", "2", "1"])
    #expect(batches[2]["error"] == nil)
    #expect(
      batches[2]["inputs"] == [
        "a": ["name": "SRR1_1.gz", "ids": [.string(ids["SRR1_1.gz"] ?? "")]],
        "b": ["name": "SRR1_2.gz", "ids": [.string(ids["SRR1_2.gz"] ?? "")]],
      ])
    // A name matching two files, and a batch missing an input, are errors.
    #expect(batches[1]["error"] != nil)
    #expect(batches[1]["inputs"]?["b"]?["ids"]?.arrayValue?.count == 2)
    #expect(batches[0]["error"] != nil)
    #expect(batches[0]["inputs"]?["b"] == nil)
    // Bad input.
    let base: DXJSON = ["project": .string(project), "inputs": ["a": "SRR(.*)_1.gz"]]
    #expect(
      h.errorType("/system/generateBatchInputs", base.merging(["inputs": ["a": "no group"]]))
        == "InvalidInput")
    #expect(
      h.errorType("/system/generateBatchInputs", base.merging(["inputs": ["a": "(unclosed"]]))
        == "InvalidInput")
    #expect(h.errorType("/system/generateBatchInputs", base.merging(["inputs": [:]])) == "InvalidInput")
    #expect(
      h.errorType("/system/generateBatchInputs", base.merging(["folder": "/nope"])) == "ResourceNotFound")
    #expect(h.errorType("/system/generateBatchInputs", base, as: "bob") == "PermissionDenied")
  }

  @Test func globalSearchAndShortURLs() throws {
    let h = try PlatformHarness()
    let project = try h.newProject("Genome project")
    let record = try h.newRecord(project, ["name": "genome notes"])
    _ = try h.newRecord(project, ["name": "hidden genome", "hidden": true])
    let applet = try PlatformAppletTests.newApplet(h, project)
    let app = try PlatformAppTests.newApp(h, applet: applet, name: "genomics")
    let found = try h.call("/system/globalSearch", ["query": "GENOM"])["results"]?.arrayValue ?? []
    #expect(found.compactMap { $0["id"]?.stringValue } == [project, record, app])
    #expect(found[1]["project"] == .string(project))
    #expect(try h.ids("/system/globalSearch", ["query": "genom", "classes": ["record"]]) == [record])
    #expect(try h.ids("/system/globalSearch", ["query": "genom"], as: "bob").isEmpty)
    #expect(h.errorType("/system/globalSearch", [:]) == "InvalidInput")
    #expect(h.errorType("/system/globalSearch", ["query": ""]) == "InvalidInput")
    let short = try h.call("/system/shortenURL", ["url": "https://example.com/a/very/long/path"])["url"]?
      .stringValue
    #expect(short?.hasPrefix("http://127.0.0.1:9999/u/") == true)
    #expect(
      try h.call("/system/shortenURL", ["url": "https://example.com/a/very/long/path"])["url"]?.stringValue
        == short)
    #expect(h.errorType("/system/shortenURL", ["url": "not a url"]) == "InvalidInput")
    #expect(h.errorType("/system/shortenURL", [:]) == "InvalidInput")
  }
}
