import DXWire

// MARK: - /record/new and /record-xxxx/close

extension MockPlatform {
  func registerRecordRoutes(into router: inout PlatformRouter) {
    router.register("/record/new") { call throws(DXPlatformError) in
      let input = try NewObjectInput(Self.input(call))
      return try self.withNonce(call, route: "/record/new") {
        (state: inout PlatformState) throws(DXPlatformError) in
        let id = try self.createObject(input, klass: "record", caller: call.caller, state: &state)
        return ["id": .string(id)]
      }
    }
    router.register("/record-xxxx/close") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.closeObject(call)
    }
  }

  /// Closes an open record or workflow (files check their parts first).
  func closeObject(_ call: APICall) throws(DXPlatformError) -> DXJSON {
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let object = try state.object(call.target)
      _ = try state.copyProject(of: object, for: call.caller, hint: nil, atLeast: .upload)
      if object.state == "closed" { return ["id": .string(call.target)] }
      let now = store.now()
      try state.updateObject(call.target) { (object: inout DataObjectState) throws(DXPlatformError) in
        object.state = "closed"
        object.modified = now
      }
      return ["id": .string(call.target)]
    }
  }
}
