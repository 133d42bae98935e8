import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform orgs")
struct PlatformOrgTests {
  /// A harness where alice made `org-lab` and invited bob as a MEMBER with `projectAccess`.
  static func labHarness(projectAccess: String = "CONTRIBUTE", statePath: String? = nil) throws
    -> PlatformHarness
  {
    let h = try PlatformHarness(statePath: statePath)
    try h.call("/org/new", ["handle": "lab", "name": "The Lab"])
    try h.call(
      "/org-lab/invite",
      ["invitee": "user-bob", "level": "MEMBER", "projectAccess": .string(projectAccess), "appAccess": true])
    return h
  }

  @Test func createDescribeAndUpdate() throws {
    let h = try Self.labHarness()
    let described = try h.call("/org-lab/describe")
    #expect(described["id"] == "org-lab")
    #expect(described["class"] == "org")
    #expect(described["name"] == "The Lab")
    #expect(described["level"] == "ADMIN")
    #expect(described["allowBillableActivities"] == true)
    #expect(described["policies"]?["memberListVisibility"] == "ADMIN")
    #expect(described["permittedRegions"] == ["aws:us-east-1", "azure:westus"])
    let bobs = try h.call("/org-lab/describe", ["fields": ["level": true, "projectAccess": true]], as: "bob")
    #expect(bobs == ["id": "org-lab", "level": "MEMBER", "projectAccess": "CONTRIBUTE"])
    // Not a member: no description.
    #expect(h.errorType("/org-lab/describe", as: "carol") == "PermissionDenied")
    #expect(h.errorType("/org-nope/describe") == "ResourceNotFound")
    // Only admins update; policies are checked.
    try h.call("/org-lab/update", ["name": "Lab 2", "policies": ["memberListVisibility": "MEMBER"]])
    #expect(try h.call("/org-lab/describe")["name"] == "Lab 2")
    #expect(h.errorType("/org-lab/update", ["name": "x"], as: "bob") == "PermissionDenied")
    #expect(h.errorType("/org-lab/update", ["policies": ["memberListVisibility": "ALL"]]) == "InvalidInput")
    #expect(h.errorType("/org-lab/update", ["policies": ["colour": "red"]]) == "InvalidInput")
    #expect(h.errorType("/org-lab/update", ["name": ""]) == "InvalidInput")
  }

  @Test func newOrgInputAndNonces() throws {
    let h = try PlatformHarness()
    #expect(h.errorType("/org/new", ["name": "x"]) == "InvalidInput")
    #expect(h.errorType("/org/new", ["handle": "a b", "name": "x"]) == "InvalidInput")
    #expect(h.errorType("/org/new", ["handle": "ok", "name": 3]) == "InvalidInput")
    #expect(h.errorType("/org/new", ["handle": "ok", "name": "x", "policies": "open"]) == "InvalidInput")
    let input: DXJSON = ["handle": "n1", "name": "N", "nonce": "org-nonce"]
    let first = try h.call("/org/new", input)
    #expect(first == ["id": "org-n1"])
    #expect(try h.call("/org/new", input) == first)
    #expect(h.errorType("/org/new", ["handle": "n2", "name": "N", "nonce": "org-nonce"]) == "InvalidInput")
    #expect(h.errorType("/org/new", ["handle": "n1", "name": "again"]) == "InvalidInput")
  }

