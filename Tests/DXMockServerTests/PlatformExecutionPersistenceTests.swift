import DXSQLite
import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform executions in the state file")
struct PlatformExecutionPersistenceTests {
  @Test func executionsSurviveARestartAndKeepMoving() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var project = ""
      var done = ""
      var upstream = ""
      var waiting = ""
      do {
        let h = try PlatformHarness(statePath: path, jobDuration: 100)
        project = try h.newProject()
        let applet = try h.newApplet(project, outputSpec: [["name": "f", "class": "file"]])
        done = try h.run(applet, project: project, extra: ["tags": ["kept"]])
        h.wait(200)
        #expect(try h.state(done) == "done")
        upstream = try h.run(applet, project: project)
        waiting = try h.run(applet, project: project, extra: ["dependsOn": [.string(upstream)]])
        #expect(try h.state(waiting) == "waiting_on_input")
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path, jobDuration: 100)
      let d = try h.describe(done)
      #expect(d["state"] == "done")
      #expect(d["tags"] == ["kept"])
      let file = d["output"]?["f"]?["$dnanexus_link"]?.stringValue ?? ""
      let url = try h.call("/\(file)/download", [:])["url"]?.stringValue ?? ""
      #expect(h.transfer("GET", url)?.body == Data("f of \(done) (seed 7)\n".utf8))
      #expect(try h.call("/system/findJobs", ["tags": "kept"])["results"]?[0]?["id"] == .string(done))
      // The timers and the waiting job were rebuilt from the file.
      h.wait(1000)
      #expect(try h.state(upstream) == "done")
      #expect(try h.state(waiting) == "done")
      // New IDs continue the sequence.
      let applet = try h.newApplet(project, name: "again")
      let fresh = try h.run(applet, project: project)
      #expect(![done, upstream, waiting].contains(fresh))
    }
  }

  @Test func aVersion2StateFileIsUpgraded() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/old.sqlite"
      var project = ""
      do {
        let h = try PlatformHarness(statePath: path)
        project = try h.newProject("old")
        h.platform.close()
      }
      // Make it what version 2 wrote: no executions table.
      do {
        let database = try DXSQLiteDatabase(path: path)
        try database.execute("DROP TABLE executions")
        try database.setUserVersion(2)
        database.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try h.call("/\(project)/describe")["name"] == "old")
      let applet = try h.newApplet(project)
      let job = try h.run(applet, project: project)
      h.platform.close()
      let again = try PlatformHarness(statePath: path)
      #expect(try again.describe(job)["id"] == .string(job))
      let database = try DXSQLiteDatabase(path: path)
      #expect(try database.userVersion() == StateFile.schemaVersion)
      database.close()
    }
  }
}
