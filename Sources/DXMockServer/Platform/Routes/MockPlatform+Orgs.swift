import DXWire

// MARK: - /org/new, the org-xxxx routes and /system/findOrgs

extension MockPlatform {
  func registerOrgRoutes(into router: inout PlatformRouter) {
    router.register("/org/new") { call throws(DXPlatformError) in try self.orgNew(call) }
    router.register("/org-xxxx/describe") { call throws(DXPlatformError) in
      let options = try PlatformState.DescribeOptions(call.input)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let org = try state.org(call.target, for: call.caller)
        return Self.describeOrg(org, for: call.caller, options: options)
      }
    }
    router.register("/org-xxxx/update") { call throws(DXPlatformError) in try self.orgUpdate(call) }
    router.register("/org-xxxx/invite") { call throws(DXPlatformError) in try self.orgInvite(call) }
    router.register("/org-xxxx/removeMember") { call throws(DXPlatformError) in try self.orgRemoveMember(call)
    }
    router.register("/org-xxxx/setMemberAccess") { call throws(DXPlatformError) in
      try self.orgSetMemberAccess(call)
    }
    router.register("/org-xxxx/findMembers") { call throws(DXPlatformError) in try self.orgFindMembers(call) }
    router.register("/org-xxxx/findProjects") { call throws(DXPlatformError) in
      var query = try ProjectQuery(Self.input(call))
      query.name = try self.resolveNames(query.name) { state in
        Set(state.projects.values.lazy.filter { $0.billTo == call.target }.map(\.name))
      }
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        _ = try state.org(call.target, for: call.caller, adminOnly: true)
        var billed = query
        billed.billTo = [call.target]
        return try billed.run(on: state, for: call.caller)
      }
    }
    router.register("/org-xxxx/findApps") { call throws(DXPlatformError) in
      var query = try AppQuery(Self.input(call), route: "findApps")
      query.name = try self.resolveNames(query.name) { state in Set(state.appFamilies.keys) }
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        _ = try state.org(call.target, for: call.caller, adminOnly: true)
        query.billTo = [call.target]
        return query.run(.apps, on: state, for: call.caller)
      }
    }
    router.register("/system/findOrgs") { call throws(DXPlatformError) in try self.findOrgs(call) }
  }

  /// An org's description for a member: name, handle, policies, the caller's membership, regions.
  static func describeOrg(_ org: OrgState, for user: String, options: PlatformState.DescribeOptions) -> DXJSON
  {
    var all: [String: DXJSON] = [
      "id": .string(org.id), "class": "org", "name": .string(org.name), "handle": .string(org.handle),
      "created": .integer(org.created), "modified": .integer(org.modified),
      "createdBy": .object(["user": .string(org.createdBy)]), "policies": .object(org.policies),
      "permittedRegions": .array(org.permittedRegions.map(DXJSON.string)),
      "containsPHI": .bool(org.allowsPHI),
    ]
    for (key, value) in org.settings { all[key] = value }
    for (key, value) in org.members[user]?.json ?? [:] { all[key] = value }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    return .object(result)
  }

  /// A membership from an input (`org-xxxx/invite`, `setMemberAccess`, fixtures): `level` (required
  /// unless `current` gives it), `allowBillableActivities`, `appAccess`, `projectAccess`. An ADMIN
  /// gets every right; a MEMBER's defaults are no billing, app access and CONTRIBUTE.
  /// - Throws: InvalidInput naming the field.
  static func orgMember(_ input: PlatformInput, current: OrgMember?, at place: String) throws(DXPlatformError)
    -> OrgMember
  {
    let levelName = try input.string("level") ?? current?.level.rawValue
    guard let levelName, let level = OrgMember.Level(rawValue: levelName) else {
      throw .invalidInput("\(place): \"level\" must be ADMIN or MEMBER")
    }
    if level == .admin { return .admin }
    let wasAdmin = current?.level == .admin
    var member = OrgMember(
      level: .member, allowBillableActivities: wasAdmin ? false : current?.allowBillableActivities ?? false,
      appAccess: wasAdmin ? true : current?.appAccess ?? true,
      projectAccess: wasAdmin ? .contribute : current?.projectAccess ?? .contribute)
    if let flag = try input.bool("allowBillableActivities") { member.allowBillableActivities = flag }
    if let flag = try input.bool("appAccess") { member.appAccess = flag }
    if let access = try input.string("projectAccess") {
      if access == "NONE" {
        member.projectAccess = nil
      } else if let parsed = AccessLevel(name: access) {
        member.projectAccess = parsed
      } else {
        throw .invalidInput(
          "\(place): \"projectAccess\" must be ADMINISTER, CONTRIBUTE, UPLOAD, VIEW or NONE, not \"\(access)\""
        )
      }
    }
    return member
  }

  // MARK: - Routes

  private func orgNew(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let handle = try input.requiredString("handle")
    guard DXMockFixtures.isHandle(handle), !handle.hasPrefix("org-") else {
      throw .invalidInput(
        "\"handle\" may contain only letters, numbers, \".\", \"_\" and \"-\": \"\(handle)\"")
    }
    let name = try input.requiredString("name")
    guard !name.isEmpty else { throw .invalidInput("The org name must not be empty") }
    let policies = try Self.orgPolicies(input)
    return try withNonce(call, route: "/org/new") { (state: inout PlatformState) throws(DXPlatformError) in
      let id = OrgState.id(handle: handle)
      guard state.directory.orgs[id] == nil else {
        throw .invalidInput("An org with the handle \"\(handle)\" already exists")
      }
      let now = store.now()
      var org = OrgState(
        id: id, handle: handle, name: name, created: now, modified: now, createdBy: call.caller)
      org.policies.merge(policies) { $1 }
      org.members[call.caller] = .admin
      state.directory.storeOrg(org)
      return ["id": .string(id)]
    }
  }

  /// The `policies` of an `org/new` or `org-xxxx/update` input, checked.
  private static func orgPolicies(_ input: PlatformInput) throws(DXPlatformError) -> [String: DXJSON] {
    var policies: [String: DXJSON] = [:]
    for (key, value) in try input.object("policies") ?? [:] where !value.isNull {
      switch key {
      case "memberListVisibility":
        guard let text = value.stringValue, ["ADMIN", "MEMBER", "PUBLIC"].contains(text) else {
          throw .invalidInput("\"policies.memberListVisibility\" must be ADMIN, MEMBER or PUBLIC")
        }
      case "restrictProjectTransfer":
        guard let text = value.stringValue, ["ADMIN", "MEMBER"].contains(text) else {
          throw .invalidInput("\"policies.restrictProjectTransfer\" must be ADMIN or MEMBER")
        }
      case "jobReuse", "detailedJobMetricsCollectDefault":
        guard value.boolValue != nil else { throw .invalidInput("\"policies.\(key)\" must be a boolean") }
      default:
        throw .invalidInput("\"policies.\(key)\" is not an org policy")
      }
      policies[key] = value
    }
    return policies
  }

  private func orgUpdate(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let name = try input.string("name")
    if name?.isEmpty == true { throw .invalidInput("The org name must not be empty") }
    let policies = try Self.orgPolicies(input)
    var settings: [String: DXJSON] = [:]
    for key in ["samlIdP", "jobLogsForwarding"] {
      if let value = input.fields[key] { settings[key] = value }
    }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      var org = try state.org(call.target, for: call.caller, adminOnly: true)
      if let name { org.name = name }
      org.policies.merge(policies) { $1 }
      org.settings.merge(settings) { $1 }
      org.modified = store.now()
      state.directory.storeOrg(org)
      return ["id": .string(org.id)]
    }
  }

  private func orgInvite(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let invitee = DXMockFixtures.userID(try input.requiredString("invitee"))
    let member = try Self.orgMember(input, current: nil, at: "org-xxxx/invite")
    _ = try input.bool("suppressEmailNotification")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      var org = try state.org(call.target, for: call.caller, adminOnly: true)
      guard state.users.contains(invitee) else {
        throw .resourceNotFound("The user \(invitee) could not be found")
      }
      guard org.members[invitee] == nil else {
        throw .invalidState("\(invitee) is already a member of \(org.id)")
      }
      org.members[invitee] = member
      let now = store.now()
      org.modified = now
      state.directory.storeOrg(org)
      state.notify(
        invitee, type: "orgInvite", message: "\(call.caller) added you to the org \(org.name)",
        subject: org.id,
        now: now)
      return ["id": .string(org.id)]
    }
  }

  private func orgRemoveMember(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let user = DXMockFixtures.userID(try input.requiredString("user"))
    let revokeProjects = try input.bool("revokeProjectPermissions") ?? true
    let revokeApps = try input.bool("revokeAppPermissions") ?? true
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      var org = try state.org(call.target, for: call.caller, adminOnly: true)
      guard let membership = org.members[user] else {
        throw .resourceNotFound("\(user) is not a member of \(org.id)")
      }
      if membership.level == .admin, org.members.values.filter({ $0.level == .admin }).count == 1 {
        throw .invalidState("The last ADMIN of \(org.id) cannot be removed")
      }
      org.members[user] = nil
      org.modified = store.now()
      state.directory.storeOrg(org)
      var projects: [String: DXJSON] = [:]
      if revokeProjects {
        for project in state.projects.values.sorted(by: { $0.id < $1.id })
        where project.billTo == org.id && project.members[user] != nil {
          projects[project.id] = .string(project.members[user]?.name ?? "NONE")
          try state.updateProject(project.id) { (project: inout ProjectState) throws(DXPlatformError) in
            project.members[user] = nil
          }
        }
      }
      var apps: [String: DXJSON] = [:]
      if revokeApps {
        for name in state.appFamilies.keys.sorted() {
          guard var family = state.appFamilies[name],
            state.appVersions(named: name).contains(where: { $0.billTo == org.id }),
            family.developers.contains(user) || family.authorizedUsers.contains(user)
          else { continue }
          family.developers.removeAll { $0 == user }
          family.authorizedUsers.removeAll { $0 == user }
          state.storeAppFamily(family)
          for version in state.appVersions(named: name) { apps[version.id] = .bool(true) }
        }
      }
      return ["id": .string(org.id), "projects": .object(projects), "apps": .object(apps)]
    }
  }

  private func orgSetMemberAccess(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    var changes: [(String, PlatformInput)] = []
    for (user, value) in input.fields.sorted(by: { $0.key < $1.key }) {
      guard user.hasPrefix("user-") else {
        throw .invalidInput("Expected every key of the input to be a user ID, not \"\(user)\"")
      }
      changes.append((user, try PlatformInput(value)))
    }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      var org = try state.org(call.target, for: call.caller, adminOnly: true)
      for (user, access) in changes {
        guard let current = org.members[user] else {
          throw .resourceNotFound("\(user) is not a member of \(org.id)")
        }
        org.members[user] = try Self.orgMember(access, current: current, at: user)
      }
      guard org.members.values.contains(where: { $0.level == .admin }) else {
        throw .invalidState("An org must keep at least one ADMIN")
      }
      org.modified = store.now()
      state.directory.storeOrg(org)
      return ["id": .string(org.id)]
    }
  }

  private func orgFindMembers(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let level = try input.string("level").map { (text) throws(DXPlatformError) -> OrgMember.Level in
      guard let level = OrgMember.Level(rawValue: text) else {
        throw .invalidInput("\"level\" must be ADMIN or MEMBER, not \"\(text)\"")
      }
      return level
    }
    let ids = try input.strings("id").map(Set.init)
    let wantsDescribe = input.wantsDescribe
    let options = try PlatformState.DescribeOptions(input.fields["describe"])
    let page = try PageRequest(input)
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      guard let org = state.directory.orgs[call.target] else {
        throw .resourceNotFound("The entity \(call.target) could not be found")
      }
      let visibility = org.policies["memberListVisibility"]?.stringValue ?? "ADMIN"
      let caller = org.members[call.caller]
      let allowed =
        visibility == "PUBLIC" || (visibility == "MEMBER" && caller != nil) || caller?.level == .admin
      guard allowed else {
        throw .permissionDenied("The member list of \(org.id) is visible to \(visibility) members only")
      }
      let matching = org.members.keys.sorted().filter { user in
        guard let member = org.members[user] else { return false }
        if let level, member.level != level { return false }
        if let ids, !ids.contains(user) { return false }
        return true
      }
      return try page.answer(matching) { user in
        var entry = org.members[user]?.json ?? [:]
        entry["id"] = .string(user)
        if wantsDescribe {
          entry["describe"] = Self.describeUser(user, for: call.caller, state: state, options: options)
        }
        return .object(entry)
      }
    }
  }

  private func findOrgs(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let levelName = try input.requiredString("level")
    guard let level = OrgMember.Level(rawValue: levelName) else {
      throw .invalidInput("\"level\" must be ADMIN or MEMBER, not \"\(levelName)\"")
    }
    let billable = try input.bool("allowBillableActivities")
    let wantsDescribe = input.wantsDescribe
    let options = try PlatformState.DescribeOptions(input.fields["describe"])
    let page = try PageRequest(input)
    return try store.read { (state: PlatformState) throws(DXPlatformError) in
      let matching = state.directory.orgs.values.filter { org in
        guard let member = org.members[call.caller] else { return false }
        if level == .admin, member.level != .admin { return false }
        if let billable, member.allowBillableActivities != billable { return false }
        return true
      }.map(\.id).sorted()
      return try page.answer(matching) { id in
        guard let org = state.directory.orgs[id] else { return .null }
        var entry = org.members[call.caller]?.json ?? [:]
        entry["id"] = .string(id)
        if wantsDescribe { entry["describe"] = Self.describeOrg(org, for: call.caller, options: options) }
        return .object(entry)
      }
    }
  }
}
