import DXWire

// MARK: - Billing, regions, PHI and sharing: project-xxxx/transfer, updateSponsorship and helpers

extension MockPlatform {
  func registerProjectBillingRoutes(into router: inout PlatformRouter) {
    router.register("/project-xxxx/transfer") { call throws(DXPlatformError) in try self.transfer(call) }
    router.register("/project-xxxx/updateSponsorship") { call throws(DXPlatformError) in
      try self.updateSponsorship(call)
    }
  }

  /// Checks that a project in `region` (holding PHI when `containsPHI`) may be billed to `billTo`.
  /// - Throws: InvalidInput for a region the billTo may not use; PermissionDenied "PHI features must
  ///   be enabled for …" when PHI is asked for and the billTo does not allow it.
  static func checkRegionAndPHI(region: String, containsPHI: Bool, billTo: String, state: PlatformState)
    throws(DXPlatformError)
  {
    guard state.permittedRegions(of: billTo).contains(region) else {
      throw .invalidInput("\(billTo) is not permitted to create projects in the region \(region)")
    }
    if containsPHI, !state.allowsPHI(billTo) {
      throw .permissionDenied("PHI features must be enabled for \(billTo) to create a project containing PHI")
    }
  }

  /// The member an invitation names: a user ID, an org ID, or a user's email address.
  /// - Throws: InvalidInput for anything else; ResourceNotFound for a user or org that does not exist.
  static func invitedPrincipal(_ invitee: String, state: PlatformState) throws(DXPlatformError) -> String {
    if invitee.hasPrefix("user-") || invitee.hasPrefix("org-") {
      guard state.isKnownPrincipal(invitee) else {
        throw .resourceNotFound(
          "The \(invitee.hasPrefix("org-") ? "org" : "user") \(invitee) could not be found")
      }
      return invitee
    }
    guard invitee.contains("@") else {
      throw .invalidInput("\"invitee\" must be a user ID, an org ID or an email address, not \"\(invitee)\"")
    }
    guard let user = state.users.first(where: { state.directory.profile($0).email == invitee }) else {
      throw .resourceNotFound("No user has the email address \(invitee)")
    }
    return user
  }

  private func transfer(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    let invitee = try input.requiredString("invitee")
    _ = try input.bool("suppressEmailNotification")
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .administer)
      guard project.klass == "project" else { throw .invalidType("Only projects can be transferred") }
      if let org = state.directory.orgs[project.billTo],
        org.policies["restrictProjectTransfer"]?.stringValue != "MEMBER", !org.isAdmin(call.caller)
      {
        throw .permissionDenied(
          "Only ADMINs of \(org.id) may transfer its projects (restrictProjectTransfer)")
      }
      let target = try Self.invitedPrincipal(invitee, state: state)
      if target.hasPrefix("org-") { try state.requireBillable(target, by: call.caller, what: "a project") }
      try Self.checkRegionAndPHI(
        region: project.region, containsPHI: project.flags["containsPHI"] == true, billTo: target,
        state: state)
      let now = store.now()
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        project.billTo = target
        if target.hasPrefix("user-") { project.members[target] = .administer }
        project.modified = now
      }
      if target.hasPrefix("user-") {
        state.notify(
          target, type: "projectTransfer", message: "\(call.caller) transferred \(project.name) to you",
          subject: call.target, now: now)
      }
      return ["id": .string(call.target)]
    }
  }

  private func updateSponsorship(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    guard let value = input.fields["sponsoredUntil"] else {
      throw .invalidInput(
        "Expected input to have the field \"sponsoredUntil\" (ms since 1970, or null to end)")
    }
    guard value.isNull || value.intValue != nil else {
      throw .invalidInput(
        "Expected input field \"sponsoredUntil\" to be an integer or null, but got \(value.typeName)")
    }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let project = try state.project(call.target, for: call.caller, atLeast: .view)
      guard project.billTo.hasPrefix("org-"),
        state.directory.orgs[project.billTo]?.isAdmin(call.caller) == true
      else {
        throw .permissionDenied(
          "Only an ADMIN of the org a project is billed to can sponsor it (\(project.billTo))")
      }
      if let until = value.intValue, until <= store.now() {
        throw .invalidInput("\"sponsoredUntil\" must be in the future")
      }
      try state.updateProject(call.target) { (project: inout ProjectState) throws(DXPlatformError) in
        // (DXJSON is nil-literal-convertible: remove the key rather than store a null.)
        if value.isNull {
          project.settings.removeValue(forKey: "sponsoredUntil")
        } else {
          project.settings["sponsoredUntil"] = value
        }
      }
      return ["id": .string(call.target)]
    }
  }
}

extension AppletData {
  /// The files the applet's `runSpec` bundles (`bundledDepends`, and per region), in first-seen order.
  var bundledFiles: [String] {
    var lists: [DXJSON] = [runSpec["bundledDepends"] ?? .null]
    for (_, list) in (runSpec["bundledDependsByRegion"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
      lists.append(list)
    }
    var files: [String] = []
    for entry in lists.flatMap({ $0.arrayValue ?? [] }) {
      let link = entry["id"]?["$dnanexus_link"]
      guard let id = link?.stringValue ?? link?["id"]?.stringValue, !files.contains(id) else { continue }
      files.append(id)
    }
    return files
  }
}
