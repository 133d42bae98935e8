import DXWire

// MARK: - /user-xxxx/describe

extension MockPlatform {
  func registerUserRoutes(into router: inout PlatformRouter) {
    router.register("/user-xxxx/describe") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        guard state.users.contains(call.target) else {
          throw .resourceNotFound("The user \(call.target) could not be found")
        }
        return Self.describeUser(call.target)
      }
    }
  }

  /// A user's description: ID, class, handle, the (synthetic) profile fields and the one region.
  static func describeUser(_ id: String) -> DXJSON {
    let handle = String(id.dropFirst("user-".count))
    return [
      "id": .string(id), "class": "user", "handle": .string(handle), "first": .string(handle), "middle": "",
      "last": "", "email": .string("\(handle)@example.com"), "billTo": .string(id), "created": 0,
      "appsInstalled": [:], "pricingModelsByRegion": [:], "type": "user",
      // `dx get APPLET` checks the applet's regions against the billTo's.
      "permittedRegions": ["aws:us-east-1"],
    ]
  }
}
