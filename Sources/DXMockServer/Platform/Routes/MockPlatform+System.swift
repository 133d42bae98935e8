import Crypto
import DXWire
import Foundation

// MARK: - The other /system routes: affiliates, project members, databases, global search, short
// URLs, batch inputs; and /notifications

extension MockPlatform {
  func registerSystemRoutes(into router: inout PlatformRouter) {
    router.register("/system/findAffiliates") { call throws(DXPlatformError) in try self.findAffiliates(call)
    }
    router.register("/system/findProjectMembers") { call throws(DXPlatformError) in
      try self.findProjectMembers(call)
    }
    router.register("/system/findDatabases") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      if let klass = try input.string("class"), klass != "database" {
        throw .invalidInput("findDatabases finds databases only, not \"\(klass)\"")
      }
      var query = try DataObjectQuery(input)
      query.klass = "database"
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        try Self.findDataObjects(query, caller: call.caller, state: state)
      }
    }
    router.register("/system/globalSearch") { call throws(DXPlatformError) in try self.globalSearch(call) }
    router.register("/system/shortenURL") { call throws(DXPlatformError) in
      let url = try Self.input(call).requiredString("url")
      guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme)
      else {
        throw .invalidInput("\"url\" must be an http or https URL, not \"\(url)\"")
      }
      let code = BodyDigest.hex(SHA256.hash(data: Data(url.utf8))).prefix(10)
      return ["url": .string(Self.baseURL(of: call.request) + "/u/" + code)]
    }
    router.register("/system/generateBatchInputs") { call throws(DXPlatformError) in
      try self.generateBatchInputs(call)
    }
    router.register("/notifications/get") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let includeRead = try input.bool("includeRead") ?? true
      let limit = try input.pageLimit() ?? 1000
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let all = state.directory.profile(call.caller).notifications.reversed().filter {
          includeRead || !$0.read
        }
        return ["notifications": .array(all.prefix(limit).map(\.json))]
      }
    }
    router.register("/notifications/markRead") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let ids = try input.strings("ids")
      let all = try input.bool("all") ?? false
      guard ids != nil || all else {
        throw .invalidInput("Expected input to have the field \"ids\" (notification IDs) or \"all\": true")
      }
      return try self.store.write { (state: inout PlatformState) throws(DXPlatformError) in
        let known = Set(state.directory.profile(call.caller).notifications.map(\.id))
        for id in ids ?? [] where !known.contains(id) {
          throw .resourceNotFound("The notification \(id) could not be found")
        }
        try state.updateProfile(call.caller) { (profile: inout UserProfile) throws(DXPlatformError) in
          for index in profile.notifications.indices
          where all || ids?.contains(profile.notifications[index].id) == true {
            profile.notifications[index].read = true
          }
        }
        return [:]
      }
    }
  }

  // MARK: - Affiliates and members

  /// The users who share an org or a project with the caller (the caller included), and the caller's
  /// orgs: `{"results": [{"id", "describe"?}], "next"}`.
  private func findAffiliates(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let wantsDescribe = input.wantsDescribe
    let options = try PlatformState.DescribeOptions(input.fields["describe"])
    let page = try PageRequest(input)
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var affiliates: Set<String> = [call.caller]
      for org in state.directory.orgs.values where org.members[call.caller] != nil {
        affiliates.insert(org.id)
        affiliates.formUnion(org.members.keys)
      }
      for project in state.projects.values where state.effectiveLevel(of: call.caller, in: project) != nil {
        affiliates.formUnion(project.members.keys)
      }
      return try page.answer(affiliates.sorted()) { id in
        var entry: [String: DXJSON] = ["id": .string(id)]
        if wantsDescribe {
          if let org = state.directory.orgs[id] {
            entry["describe"] = Self.describeOrg(org, for: call.caller, options: options)
          } else {
            entry["describe"] = Self.describeUser(id, for: call.caller, state: state, options: options)
          }
        }
        return .object(entry)
      }
    }
  }

  /// The members of `project` (users and orgs) with their levels:
  /// `{"results": [{"id", "level"}], "next"}`; `level` keeps those with at least that access.
  private func findProjectMembers(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let projectID = try input.requiredString("project")
    let minimum = try input.string("level").map { (name) throws(DXPlatformError) -> AccessLevel in
      guard let level = AccessLevel(name: name) else {
        throw .invalidInput("\"level\" must be VIEW, UPLOAD, CONTRIBUTE or ADMINISTER, not \"\(name)\"")
      }
      return level
    }
    let page = try PageRequest(input)
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let project = try state.project(projectID, for: call.caller, atLeast: .view)
      let members = project.members.filter { minimum == nil || $0.value >= minimum ?? .view }.keys.sorted()
      return try page.answer(members) { id in
        ["id": .string(id), "level": .string(project.members[id]?.name ?? "NONE")]
      }
    }
  }

  // MARK: - Global search

  /// Projects, data objects and apps the caller can see whose name contains `query` (case-insensitive):
  /// `{"results": [{"id", "class", "name", "project"?}]}`, projects first, then by ID.
  private func globalSearch(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let text = try input.requiredString("query")
    guard !text.isEmpty else { throw .invalidInput("\"query\" must not be empty") }
    let classes = try input.strings("classes").map(Set.init)
    let limit = try input.pageLimit() ?? 100
    let needle = text.lowercased()
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      var results: [DXJSON] = []
      func wanted(_ klass: String) -> Bool { classes?.contains(klass) ?? true }
      let visible = state.projects.values.filter {
        $0.klass == "project" && state.effectiveLevel(of: call.caller, in: $0) != nil
      }.sorted { $0.id < $1.id }
      if wanted("project") {
        for project in visible where project.name.lowercased().contains(needle) {
          results.append(["id": .string(project.id), "class": "project", "name": .string(project.name)])
        }
      }
      for project in visible {
        for id in (state.index[project.id]?.all ?? []).sorted() {
          guard let object = state.objects[id], wanted(object.klass), let copy = object.copies[project.id],
            copy.name.lowercased().contains(needle), !object.hidden
          else { continue }
          results.append([
            "id": .string(id), "class": .string(object.klass), "name": .string(copy.name),
            "project": .string(project.id),
          ])
        }
      }
      if wanted("app") {
        for (name, family) in state.appFamilies.sorted(by: { $0.key < $1.key })
        where name.lowercased().contains(needle) {
          guard
            let app = state.appVersions(named: name).last(where: {
              !$0.deleted && family.canSee($0, user: call.caller)
            })
          else { continue }
          results.append(["id": .string(app.id), "class": "app", "name": .string(name)])
        }
      }
      return ["results": .array(Array(results.prefix(limit)))]
    }
  }

  // MARK: - Batch inputs

  /// `{project, folder, inputs: {name: regexp with one group}}` → `{"batchInputs": [{"batchPattern",
  /// "inputs": {name: {"name", "ids"}}, "error"?}]}`: the closed files under `folder` whose whole name
  /// matches an input's expression, grouped by what the group captured, sorted by that pattern
  /// (descending); a batch missing an input, or with a name that matches several files, has an
  /// `error`.
  private func generateBatchInputs(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let projectID = try input.requiredString("project")
    let folder = try PlatformState.normalizeFolder(try input.string("folder") ?? "/")
    guard let patterns = try input.object("inputs"), !patterns.isEmpty else {
      throw .invalidInput("Expected input to have the field \"inputs\" (input names to regular expressions)")
    }
    var expressions: [(String, NSRegularExpression)] = []
    for (name, value) in patterns.sorted(by: { $0.key < $1.key }) {
      guard let pattern = value.stringValue else {
        throw .invalidInput("Expected \"inputs.\(name)\" to be a regular expression (a string)")
      }
      guard pattern.count <= NameMatcher.maximumPatternLength else {
        throw .invalidInput(
          "\"inputs.\(name)\" is longer than \(NameMatcher.maximumPatternLength) characters")
      }
      guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$"),
        regex.numberOfCaptureGroups == 1
      else {
        throw .invalidInput(
          "\"inputs.\(name)\" must be a valid regular expression with exactly one group, e.g. SRR(.*)_1.gz")
      }
      expressions.append((name, regex))
    }
    // The closed files under the folder, read under the lock; the expressions run outside it, under a
    // deadline (as name searches do).
    let files = try store.read { (state: PlatformState) throws(DXPlatformError) -> [(String, String)] in
      let project = try state.project(projectID, for: call.caller, atLeast: .view)
      guard project.folders.contains(folder) else {
        throw .resourceNotFound("Folder \"\(folder)\" does not exist in project \"\(projectID)\"")
      }
      let index = state.index[projectID] ?? ProjectIndex()
      return (index.byClass["file"] ?? []).sorted().compactMap { id in
        guard let object = state.objects[id], object.state == "closed", !object.hidden,
          let copy = object.copies[projectID], PlatformState.isFolder(copy.folder, inside: folder)
        else { return nil }
        return (id, copy.name)
      }
    }
    let deadline = Date(timeIntervalSinceNow: NameMatcher.evaluationBudget)
    // pattern → input name → file name → IDs
    var batches: [String: [String: [String: [String]]]] = [:]
    for (id, name) in files {
      for (input, regex) in expressions {
        guard let group = try Self.captured(regex, in: name, before: deadline) else { continue }
        batches[group, default: [:]][input, default: [:]][name, default: []].append(id)
      }
    }
    var results: [DXJSON] = []
    for pattern in batches.keys.sorted(by: >) {
      let found = batches[pattern] ?? [:]
      var inputs: [String: DXJSON] = [:]
      var problems: [String] = []
      for (name, files) in found.sorted(by: { $0.key < $1.key }) {
        let ids = files.values.flatMap { $0 }.sorted()
        inputs[name] = [
          "name": .string(files.keys.sorted().joined(separator: ",")),
          "ids": .array(ids.map(DXJSON.string)),
        ]
        if ids.count > 1 { problems.append("\(name) matches more than one file") }
      }
      let missing = expressions.map(\.0).filter { found[$0] == nil }
      if !missing.isEmpty { problems.append("no file for " + missing.joined(separator: ", ")) }
      var entry: [String: DXJSON] = ["batchPattern": .string(pattern), "inputs": .object(inputs)]
      if !problems.isEmpty { entry["error"] = .string(problems.joined(separator: "; ")) }
      results.append(.object(entry))
    }
    return ["batchInputs": .array(results)]
  }

  /// What the one group of `regex` captured when it matches the whole `name`, or `nil`.
  /// - Throws: InvalidInput once matching runs past `deadline`.
  private static func captured(_ regex: NSRegularExpression, in name: String, before deadline: Date)
    throws(DXPlatformError) -> String?
  {
    let (match, overran) = NameMatcher.firstMatch(regex, in: name, before: deadline)
    if overran {
      throw .invalidInput(
        "The expressions in \"inputs\" took longer than \(Int(NameMatcher.evaluationBudget * 1000)) ms to match "
          + "the file names; simplify them")
    }
    guard let match, let group = Range(match.range(at: 1), in: name) else { return nil }
    return String(name[group])
  }
}
