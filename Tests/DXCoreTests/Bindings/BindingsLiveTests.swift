import DXCore
import DXKitTesting
import DXMockServer
import Foundation
import Testing

@Suite("Bindings — data objects, containers and search against dx-mock-server", .timeLimit(.minutes(3)))
struct BindingsLiveTests {
  /// A new project and a client whose project context it is.
  static func project(_ client: DXClient, name: String = "bindings") async throws -> (DXProject, DXClient) {
    let project = try await DXProject.new(name: name, client: client)
    return (project, try client.inProject(project.id))
  }

  @Test("records: new, describe, tags, types, properties, details, rename, hide, close and wait")
  func records() async throws {
    try await DXMockServer.withClient { server, client in
      let (project, client) = try await Self.project(client)
      let record = try await DXRecord.new(
        DXNewObjectOptions(name: "r1", tags: ["t1"], details: ["k": 1], folder: "/a", parents: true),
        client: client)
      #expect(record.project == project.id)
      var description = try await record.describe()
      #expect(description.name == "r1" && description.folder == "/a" && description.state == "open")
      #expect(description.objectClass == "record" && description.tags == ["t1"])
      try await record.addTags(["t2"])
      try await record.removeTags(["t1"])
      try await record.addTypes(["T"])
      try await record.removeTypes(["T"])
      try await record.addTypes(["U"])
      try await record.setProperties(["p": "1", "q": "2"])
      try await record.setProperties(["q": nil])
      try await record.setDetails(["k": 2])
      try await record.rename("r2")
      try await record.hide()
      description = try await record.describe(
        DXDescribeOptions(includeProperties: true, includeDetails: true))
      #expect(description.name == "r2" && description.tags == ["t2"] && description.types == ["U"])
      #expect(description.properties == ["p": "1"] && description.details == ["k": 2])
      #expect(description.hidden == true)
      #expect(try await record.properties() == ["p": "1"])
      #expect(try await record.details() == ["k": 2])
      try await record.unhide()
      #expect(try await record.listProjects() == [project.id: "ADMINISTER"])
      try await record.close(wait: true)
      #expect(try await record.state() == "closed")
      let nonces = server.journal().filter { $0.path == "/record/new" }.compactMap { entry in
        (try? DXJSON(parsing: entry.body))?["nonce"]?.stringValue
      }
      #expect(nonces.count == 1 && nonces[0].count == 81)
    }
  }

  @Test("move, clone into another project, remove; the clone's handle points at the copy")
  func moveCloneRemove() async throws {
    try await DXMockServer.withClient { _, client in
      let (project, client) = try await Self.project(client)
      let other = try await DXProject.new(name: "other", client: client)
      let record = try await DXRecord.new(DXNewObjectOptions(name: "r"), close: true, client: client)
      try await project.newFolder("/m/n", parents: true)
      try await record.move(to: "/m/n")
      #expect(try await record.describe().folder == "/m/n")
      let copy = try await record.clone(into: other.id, folder: "/")
      #expect(copy.project == other.id && copy.id == record.id)
      #expect(try await copy.describe().project == other.id)
      try await record.remove()
      // The project is only a hint: the removed object is described from the copy that is left.
      #expect(try await record.describe().project == other.id)
      #expect(try await project.listFolder("/m/n").objects.isEmpty)
      let untied = try DXRecord(record.id, project: nil, client: client.withProjectContext(nil))
      await #expect(throws: DXBindingError.self) { try await untied.remove() }
    }
  }

  @Test("containers: folders, listing, move folder, remove objects and folders, clone, destroy")
  func containers() async throws {
    try await DXMockServer.withClient { _, client in
      let (project, client) = try await Self.project(client)
      try await project.newFolder("/x/y", parents: true)
      let first = try await DXRecord.new(
        DXNewObjectOptions(name: "a", folder: "/x"), close: true, client: client)
      let second = try await DXRecord.new(
        DXNewObjectOptions(name: "b", folder: "/x"), close: true, client: client)
      var listing = try await project.listFolder("/x", describe: ["fields": ["name": true]])
      #expect(Set(listing.objects.map(\.id)) == [first.id, second.id])
      #expect(Set(listing.objects.compactMap { $0.describe?.name }) == ["a", "b"])
      #expect(listing.folders == ["/x/y"])
      try await project.newFolder("/z")
      try await project.moveFolder("/x/y", to: "/z")
      try await project.move(to: "/z", objects: [second.id])
      listing = try await project.listFolder("/z")
      #expect(listing.folders == ["/z/y"] && listing.objects.map(\.id) == [second.id])
      try await project.renameFolder("/z/y", to: "w")
      #expect(try await project.listFolder("/z", only: "folders").folders == ["/z/w"])
      let target = try await DXProject.new(name: "target", client: client)
      try await project.clone(into: target.id, destination: "/", objects: [first.id])
      #expect(try await target.listFolder("/").objects.map(\.id) == [first.id])
      try await project.removeObjects([first.id])
      try await project.removeFolder("/z", recurse: true)
      #expect(try await project.listFolder("/").folders == ["/x"])
      let description = try await project.describe(["fields": ["fileUploadParameters": true, "name": true]])
      #expect(description.name == "bindings")
      #expect(description.fileUploadParameters?.minimumPartSize == 5_242_880)
      try await project.update(["name": "renamed", "summary": "s"])
      try await project.setProperties(["a": "b"])
      try await project.addTags(["pt"])
      let updated = try await project.describe(["properties": true])
      #expect(updated.name == "renamed" && updated.properties == ["a": "b"] && updated.tags == ["pt"])
      try await target.destroy()
      await #expect(throws: DXAPIError.self) { try await target.describe() }
    }
  }

