import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform project details: regions, PHI, billing, folders, clone, sharing")
struct PlatformProjectDetailTests {
  /// fixtures: carol may hold PHI and only use aws:us-east-1; org-lab (alice ADMIN) allows PHI.
  static func fixtures() throws -> DXMockFixtures {
    try DXMockFixtures(json: [
      "users": [["handle": "carol", "allowPHI": true, "permittedRegions": ["aws:us-east-1"]]],
      "orgs": [["handle": "lab", "allowPHI": true, "members": [["user": "alice", "level": "ADMIN"]]]],
    ])
  }

  @Test func regionsAndPHI() throws {
    let h = try PlatformHarness(fixtures: try Self.fixtures())
    let west = try h.call("/project/new", ["name": "w", "region": "azure:westus"])["id"]?.stringValue ?? ""
    #expect(try h.call("/\(west)/describe")["region"] == "azure:westus")
    let east = try h.newProject("e")
    #expect(try h.ids("/system/findProjects", ["region": "azure:westus"]) == [west])
    #expect(try h.ids("/system/findProjects", ["region": "aws:us-east-1"]) == [east])
    #expect(h.errorType("/project/new", ["name": "x", "region": "mars:north-1"]) == "InvalidInput")
    #expect(
      h.errorType("/project/new", ["name": "x", "region": "azure:westus"], as: "carol") == "InvalidInput")
    #expect(try h.call("/user-carol/describe")["permittedRegions"] == ["aws:us-east-1"])
    // PHI needs a billing entity that allows it.
    let refused = h.error("/project/new", ["name": "phi", "containsPHI": true])
    #expect(refused?.type == "PermissionDenied")
    #expect(refused?.message.hasPrefix("PHI features must be enabled for") == true)
    let phi =
      try h.call("/project/new", ["name": "phi", "containsPHI": true, "billTo": "org-lab"])["id"]?.stringValue
      ?? ""
    let carols =
      try h.call("/project/new", ["name": "c", "containsPHI": true], as: "carol")["id"]?.stringValue ?? ""
    #expect(try h.call("/\(carols)/describe", as: "carol")["containsPHI"] == true)
    #expect(try h.ids("/system/findProjects", ["containsPHI": true]) == [phi])
    #expect(try h.ids("/system/findProjects", ["containsPHI": false]).sorted() == [east, west].sorted())
    #expect(h.errorType("/\(east)/update", ["containsPHI": true]) == "PermissionDenied")
    #expect(h.errorType("/\(phi)/update", ["containsPHI": false]) == "InvalidInput")
    // Apps: regionalOptions for both regions, each applet in its region.
    let eastApplet = try PlatformAppletTests.newApplet(h, east)
    let westApplet = try PlatformAppletTests.newApplet(h, west)
    #expect(
      try h.call("/\(westApplet)/describe")["runSpec"]?["systemRequirementsByRegion"]?["azure:westus"] != nil)
    #expect(try h.call("/\(westApplet)/describe")["runSpec"]?["headJobOnDemand"] == false)
    let app =
      try h.call(
        "/app/new",
        [
          "name": "two", "version": "1.0.0",
          "regionalOptions": [
            "aws:us-east-1": ["applet": .string(eastApplet)], "azure:westus": ["applet": .string(westApplet)],
          ],
        ])["id"]?.stringValue ?? ""
    // findDataObjects filters by the region of the project an object is in (dx find data --region).
    #expect(
      try h.ids("/system/findDataObjects", ["class": "applet", "region": "azure:westus"]) == [westApplet])
    #expect(
      try h.ids("/system/findDataObjects", ["class": "applet", "region": ["aws:us-east-1", "azure:westus"]])
        .sorted() == [eastApplet, westApplet].sorted())
    #expect(h.errorType("/system/findDataObjects", ["region": 1]) == "InvalidInput")
    let regional = try h.call("/\(app)/describe", ["fields": ["regionalOptions": true]])["regionalOptions"]
    #expect(regional?["azure:westus"]?["applet"] == .string(westApplet))
    #expect(
      h.errorType(
        "/app/new",
        ["name": "bad", "version": "1", "regionalOptions": ["azure:westus": ["applet": .string(eastApplet)]]])
        == "InvalidInput")
    #expect(
      h.errorType(
        "/app/new",
        ["name": "bad", "version": "1", "regionalOptions": ["moon:1": ["applet": .string(eastApplet)]]])
        == "InvalidInput")
  }

  @Test func describeFieldsBillingTransferAndSponsorship() throws {
    let h = try PlatformHarness(fixtures: try Self.fixtures())
    let project = try h.newProject()
    let described = try h.call("/\(project)/describe")
    #expect(described["totalSponsoredEgressBytes"] == 0)
    #expect(described["consumedSponsoredEgressBytes"] == 0)
    #expect(described["atSpendingLimit"] == false)
    #expect(described["permissions"] == nil)
    #expect(
      try h.call("/\(project)/describe", ["fields": ["permissions": true]])["permissions"] == [
        "user-alice": "ADMINISTER"
      ])
    // billTo: a user or org that does not exist is bad input; one the caller may not bill is refused.
    #expect(h.errorType("/\(project)/update", ["billTo": "org-nope"]) == "InvalidInput")
    #expect(h.errorType("/\(project)/update", ["billTo": "user-nobody"]) == "InvalidInput")
    #expect(h.errorType("/\(project)/update", ["billTo": "user-bob"]) == "PermissionDenied")
    try h.call("/\(project)/update", ["billTo": "org-lab"])
    #expect(try h.call("/\(project)/describe")["billTo"] == "org-lab")
    // Sponsorship is the billing org's admins' to set.
    let until = h.clock.now + 86_400_000
    try h.call("/\(project)/updateSponsorship", ["sponsoredUntil": .integer(until)])
    #expect(try h.call("/\(project)/describe")["sponsoredUntil"] == .integer(until))
    try h.call("/\(project)/updateSponsorship", ["sponsoredUntil": .null])
    #expect(try h.call("/\(project)/describe")["sponsoredUntil"] == nil)
    #expect(h.errorType("/\(project)/updateSponsorship", [:]) == "InvalidInput")
    #expect(h.errorType("/\(project)/updateSponsorship", ["sponsoredUntil": 1]) == "InvalidInput")
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "ADMINISTER"])
    #expect(
      h.errorType("/\(project)/updateSponsorship", ["sponsoredUntil": .integer(until)], as: "bob")
        == "PermissionDenied")
    // Transfer: restricted to the org's admins by default; to a user it hands over billing.
    #expect(h.errorType("/\(project)/transfer", ["invitee": "user-bob"], as: "bob") == "PermissionDenied")
    try h.call("/\(project)/transfer", ["invitee": "user-bob"])
    #expect(try h.call("/\(project)/describe")["billTo"] == "user-bob")
    #expect(
      try h.call("/notifications/get", as: "bob")["notifications"]?.arrayValue?.contains {
        $0["type"] == "projectTransfer"
      } == true)
    #expect(h.errorType("/\(project)/transfer", ["invitee": "user-nobody"], as: "bob") == "ResourceNotFound")
    #expect(h.errorType("/\(project)/transfer", ["invitee": "org-lab"], as: "bob") == "PermissionDenied")
    #expect(h.errorType("/\(project)/transfer", [:], as: "bob") == "InvalidInput")
    #expect(h.errorType("/\(project)/transfer", ["invitee": "user-alice"], as: "carol") == "PermissionDenied")
  }

  @Test func foldersCloneAndSharing() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    try h.call("/\(project)/newFolder", ["folder": "/a/b", "parents": true])
    let record = try h.newRecord(project, ["folder": "/a/b", "close": true])
    // renameFolder with dx mv's whole new path, into another parent.
    try h.call("/\(project)/newFolder", ["folder": "/z"])
    try h.call("/\(project)/renameFolder", ["folder": "/a/b", "newpath": "/z/bee"])
    #expect(try h.call("/\(record)/describe")["folder"] == "/z/bee")
    #expect(
      h.errorType("/\(project)/renameFolder", ["folder": "/z/bee", "newpath": "/nope/x"])
        == "ResourceNotFound")
    #expect(
      h.errorType("/\(project)/renameFolder", ["folder": "/z", "newpath": "/z/bee/in"]) == "InvalidInput")
    #expect(h.errorType("/\(project)/renameFolder", ["folder": "/z"]) == "InvalidInput")
    // Cloning a folder onto an existing one of the same route conflicts.
    let other = try h.newProject("other")
    try h.call("/\(project)/clone", ["folders": ["/z"], "project": .string(other)])
    #expect(try h.call("/\(other)/listFolder", ["folder": "/z/bee"])["objects"]?.arrayValue?.count == 1)
    let conflict = h.error("/\(project)/clone", ["folders": ["/z"], "project": .string(other)])
    #expect(conflict?.type == "InvalidState")
    #expect(conflict?.message == "If cloned, a folder would conflict with the route of an existing folder.")
    // findDataObjects: a missing scope folder, and the id filter.
    let missing = h.error(
      "/system/findDataObjects", ["scope": ["project": .string(project), "folder": "/x"]])
    #expect(missing?.status == 404)
    #expect(missing?.message == "Folder \"/x\" does not exist in project \"\(project)\"")
    let second = try h.newRecord(project)
    #expect(try h.ids("/system/findDataObjects", ["id": [.string(second)]]) == [second])
    #expect(try h.ids("/system/findDataObjects", ["id": []]).isEmpty)
    #expect(h.errorType("/system/findDataObjects", ["id": "record-x"]) == "InvalidInput")
    // removeFolder of / with recurse empties the project.
    try h.call("/\(project)/removeFolder", ["folder": "/", "recurse": true])
    let root = try h.call("/\(project)/listFolder")
    #expect(root["objects"] == [] && root["folders"] == [])
    try h.call("/\(project)/removeFolder", ["folder": "/"])
    // Invitations: unknown users (by ID or email) are not found, as is uninviting one; orgs may be invited.
    #expect(
      h.errorType("/\(project)/invite", ["invitee": "user-nobody", "level": "VIEW"]) == "ResourceNotFound")
    #expect(
      h.errorType("/\(project)/invite", ["invitee": "no@where.org", "level": "VIEW"]) == "ResourceNotFound")
    #expect(h.errorType("/\(project)/invite", ["invitee": "bob", "level": "VIEW"]) == "InvalidInput")
    try h.call("/\(project)/invite", ["invitee": "bob@example.com", "level": "VIEW"])
    #expect(try h.call("/\(project)/describe", as: "bob")["level"] == "VIEW")
    #expect(h.errorType("/\(project)/decreasePermissions", ["user-nobody": .null]) == "ResourceNotFound")
    #expect(
      h.errorType("/\(project)/invite", ["invitee": "org-nope", "level": "VIEW"]) == "ResourceNotFound")
  }

  @Test func objectDetailsTypesHintsAndBundledFiles() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let record = try h.newRecord(project)
    try h.call("/\(record)/addTypes", ["types": ["Good_type/v2"]])
    let refused = h.error("/\(record)/addTypes", ["types": ["bad type"]])
    #expect(refused?.status == 422)
    #expect(refused?.message.hasSuffix("be an array of valid strings for a type name") == true)
    #expect(h.errorType("/\(record)/addTypes", ["types": ["é"]]) == "InvalidInput")
    #expect(h.errorType("/record/new", ["project": .string(project), "types": ["a-b"]]) == "InvalidInput")
    // A file described with a project hint that does not hold it answers for its original copy.
    let file = try PlatformFileTests.upload(h, project: project, parts: [Data("x".utf8)])
    let other = try h.newProject("other")
    let third = try h.newProject("third")
    try h.call("/\(project)/clone", ["objects": [.string(file)], "project": .string(other)])
    #expect(try h.call("/\(file)/describe", ["project": .string(third)])["project"] == .string(project))
    #expect(try h.call("/\(file)/describe", ["project": .string(other)])["project"] == .string(other))
    // Cloning an applet brings the files it bundles.
    let asset = try PlatformFileTests.upload(
      h, project: project, parts: [Data("asset".utf8)], name: "asset.tar.gz")
    let applet = try PlatformAppletTests.newApplet(
      h, project,
      [
        "runSpec": [
          "interpreter": "bash", "code": "true",
          "bundledDepends": [["name": "asset.tar.gz", "id": ["$dnanexus_link": .string(asset)]]],
        ]
      ])
    try h.call("/\(project)/clone", ["objects": [.string(applet)], "project": .string(third)])
    #expect(Set(try h.call("/\(asset)/listProjects").objectValue?.keys.map { $0 } ?? []) == [project, third])
    // I/O names must be identifiers.
    #expect(
      h.errorType(
        "/applet/new",
        PlatformAppletTests.appletInput(project, ["inputSpec": [["name": "1st", "class": "int"]]]))
        == "InvalidInput")
    #expect(
      h.errorType(
        "/applet/new",
        PlatformAppletTests.appletInput(project, ["outputSpec": [["name": "a-b", "class": "int"]]]))
        == "InvalidInput")
  }
}
