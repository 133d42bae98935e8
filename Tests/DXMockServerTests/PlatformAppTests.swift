import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform apps")
struct PlatformAppTests {
  /// A project with an applet; returns (project, applet).
  static func setUp(_ h: PlatformHarness) throws -> (String, String) {
    let project = try h.newProject()
    return (project, try PlatformAppletTests.newApplet(h, project))
  }

  /// Creates an app version and returns its ID.
  static func newApp(
    _ h: PlatformHarness, applet: String, name: String = "hello", version: String = "1.0.0",
    _ extra: [String: DXJSON] = [:], as user: String = "alice"
  ) throws -> String {
    var input: [String: DXJSON] = [
      "applet": .string(applet), "name": .string(name), "version": .string(version),
    ]
    input.merge(extra) { _, new in new }
    return try h.call("/app/new", .object(input), as: user)["id"]?.stringValue ?? ""
  }

  /// The IDs a findApps query returns.
  static func found(_ h: PlatformHarness, _ input: DXJSON = [:], as user: String = "alice") throws -> [String]
  {
    try h.call("/system/findApps", input, as: user)["results"]?.arrayValue?.compactMap {
      $0["id"]?.stringValue
    }
      ?? []
  }

  @Test func createDescribePublishAndFind() throws {
    let h = try PlatformHarness()
    let (_, applet) = try Self.setUp(h)
    #expect(try Self.found(h).isEmpty)
    let v1 = try Self.newApp(h, applet: applet, ["title": "Hello app", "categories": ["Greetings"]])
    #expect(IDGenerator.isValid(v1, klass: "app"))
    // By ID, by name (the "default" tag), by version.
    let describe = try h.call("/\(v1)/describe")
    #expect(describe["class"] == "app")
    #expect(describe["name"] == "hello")
    #expect(describe["version"] == "1.0.0")
    #expect(describe["aliases"] == ["1.0.0", "default"])
    #expect(describe["published"] == nil)
    #expect(describe["title"] == "Hello app")
    #expect(describe["applet"] == .string(applet))
    #expect(describe["createdBy"] == "user-alice")
    #expect(describe["inputSpec"]?[0]?["name"] == "who")
    #expect(describe["runSpec"]?["code"] == nil)
    #expect(try h.call("/\(v1)/get")["runSpec"]?["code"] != nil)
    #expect(try h.call("/app-hello/describe")["id"] == .string(v1))
    #expect(try h.call("/app-hello/1.0.0/describe")["id"] == .string(v1))
    #expect(
      try h.call("/app-hello/default/describe", ["fields": ["version": true]]) == [
        "id": .string(v1), "version": "1.0.0",
      ])
    // Unpublished: the developer finds it, but not among published apps.
    #expect(try Self.found(h) == [v1])
    #expect(try Self.found(h, ["published": true]).isEmpty)
    #expect(try Self.found(h, ["published": false]) == [v1])
    try h.call("/\(v1)/publish")
    #expect(try Self.found(h, ["published": true]) == [v1])
    #expect(h.error("/\(v1)/publish")?.type == "InvalidState")
    #expect(h.error("/\(v1)/update", ["title": "late"])?.type == "InvalidState")
    // A second version: the default tag stays on 1.0.0 until 1.1.0 is published with makeDefault.
    let v2 = try Self.newApp(h, applet: applet, version: "1.1.0")
    #expect(try h.call("/app-hello/describe")["id"] == .string(v1))
    #expect(try Self.found(h) == [v1])
    #expect(Set(try Self.found(h, ["allVersions": true])) == [v1, v2])
    try h.call("/app-hello/1.1.0/update", ["title": "Newer", "details": ["x": 1]])
    #expect(try h.call("/\(v2)/describe")["title"] == "Newer")
    try h.call("/app-hello/1.1.0/publish", ["makeDefault": true])
    #expect(try h.call("/app-hello/describe")["id"] == .string(v2))
    #expect(try h.call("/\(v1)/describe")["aliases"] == ["1.0.0"])
    // Tags name one version: adding moves them.
    try h.call("/\(v1)/addTags", ["tags": ["stable"]])
    #expect(try h.call("/app-hello/stable/describe")["id"] == .string(v1))
    try h.call("/\(v2)/addTags", ["tags": ["stable"]])
    #expect(try h.call("/app-hello/stable/describe")["id"] == .string(v2))
    try h.call("/\(v2)/removeTags", ["tags": ["stable"]])
    #expect(h.error("/app-hello/stable/describe")?.type == "ResourceNotFound")
    // Categories.
    try h.call("/\(v2)/addCategories", ["categories": ["Greetings", "Demo"]])
    #expect(try h.call("/\(v2)/listCategories") == ["categories": ["Greetings", "Demo"]])
    #expect(try Self.found(h, ["category": "Demo"]) == [v2])
    try h.call("/\(v2)/removeCategories", ["categories": ["Demo"]])
    #expect(try Self.found(h, ["category": "Demo"]).isEmpty)
    // Other filters and describe.
    #expect(try Self.found(h, ["name": ["glob": "hel*"]]) == [v2])
    #expect(try Self.found(h, ["name": "nope"]).isEmpty)
    #expect(try Self.found(h, ["createdBy": "user-alice"]) == [v2])
    #expect(try Self.found(h, ["developer": "user-bob"]).isEmpty)
    #expect(try Self.found(h, ["billTo": ["user-alice"]]) == [v2])
    #expect(try Self.found(h, ["created": ["after": 0]]) == [v2])
    let described = try h.call("/system/findApps", ["describe": ["fields": ["name": true]]])
    #expect(described["results"] == [["id": .string(v2), "describe": ["id": .string(v2), "name": "hello"]]])
    // Delete: gone from searches and names, still describable by ID.
    try h.call("/\(v2)/delete")
    #expect(try h.call("/\(v2)/describe")["deleted"] == true)
    #expect(Set(try Self.found(h, ["allVersions": true])) == [v1])
    #expect(h.error("/app-hello/1.1.0/describe")?.type == "ResourceNotFound")
    #expect(h.error("/\(v2)/delete")?.type == "InvalidState")
  }

  @Test func visibilityDevelopersAndInstalls() throws {
    let h = try PlatformHarness()
    let (_, applet) = try Self.setUp(h)
    let app = try Self.newApp(h, applet: applet)
    // bob sees nothing unpublished or unauthorized, and the platform does not reveal it.
    #expect(h.error("/app-hello/describe", as: "bob")?.type == "ResourceNotFound")
    #expect(try Self.found(h, as: "bob").isEmpty)
    try h.call("/\(app)/publish")
    #expect(try Self.found(h, as: "bob").isEmpty)
    try h.call("/\(app)/addAuthorizedUsers", ["authorizedUsers": ["user-bob"]])
    #expect(try Self.found(h, as: "bob") == [app])
    #expect(try h.call("/\(app)/describe", as: "bob")["isDeveloperFor"] == false)
    // Authorized is not developer.
    #expect(h.error("/\(app)/addTags", ["tags": ["x"]], as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(app)/listAuthorizedUsers", as: "bob")?.type == "PermissionDenied")
    #expect(h.error("/\(app)/delete", as: "bob")?.type == "PermissionDenied")
    let bobApplet = try PlatformAppletTests.newApplet(h, try h.newProject("bobs", as: "bob"), as: "bob")
    #expect(
      h.error("/app/new", ["applet": .string(bobApplet), "name": "hello", "version": "2.0.0"], as: "bob")?
        .type == "PermissionDenied")
    // Installs are per user.
    try h.call("/app-hello/install", as: "bob")
    #expect(try h.call("/\(app)/describe", as: "bob")["installed"] == true)
    #expect(try h.call("/\(app)/describe")["installed"] == false)
    #expect(try h.call("/\(app)/describe")["installs"] == 1)
    try h.call("/app-hello/uninstall", as: "bob")
    #expect(try h.call("/\(app)/describe", as: "bob")["installed"] == false)
    // Developers.
    try h.call("/\(app)/addDevelopers", ["developers": ["user-bob"]])
    #expect(try h.call("/\(app)/listDevelopers") == ["developers": ["user-alice", "user-bob"]])
    try h.call("/\(app)/addTags", ["tags": ["bobs"]], as: "bob")
    try h.call("/\(app)/removeDevelopers", ["developers": ["user-alice"]], as: "bob")
    // alice, neither a developer nor authorized now, no longer sees the app at all.
    #expect(h.error("/\(app)/addTags", ["tags": ["x"]])?.type == "ResourceNotFound")
    #expect(
      h.error("/\(app)/removeDevelopers", ["developers": ["user-bob"]], as: "bob")?.type == "InvalidState")
    #expect(
      h.error("/\(app)/addDevelopers", ["developers": ["user-zed"]], as: "bob")?.type == "ResourceNotFound")
    // PUBLIC makes published versions visible to everyone.
    try h.call("/\(app)/removeAuthorizedUsers", ["authorizedUsers": ["user-bob"]], as: "bob")
    #expect(try Self.found(h, as: "carol").isEmpty)
    try h.call("/\(app)/addAuthorizedUsers", ["authorizedUsers": ["PUBLIC"]], as: "bob")
    #expect(try Self.found(h, as: "carol") == [app])
    #expect(try h.call("/\(app)/listAuthorizedUsers", as: "bob") == ["authorizedUsers": ["PUBLIC"]])
  }

  @Test func badInputWrongClassAndMissingObjects() throws {
    let h = try PlatformHarness()
    let (project, applet) = try Self.setUp(h)
    let record = try h.newRecord(project)
    func newError(_ input: [String: DXJSON], as user: String = "alice") -> String? {
      h.error("/app/new", .object(input), as: user)?.type
    }
    let valid: [String: DXJSON] = ["applet": .string(applet), "name": "hello", "version": "1.0.0"]
    #expect(newError(valid.merging(["applet": .null]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["name": .null]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["name": "bad name"]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["version": "one two"]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["version": ""]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["categories": "x"]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["authorizedUsers": ["bob"]]) { $1 }) == "InvalidInput")
    #expect(newError(valid.merging(["billTo": "user-bob"]) { $1 }) == "PermissionDenied")
    #expect(newError(valid.merging(["applet": .string(record)]) { $1 }) == "InvalidType")
    #expect(
      newError(valid.merging(["applet": "applet-000000000000000000000000"]) { $1 }) == "ResourceNotFound")
    #expect(newError(valid, as: "bob") == "PermissionDenied")
    var regional = valid
    regional["applet"] = nil
    regional["regionalOptions"] = [
      "aws:us-east-1": ["applet": .string(applet)], "azure:westus": ["applet": .string(applet)],
    ]
    #expect(newError(regional) == "InvalidInput")
    regional["regionalOptions"] = ["aws:us-east-1": ["applet": .string(applet)]]
    regional["authorizedUsers"] = .null
    let app = try h.call("/app/new", .object(regional))["id"]?.stringValue ?? ""
    #expect(try h.call("/\(app)/describe")["applet"] == .string(applet))
    // dxpy's app builder matches this exact message to fall back to update.
    #expect(
      h.error("/app/new", .object(valid))?.message
        == "Specified name and version conflict with an existing alias")
    // Tags, aliases and app routes.
    #expect(h.error("/\(app)/addTags", ["tags": ["2.0.0"]])?.type == "InvalidInput")
    #expect(h.error("/\(app)/addTags", [:])?.type == "InvalidInput")
    #expect(h.error("/\(app)/addAuthorizedUsers", ["authorizedUsers": ["nobody"]])?.type == "InvalidInput")
    #expect(h.error("/\(app)/1.0.0/describe")?.type == "InvalidInput")
    #expect(h.error("/app-hello/9.9.9/describe")?.type == "ResourceNotFound")
    #expect(h.error("/app-000000000000000000000000/describe")?.type == "ResourceNotFound")
    #expect(h.error("/app-hello/run")?.type == "InvalidInput")  // no "input"
    for method in ["addCategories", "removeCategories", "addDevelopers", "removeDevelopers", "removeTags"] {
      #expect(h.error("/\(app)/\(method)", [:])?.type == "InvalidInput", "\(method)")
    }
    #expect(h.error("/\(app)/publish", ["makeDefault": "yes"])?.type == "InvalidInput")
    #expect(h.error("/\(app)/update", ["title": 1])?.type == "InvalidInput")
    #expect(h.error("/\(app)/update", ["applet": .string(record)])?.type == "InvalidType")
    let methods = [
      "get", "publish", "install", "uninstall", "update", "delete", "listCategories", "listDevelopers",
      "listAuthorizedUsers",
    ]
    for method in methods {
      #expect(h.error("/app-missing/\(method)")?.type == "ResourceNotFound", "\(method)")
    }
    // findApps and findGlobalWorkflows inputs.
    for route in ["/system/findApps", "/system/findGlobalWorkflows"] {
      #expect(h.error(route, ["limit": 0])?.type == "InvalidInput")
      #expect(h.error(route, ["starting": 3])?.type == "InvalidInput")
      #expect(h.error(route, ["name": 3])?.type == "InvalidInput")
      #expect(h.error(route, ["describe": "yes"])?.type == "InvalidInput")
      #expect(h.error(route, ["published": "yes"])?.type == "InvalidInput")
      #expect(h.error(route, ["created": ["after": "yesterday"]])?.type == "InvalidInput")
    }
    #expect(try h.call("/system/findGlobalWorkflows", ["describe": true]) == ["results": [], "next": .null])
  }

  @Test func paginationNoncesAndPersistence() throws {
    try withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var ids: [String] = []
      var appA = ""
      do {
        let h = try PlatformHarness(statePath: path)
        let (_, applet) = try Self.setUp(h)
        for name in ["a", "b", "c"] { ids.append(try Self.newApp(h, applet: applet, name: name)) }
        appA = ids[0]
        ids.sort()
        let page = try h.call("/system/findApps", ["limit": 2])
        #expect(page["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids[0..<2]))
        #expect(page["next"] == .string(ids[2]))
        let rest = try h.call("/system/findApps", ["limit": 2, "starting": page["next"] ?? .null])
        #expect(rest["results"] == [["id": .string(ids[2])]])
        #expect(rest["next"] == .null)
        let nonce: DXJSON = ["applet": .string(applet), "name": "d", "version": "1.0.0", "nonce": "app-1"]
        let first = try h.call("/app/new", nonce)
        #expect(try h.call("/app/new", nonce) == first)
        #expect(
          h.error(
            "/app/new", ["applet": .string(applet), "name": "e", "version": "1.0.0", "nonce": "app-1"])?
            .type == "InvalidInput")
        try h.call("/app-a/publish")
        try h.call("/app-a/addAuthorizedUsers", ["authorizedUsers": ["user-bob"]])
        try h.call("/app-a/install", as: "bob")
        h.platform.close()
      }
      // Versions, families (authorized users, installs) and the ID sequence survive a restart.
      let h = try PlatformHarness(statePath: path)
      #expect(Set(try Self.found(h)).isSuperset(of: ids))
      #expect(try Self.found(h, as: "bob") == [appA])
      let a = try h.call("/app-a/describe", as: "bob")
      #expect(a["installed"] == true)
      #expect(a["published"] != 0)
      let (_, applet) = try Self.setUp(h)
      #expect(!ids.contains(try Self.newApp(h, applet: applet, name: "f")))
      try h.platform.reset()
      #expect(try Self.found(h).isEmpty)
    }
  }
}
