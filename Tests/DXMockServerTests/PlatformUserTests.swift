import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform users, affiliates and notifications")
struct PlatformUserTests {
  static let publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests alice@laptop\n"

  @Test func updateNamesAndTheSSHKey() throws {
    let h = try PlatformHarness()
    try h.call(
      "/user-alice/update", ["first": "Alice", "last": "Liddell", "sshPublicKey": .string(Self.publicKey)])
    let own = try h.call("/user-alice/describe")
    #expect(own["first"] == "Alice")
    #expect(own["last"] == "Liddell")
    // Stored exactly as sent (the trailing newline too), and shown to the user only.
    #expect(own["sshPublicKey"] == .string(Self.publicKey))
    #expect(try h.call("/user-alice/describe", as: "bob")["sshPublicKey"] == nil)
    #expect(
      try h.call("/user-alice/describe", ["fields": ["first": true]]) == [
        "id": "user-alice", "first": "Alice",
      ])
    // null removes it; a private key is refused with the platform's message.
    try h.call("/user-alice/update", ["sshPublicKey": .null])
    #expect(try h.call("/user-alice/describe")["sshPublicKey"] == nil)
    let refused = h.error(
      "/user-alice/update", ["sshPublicKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n"])
    #expect(refused?.type == "InvalidInput")
    #expect(refused?.status == 422)
    #expect(refused?.message == "Tried to put a private key in the sshPublicKey field")
    // Bad input and permissions.
    #expect(h.errorType("/user-alice/update", ["sshPublicKey": 3]) == "InvalidInput")
    #expect(h.errorType("/user-alice/update", ["first": ""]) == "InvalidInput")
    #expect(h.errorType("/user-alice/update", ["handle": "eve"]) == "InvalidInput")
    #expect(h.errorType("/user-alice/update", ["first": "Mallory"], as: "bob") == "PermissionDenied")
    #expect(h.errorType("/user-zed/update", ["first": "Z"]) == "ResourceNotFound")
    #expect(h.errorType("/user-zed/describe") == "ResourceNotFound")
    try h.call("/user-alice/update", ["timezone": "Europe/Paris"])
    #expect(try h.call("/user-alice/describe")["timezone"] == "Europe/Paris")
    // findUsers describes with the profile.
    let found = try h.call("/system/findUsers", ["name": ["glob": "al*"], "describe": true])
    #expect(found["results"]?[0]?["describe"]?["last"] == "Liddell")
  }

  @Test func affiliatesProjectMembersAndNotifications() throws {
    let h = try PlatformHarness(users: ["alice", "bob", "carol", "dave"])
    let project = try h.newProject()
    try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "CONTRIBUTE"])
    try h.call("/org/new", ["handle": "lab", "name": "Lab"])
    try h.call("/org-lab/invite", ["invitee": "user-carol", "level": "MEMBER"])
    #expect(try h.ids("/system/findAffiliates") == ["org-lab", "user-alice", "user-bob", "user-carol"])
    #expect(try h.ids("/system/findAffiliates", as: "dave") == ["user-dave"])
    let described = try h.call("/system/findAffiliates", ["describe": true, "limit": 1])
    #expect(described["results"]?[0]?["describe"]?["class"] == "org")
    #expect(described["next"] == "user-alice")
    let members = try h.call("/system/findProjectMembers", ["project": .string(project)])
    #expect(
      members["results"] == [
        ["id": "user-alice", "level": "ADMINISTER"], ["id": "user-bob", "level": "CONTRIBUTE"],
      ])
    #expect(
      try h.ids("/system/findProjectMembers", ["project": .string(project), "level": "ADMINISTER"]) == [
        "user-alice"
      ])
    #expect(
      h.errorType("/system/findProjectMembers", ["project": .string(project)], as: "dave")
        == "PermissionDenied")
    #expect(h.errorType("/system/findProjectMembers", [:]) == "InvalidInput")
    #expect(
      h.errorType("/system/findProjectMembers", ["project": .string(project), "level": "ALL"])
        == "InvalidInput")
    // The invitations became notifications.
    let bobs = try h.call("/notifications/get", as: "bob")["notifications"]?.arrayValue ?? []
    #expect(bobs.count == 1)
    #expect(bobs.first?["type"] == "projectInvite")
    #expect(bobs.first?["subject"] == .string(project))
    #expect(bobs.first?["read"] == false)
    let id = bobs.first?["id"] ?? .null
    try h.call("/notifications/markRead", ["ids": [id]], as: "bob")
    #expect(try h.call("/notifications/get", ["includeRead": false], as: "bob")["notifications"] == [])
    #expect(try h.call("/notifications/get", as: "bob")["notifications"]?[0]?["read"] == true)
    #expect(
      h.errorType("/notifications/markRead", ["ids": ["notification-99"]], as: "bob") == "ResourceNotFound")
    #expect(h.errorType("/notifications/markRead", [:], as: "bob") == "InvalidInput")
    try h.call("/notifications/markRead", ["all": true], as: "carol")
    #expect(try h.call("/notifications/get", ["includeRead": false], as: "carol")["notifications"] == [])
    #expect(try h.call("/notifications/get", as: "dave")["notifications"] == [])
  }

  @Test func profilesPersistAcrossRestart() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      do {
        let h = try PlatformHarness(statePath: path)
        try h.call("/user-alice/update", ["first": "Kept", "sshPublicKey": .string(Self.publicKey)])
        let project = try h.newProject()
        try h.call("/\(project)/invite", ["invitee": "user-bob", "level": "VIEW"])
        h.platform.close()
      }
      let h = try PlatformHarness(statePath: path)
      #expect(try h.call("/user-alice/describe")["first"] == "Kept")
      #expect(try h.call("/user-alice/describe")["sshPublicKey"] == .string(Self.publicKey))
      #expect(try h.call("/notifications/get", as: "bob")["notifications"]?.arrayValue?.count == 1)
    }
  }
}