  @Test("findDataObjects pages through 250 objects with describe; findOne; resolveDataObjects")
  func search() async throws {
    try await DXMockServer.withClient { server, client in
      let (project, client) = try await Self.project(client)
      for index in 0..<250 {
        _ = try await DXRecord.new(
          DXNewObjectOptions(name: "rec\(index)", folder: index < 10 ? "/ten" : "/", parents: true),
          client: client)
      }
      server.clearJournal()
      var query = DXDataObjectQuery(objectClass: "record", project: project.id)
      query.describe = ["fields": ["name": true]]
      let all = try await client.findDataObjects(query).collect()
      #expect(all.count == 250)
      #expect(Set(all.compactMap { $0.describe?.name }).count == 250)
      let limits = server.attempts("/system/findDataObjects").compactMap { entry in
        (try? DXJSON(parsing: entry.body))?["limit"]?.intValue
      }
      #expect(limits == [100, 200])
      let ten = try await client.findDataObjects(DXDataObjectQuery(folder: "/ten", recurse: false)).collect()
      #expect(ten.count == 10)
      let one = try await client.findDataObjects(.init(name: "rec42")).one(moreOK: false)
      #expect(one?.project == project.id)
      let handle = try #require(try one?.handler(client: client) as? DXRecord)
      #expect(try await handle.describe().name == "rec42")
      await #expect(throws: DXBindingError.self) {
        try await client.findDataObjects(.init(name: .glob("rec4*"))).one(moreOK: false)
      }
      #expect(try await client.findDataObjects(.init(name: "none")).one(zeroOK: true) == nil)
      let resolved = try await client.resolveDataObjects(
        [["name": "rec1"], ["name": "missing"], ["name": "rec2", "folder": "/ten"]], project: project.id,
        folder: "/ten")
      #expect(resolved.map(\.count) == [1, 0, 1])
      let projects = try await client.findProjects(DXProjectQuery(name: .exact("bindings"), describe: true))
        .collect()
      #expect(projects.map(\.id) == [project.id] && projects.first?.describe?.name == "bindings")
      let descriptions = try await client.describeDataObjects([handle.id], fields: ["name"])
      #expect(descriptions.map(\.name) == ["rec42"])
    }
  }

  @Test("resolveExistingPath: names, globs, IDs, folders, project names, errors")
  func resolvePaths() async throws {
    try await DXMockServer.withClient { _, client in
      let (project, client) = try await Self.project(client, name: "paths")
      try await project.newFolder("/data/sub", parents: true)
      let reads = try await DXRecord.new(DXNewObjectOptions(name: "reads", folder: "/data"), client: client)
      _ = try await DXRecord.new(DXNewObjectOptions(name: "reads2", folder: "/data"), client: client)
      var resolved = try await client.resolveExistingPath("paths:/data/reads")
      #expect(resolved.project == project.id && resolved.objects.map(\.id) == [reads.id])
      resolved = try await client.resolveExistingPath("/data/sub")
      #expect(resolved.folder == "/data/sub" && resolved.objects.isEmpty)
      resolved = try await client.resolveExistingPath("\(project.id):\(reads.id)")
      #expect(resolved.objects.first?.describe?.name == "reads")
      resolved = try await client.resolveExistingPath("/data/reads*", allowMultiple: true)
      #expect(resolved.objects.count == 2)
      await #expect(throws: DXBindingError.self) { try await client.resolveExistingPath("/data/reads*") }
      await #expect(throws: DXBindingError.self) { try await client.resolveExistingPath("/data/missing") }
      await #expect(throws: DXBindingError.self) {
        try await client.resolveExistingPath("no-such-project:/x")
      }
      let (where_, folder, name) = try await client.resolvePath("paths:/data/")
      #expect(where_ == project.id && folder == "/data" && name == nil)
    }
  }

  @Test("applets and workflows: new, get, describe, stage editing with editVersion")
  func executables() async throws {
    try await DXMockServer.withClient { _, client in
      let (_, client) = try await Self.project(client)
      let applet = try await DXApplet.new(
        runSpec: ["interpreter": "bash", "code": "echo hi", "distribution": "Ubuntu", "release": "20.04"],
        dxapi: "1.0.0", inputSpec: [], outputSpec: [], options: DXNewObjectOptions(name: "hello"),
        client: client)
      #expect(try await applet.describe().name == "hello")
      #expect(try await applet.get()["runSpec"]?["code"] == "echo hi")
      let workflow = try await DXWorkflow.new(
        title: "wf", options: DXNewObjectOptions(name: "wf"), client: client)
      let first = try await workflow.addStage(executable: applet.id, name: "one")
      let second = try await workflow.addStage(executable: applet.id, name: "two", folder: "/two")
      #expect(try await workflow.stages().compactMap { $0["id"]?.stringValue } == [first, second])
      try await workflow.moveStage("two", to: 0)
      #expect(try await workflow.stage(0)["id"]?.stringValue == second)
      try await workflow.updateStage("one", name: "uno")
      #expect(try await workflow.stage(.named(first))["name"] == "uno")
      try await workflow.update(["title": "new title"])
      #expect(try await workflow.describe().raw["title"] == "new title")
      #expect(try await workflow.removeStage(1) == first)
      #expect(try await workflow.stages().count == 1)
      await #expect(throws: DXAPIError.self) {
        try await workflow.addStage(executable: applet.id, editVersion: 0)
      }
    }
  }
}