  @Test func membersInvitesAndAccess() throws {
    let h = try Self.labHarness()
    #expect(h.errorType("/org-lab/invite", ["invitee": "user-zed", "level": "MEMBER"]) == "ResourceNotFound")
    #expect(h.errorType("/org-lab/invite", ["invitee": "user-bob", "level": "MEMBER"]) == "InvalidState")
    #expect(h.errorType("/org-lab/invite", ["invitee": "user-carol", "level": "BOSS"]) == "InvalidInput")
    #expect(
      h.errorType("/org-lab/invite", ["invitee": "user-carol", "level": "MEMBER"], as: "bob")
        == "PermissionDenied")
    let members = try h.call("/org-lab/findMembers", ["describe": true])
    #expect(
      members["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["user-alice", "user-bob"])
    #expect(members["results"]?[1]?["level"] == "MEMBER")
    #expect(members["results"]?[1]?["allowBillableActivities"] == false)
    #expect(members["results"]?[1]?["describe"]?["handle"] == "bob")
    #expect(try h.ids("/org-lab/findMembers", ["level": "ADMIN"]) == ["user-alice"])
    #expect(try h.ids("/org-lab/findMembers", ["id": ["user-bob"]]) == ["user-bob"])
    let page = try h.call("/org-lab/findMembers", ["limit": 1])
    #expect(page["next"] == "user-bob")
    #expect(try h.ids("/org-lab/findMembers", ["limit": 1, "starting": "user-bob"]) == ["user-bob"])
    // The member list is for admins until the policy opens it.
    #expect(h.errorType("/org-lab/findMembers", as: "bob") == "PermissionDenied")
    try h.call("/org-lab/update", ["policies": ["memberListVisibility": "MEMBER"]])
    #expect(try h.ids("/org-lab/findMembers", as: "bob").count == 2)
    #expect(h.errorType("/org-lab/findMembers", as: "carol") == "PermissionDenied")
    // Access changes; the last admin stays.
    try h.call("/org-lab/setMemberAccess", ["user-bob": ["level": "ADMIN"]])
    #expect(try h.call("/org-lab/describe", as: "bob")["level"] == "ADMIN")
    try h.call("/org-lab/setMemberAccess", ["user-bob": ["level": "MEMBER"]])
    let demoted = try h.call("/org-lab/describe", as: "bob")
    #expect(demoted["allowBillableActivities"] == false && demoted["projectAccess"] == "CONTRIBUTE")
    #expect(h.errorType("/org-lab/setMemberAccess", ["user-alice": ["level": "MEMBER"]]) == "InvalidState")
    #expect(
      h.errorType("/org-lab/setMemberAccess", ["user-carol": ["level": "MEMBER"]]) == "ResourceNotFound")
    #expect(h.errorType("/org-lab/setMemberAccess", ["bob": ["level": "MEMBER"]]) == "InvalidInput")
    #expect(
      h.errorType("/org-lab/setMemberAccess", ["user-bob": ["projectAccess": "ALL"]]) == "InvalidInput")
    // findOrgs.
    #expect(try h.ids("/system/findOrgs", ["level": "MEMBER"], as: "bob") == ["org-lab"])
    #expect(try h.ids("/system/findOrgs", ["level": "ADMIN"], as: "bob").isEmpty)
    #expect(
      try h.ids("/system/findOrgs", ["level": "MEMBER", "allowBillableActivities": true], as: "bob").isEmpty)
    let described = try h.call("/system/findOrgs", ["level": "ADMIN", "describe": true])
    #expect(described["results"]?[0]?["describe"]?["name"] == "The Lab")
    #expect(h.errorType("/system/findOrgs", [:]) == "InvalidInput")
    // Removing a member revokes their permissions in the org's projects.
    let project =
      try h.call("/project/new", ["name": "billed", "billTo": "org-lab"])["id"]?.stringValue ?? ""
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "VIEW"])
    let removed = try h.call("/org-lab/removeMember", ["user": "user-bob"])
    #expect(removed["projects"]?[project] == "VIEW")
    #expect(h.errorType("/\(project)/describe", as: "bob") == "PermissionDenied")
    #expect(h.errorType("/org-lab/removeMember", ["user": "user-bob"]) == "ResourceNotFound")
    #expect(h.errorType("/org-lab/removeMember", ["user": "user-alice"]) == "InvalidState")
  }

  @Test func billingAndProjectAccessThroughOrgs() throws {
    let h = try Self.labHarness(projectAccess: "UPLOAD")
    // bob may not bill the org (MEMBER without allowBillableActivities); carol is no member.
    #expect(h.errorType("/project/new", ["name": "p", "billTo": "org-lab"], as: "bob") == "PermissionDenied")
    #expect(h.errorType("/project/new", ["name": "p", "billTo": "org-nope"]) == "InvalidInput")
    #expect(h.errorType("/project/new", ["name": "p", "billTo": "user-bob"]) == "PermissionDenied")
    // An admin administers every project billed to the org, even without being invited.
    let bobs = try h.call("/project/new", ["name": "bobs"], as: "bob")["id"]?.stringValue ?? ""
    try h.call("/org-lab/setMemberAccess", ["user-bob": ["allowBillableActivities": true]])
    let billed =
      try h.call("/project/new", ["name": "lab project", "billTo": "org-lab"], as: "bob")["id"]?
      .stringValue ?? ""
    #expect(try h.call("/\(billed)/describe")["level"] == "ADMINISTER")
    #expect(try h.call("/\(billed)/describe")["billTo"] == "org-lab")
    #expect(h.errorType("/\(bobs)/describe") == "PermissionDenied")
    // Sharing with the org gives members the org's level, capped by their projectAccess (UPLOAD).
    try h.call("/\(bobs)/invite", ["invitee": "org-lab", "level": "CONTRIBUTE"], as: "bob")
    try h.call("/org-lab/invite", ["invitee": "user-carol", "level": "MEMBER", "projectAccess": "UPLOAD"])
    #expect(try h.call("/\(bobs)/describe", as: "carol")["level"] == "UPLOAD")
    #expect(try h.ids("/system/findProjects", ["level": "UPLOAD"], as: "carol") == [bobs])
    #expect(try h.ids("/system/findProjects", ["level": "CONTRIBUTE"], as: "carol").isEmpty)
    try h.call("/org-lab/setMemberAccess", ["user-carol": ["projectAccess": "NONE"]])
    #expect(h.errorType("/\(bobs)/describe", as: "carol") == "PermissionDenied")
    // org findProjects and findApps are for admins and list what the org pays for.
    let found = try h.call("/org-lab/findProjects", ["describe": true])
    #expect(found["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [billed])
    #expect(found["results"]?[0]?["level"] == "ADMINISTER")
    #expect(found["results"]?[0]?["describe"]?["name"] == "lab project")
    #expect(h.errorType("/org-lab/findProjects", as: "carol") == "PermissionDenied")
    #expect(try h.ids("/org-lab/findProjects", ["name": ["glob": "lab*"]]) == [billed])
    #expect(try h.ids("/org-lab/findProjects", ["name": ["regexp": "^nope"]]).isEmpty)
    let applet = try PlatformAppletTests.newApplet(h, billed)
    let app = try PlatformAppTests.newApp(h, applet: applet, ["billTo": "org-lab"])
    _ = try PlatformAppTests.newApp(h, applet: applet, name: "mine")
    #expect(try h.ids("/org-lab/findApps") == [app])
    #expect(h.errorType("/org-lab/findApps", as: "carol") == "PermissionDenied")
    #expect(
      h.errorType(
        "/app/new", ["applet": .string(applet), "name": "c", "version": "1", "billTo": "org-lab"], as: "carol"
      ) == "PermissionDenied")
  }

  @Test func orgsPersistAcrossRestart() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      do {
        let h = try Self.labHarness(statePath: path)
        try h.call("/org-lab/update", ["name": "Kept"])
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try h.call("/org-lab/describe")["name"] == "Kept")
      #expect(try h.call("/org-lab/describe", as: "bob")["level"] == "MEMBER")
      try h.platform.reset()
      #expect(h.errorType("/org-lab/describe") == "ResourceNotFound")
    }
  }
}
