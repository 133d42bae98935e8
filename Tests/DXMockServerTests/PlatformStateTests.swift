import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform state model")
struct PlatformStateTests {
  @Test func idAlphabetAndValidation() {
    var generator = IDGenerator(seed: 1)
    let id = generator.make("record")
    #expect(id.hasPrefix("record-"))
    #expect(id.count == "record-".count + 24)
    #expect(id.dropFirst(7).allSatisfy { IDGenerator.alphabet.contains($0) })
    #expect(IDGenerator.alphabet.count == 32)
    #expect(IDGenerator.isValid(id, klass: "record"))
    #expect(!IDGenerator.isValid(id, klass: "file"))
    #expect(!IDGenerator.isValid("record-short"))
    #expect(IDGenerator.klass(of: "file-x") == "file")
  }

  @Test func closingFilesBecomeClosed() {
    var state = PlatformState(users: ["user-a"], seed: 1)
    let id = state.newID("file")
    var object = DataObjectState(id: id, klass: "file", created: 0, modified: 0, createdBy: "user-a")
    object.state = "closing"
    object.copies["project-x"] = ObjectCopy(name: "f", folder: "/", added: 0)
    state.insertObject(object)
    #expect(state.closing[id] == 0)
    state.closing[id] = 50
    state.finishClosing(now: 10)
    #expect(state.objects[id]?.state == "closing")
    state.finishClosing(now: 50)
    #expect(state.objects[id]?.state == "closed")
    #expect(state.closing.isEmpty)
  }

  @Test func folderNormalisation() throws {
    #expect(try PlatformState.normalizeFolder("/a//b////c/") == "/a/b/c")
    #expect(try PlatformState.normalizeFolder("///") == "/")
    #expect(throws: DXPlatformError.self) { try PlatformState.normalizeFolder("a/b") }
    #expect(throws: DXPlatformError.self) { try PlatformState.normalizeFolder("/a/../b") }
    #expect(PlatformState.parentFolder("/a/b") == "/a")
    #expect(PlatformState.parentFolder("/a") == "/")
    #expect(PlatformState.isFolder("/ab", inside: "/a") == false)
    #expect(PlatformState.isFolder("/a/b", inside: "/a"))
  }

  @Test func indexFollowsMutations() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let id = try h.newRecord(project, ["name": "before", "tags": ["x"], "properties": ["k": "v"]])
    try h.call("/\(id)/rename", ["project": .string(project), "name": "after"])
    try h.call("/\(id)/removeTags", ["project": .string(project), "tags": ["x"]])
    try h.call("/\(id)/setProperties", ["project": .string(project), "properties": ["k": "w"]])
    try h.platform.store.read { (state: PlatformState) throws(DXPlatformError) in
      let index = state.index[project] ?? ProjectIndex()
      #expect(index.byName["before"] == nil)
      #expect(index.byName["after"] == [id])
      #expect(index.byTag["x"] == nil)
      #expect(index.byProperty[ProjectIndex.propertyKey("k", "v")] == nil)
      #expect(index.byProperty[ProjectIndex.propertyKey("k", "w")] == [id])
    }
    try h.call("/\(project)/removeObjects", ["objects": [.string(id)]])
    try h.platform.store.read { (state: PlatformState) throws(DXPlatformError) in
      #expect(state.index[project]?.all.isEmpty == true)
      #expect(state.objects[id] == nil)
    }
  }

  @Test func listFolderHiddenAndDescribe() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let shown = try h.newRecord(project, ["name": "shown"])
    let hidden = try h.newRecord(project, ["name": "hidden", "hidden": true])
    let plain = try h.call("/\(project)/listFolder", ["folder": "/"])
    #expect(plain["objects"] == [["id": .string(shown)]])
    let all = try h.call(
      "/\(project)/listFolder",
      ["includeHidden": true, "describe": ["fields": ["name": true]], "only": "objects"])
    #expect(
      all["objects"] == [
        ["id": .string(shown), "describe": ["id": .string(shown), "name": "shown"]],
        ["id": .string(hidden), "describe": ["id": .string(hidden), "name": "hidden"]],
      ])
    #expect(h.error("/\(project)/listFolder", ["includeHidden": "yes"])?.type == "InvalidInput")
    #expect(h.error("/\(project)/listFolder", ["describe": 3])?.type == "InvalidInput")
  }

  @Test func concurrentCallsAreSafe() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: 400) { index in
      do {
        let id = try h.newRecord(project, ["name": .string("n\(index % 20)"), "tags": ["t"]])
        try h.call(
          "/\(id)/addTags", ["project": .string(project), "tags": .array([.string("u\(index % 3)")])])
        _ = try h.call("/system/findDataObjects", ["name": .string("n\(index % 20)")])
      } catch {
        failures.add("\(error)")
      }
    }
    #expect(failures.all.isEmpty)
    let found = try h.call("/system/findDataObjects", ["tag": "t", "limit": 1000])
    #expect(found["results"]?.arrayValue?.count == 400)
    #expect(
      try h.call("/system/findDataObjects", ["name": "n3", "limit": 1000])["results"]?.arrayValue?.count == 20
    )
  }

  /// Errors collected from concurrent work.
  final class Failures: Sendable {
    private let items = DXLock<[String]>([])
    func add(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
  }
}
