import DXWire

extension DXMockFixtures {
  /// The fixture users as platform users (handle, tokens, password).
  var platformUsers: [MockPlatform.User] {
    users.map { MockPlatform.User(handle: $0.handle, tokens: $0.tokens, password: $0.password) }
  }

  /// Checks that every member, creator and billTo names a user in `knownUsers` or a fixture org.
  /// - Throws: InvalidInput naming the first unknown one.
  func validate(knownUsers: Set<String>) throws(DXPlatformError) {
    let orgIDs = Set(orgs.map(\.id))
    func check(_ id: String, _ place: String) throws(DXPlatformError) {
      let known = id.hasPrefix("org-") ? orgIDs.contains(id) : knownUsers.contains(id)
      guard known else {
        throw .invalidInput("\(place) names \(id), which is not a configured user or fixture org")
      }
    }
    for org in orgs {
      for member in org.members.keys.sorted() { try check(member, "the members of \(org.id)") }
      guard !org.createdBy.isEmpty else { throw .invalidInput("\(org.id) needs at least one ADMIN member") }
    }
    for project in projects {
      for member in project.members.keys.sorted() { try check(member, "the members of \(project.id)") }
      if let createdBy = project.createdBy { try check(createdBy, "the createdBy of \(project.id)") }
      if let billTo = project.billTo { try check(billTo, "the billTo of \(project.id)") }
    }
  }

  /// Adds what the fixtures declare and `state` lacks (profiles, orgs, projects with their folders
  /// and databases); what is already there (from a state file) is left as it is.
  func apply(to state: inout PlatformState, now: Int) throws(DXPlatformError) {
    for user in users where state.directory.profiles[user.profile.id] == nil {
      state.directory.storeProfile(user.profile)
    }
    for var org in orgs where state.directory.orgs[org.id] == nil {
      org.created = now
      org.modified = now
      state.directory.storeOrg(org)
    }
    for fixture in projects where state.projects[fixture.id] == nil {
      let creator =
        fixture.createdBy ?? fixture.members.filter { $0.key.hasPrefix("user-") && $0.value == .administer }
        .keys.sorted().first ?? state.users.first ?? ""
      var project = ProjectState(
        id: fixture.id, klass: "project", name: fixture.name, created: now, modified: now, createdBy: creator,
        billTo: fixture.billTo ?? creator)
      project.region = fixture.region
      project.flags = fixture.flags
      project.summary = fixture.summary
      project.description = fixture.description
      project.tags.add(fixture.tags)
      project.properties = fixture.properties
      project.members = fixture.members
      if !creator.isEmpty, project.members[creator] == nil { project.members[creator] = .administer }
      for folder in fixture.folders + fixture.databases.map(\.folder) { project.folders.insert(folder) }
      state.insertProject(project)
      for database in fixture.databases where state.objects[database.id] == nil {
        var object = DataObjectState(
          id: database.id, klass: "database", created: now, modified: now, createdBy: creator)
        object.state = "closed"
        object.database = DatabaseData(databaseName: database.name, files: database.files)
        object.copies[fixture.id] = ObjectCopy(name: database.name, folder: database.folder, added: now)
        state.insertObject(object)
      }
    }
  }
}
