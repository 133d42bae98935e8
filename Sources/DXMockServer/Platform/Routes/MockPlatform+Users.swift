import DXWire

// MARK: - /user-xxxx/describe and /user-xxxx/update

extension MockPlatform {
  func registerUserRoutes(into router: inout PlatformRouter) {
    router.register("/user-xxxx/describe") { call throws(DXPlatformError) in
      let options = try PlatformState.DescribeOptions(call.input)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        guard state.users.contains(call.target) else {
          throw .resourceNotFound("The user \(call.target) could not be found")
        }
        return Self.describeUser(call.target, for: call.caller, state: state, options: options)
      }
    }
    router.register("/user-xxxx/update") { call throws(DXPlatformError) in try self.userUpdate(call) }
  }

  /// A user's description: ID, class, handle, names, email, billing, regions; the SSH key to the user
  /// themself. All are default fields; `options` selects.
  static func describeUser(
    _ id: String, for caller: String, state: PlatformState, options: PlatformState.DescribeOptions
  ) -> DXJSON {
    let profile = state.directory.profile(id)
    var all: [String: DXJSON] = [
      "id": .string(id), "class": "user", "handle": .string(profile.handle), "first": .string(profile.first),
      "middle": .string(profile.middle), "last": .string(profile.last), "email": .string(profile.email),
      "billTo": .string(id), "created": 0, "appsInstalled": [:], "pricingModelsByRegion": [:], "type": "user",
      // `dx get APPLET` and `dx build` check regions against the billTo's.
      "permittedRegions": .array(profile.permittedRegions.map(DXJSON.string)),
    ]
    for (key, value) in profile.settings { all[key] = value }
    if caller == id, let key = profile.sshPublicKey { all["sshPublicKey"] = .string(key) }
    var result: [String: DXJSON] = [:]
    for (key, value) in all where options.wants(key, isDefault: true) { result[key] = value }
    return .object(result)
  }

  /// The profile fields `user-xxxx/update` sets besides the names and the SSH key, kept as given.
  static let userSettings: Set<String> = [
    "timezone", "sendEmailNotifications", "preferences", "defaultRegion",
  ]

  private func userUpdate(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    var names: [WritableKeyPath<UserProfile, String>: String] = [:]
    for (key, path) in [("first", \UserProfile.first), ("middle", \.middle), ("last", \.last)] {
      if let value = try input.string(key) { names[path] = value }
    }
    if let first = names[\UserProfile.first], first.isEmpty {
      throw .invalidInput("\"first\" must not be empty")
    }
    var key: String??
    if let value = input.fields["sshPublicKey"] {
      if value.isNull {
        key = .some(nil)
      } else if let text = value.stringValue {
        // The platform keeps the key exactly as sent, but refuses what looks like a private key.
        if text.contains("PRIVATE KEY") {
          throw .invalidInput("Tried to put a private key in the sshPublicKey field")
        }
        key = .some(text)
      } else {
        throw .invalidInput(
          "Expected input field \"sshPublicKey\" to be a string or null, but got \(value.typeName)")
      }
    }
    for name in input.fields.keys
    where !["first", "middle", "last", "sshPublicKey"].contains(name) && !Self.userSettings.contains(name) {
      throw .invalidInput("\"\(name)\" is not a field user-xxxx/update can change")
    }
    let settings = input.fields.filter { Self.userSettings.contains($0.key) }
    return try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      guard state.users.contains(call.target) else {
        throw .resourceNotFound("The user \(call.target) could not be found")
      }
      guard call.target == call.caller else {
        throw .permissionDenied("Only \(call.target) can update their own profile")
      }
      try state.updateProfile(call.target) { (profile: inout UserProfile) throws(DXPlatformError) in
        for (path, value) in names { profile[keyPath: path] = value }
        if let key { profile.sshPublicKey = key }
        profile.settings.merge(settings) { $1 }
      }
      return ["id": .string(call.target)]
    }
  }
}
