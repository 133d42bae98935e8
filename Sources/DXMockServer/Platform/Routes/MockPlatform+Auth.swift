import DXWire

// MARK: - The auth server's routes (served on the API port, and on --authserver-port)

extension MockPlatform {
  /// How long a token made by `system/newAuthToken` lasts when the input gives no `expires`: 30 days.
  static let authTokenLifetime = 30 * 86_400_000

  func registerAuthRoutes(into router: inout PlatformRouter) {
    router.register("/system/newAuthToken", isPublic: true) { call throws(DXPlatformError) in
      try self.newAuthToken(call, oauth: false)
    }
    router.register("/oauth2/token", isPublic: true) { call throws(DXPlatformError) in
      try self.newAuthToken(call, oauth: true)
    }
    router.register("/system/getUserInfo") { call throws(DXPlatformError) in
      _ = try Self.input(call)
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let profile = state.directory.profile(call.caller)
        return [
          "sub": .string(call.caller), "user_id": .string(call.caller), "username": .string(profile.handle),
          "email": .string(profile.email), "name": .string(Self.fullName(profile)),
          "first": .string(profile.first), "last": .string(profile.last),
        ]
      }
    }
    router.register("/system/destroyAuthToken") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let presented = APIPipeline.bearerToken(call.request.headers["Authorization"]) ?? ""
      let signature = try input.string("tokenSignature") ?? PlatformState.tokenSignature(presented)
      return try self.revokeToken(signature: signature, caller: call.caller)
    }
    router.register("/oauth2/revoke") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let token = try input.requiredString("token")
      return try self.revokeToken(signature: PlatformState.tokenSignature(token), caller: call.caller)
    }
  }

  /// `system/newAuthToken` (`{username, password, expires?}` → `{access_token, token_type, …}`), or
  /// `oauth2/token` (the same with `grant_type: "password"`). A caller with a valid token may leave out
  /// the credentials to get another token of their own.
  private func newAuthToken(_ call: APICall, oauth: Bool) throws(DXPlatformError) -> DXJSON {
    let input = try Self.input(call)
    if oauth {
      let grant = try input.requiredString("grant_type")
      guard grant == "password" || (grant == "client_credentials" && !call.caller.isEmpty) else {
        throw .invalidInput(
          "\"grant_type\" must be \"password\" (the mock has no OAuth clients), not \"\(grant)\"")
      }
    }
    let username = try input.string("username")
    let password = try input.string("password")
    // Bounded before `expiry - now` below (ms since 1970).
    let expires = try input.int("expires", in: 0...PlatformLimits.maxTimestamp)
    var user = call.caller
    if let username {
      let id = DXMockFixtures.userID(username)
      guard let known = configuration.users.first(where: { $0.id == id }), let password, !password.isEmpty,
        known.password == nil || known.password == password
      else {
        throw DXPlatformError(
          type: "UsernameOrPasswordError", message: "Incorrect username and/or password", status: 401)
      }
      user = id
    } else if user.isEmpty {
      throw .invalidAuthentication("Give a username and password, or a valid token")
    }
    let now = store.now()
    let expiry = expires ?? now + Self.authTokenLifetime
    guard expiry > now else { throw .invalidInput("\"expires\" must be in the future") }
    let made = try store.write { (state: inout PlatformState) throws(DXPlatformError) -> String in
      // 24 characters of the ID alphabet: deterministic with --seed, and the sequence persists.
      let token = state.newID("dxmock")
      state.directory.storeToken(
        token, AuthToken(user: user, expires: expiry, signature: PlatformState.tokenSignature(token)))
      return token
    }
    hasDynamicAuth.store(true, ordering: .relaxed)
    return [
      "access_token": .string(made), "token_type": "Bearer", "expires_in": .integer((expiry - now) / 1000),
      "user_id": .string(user),
    ]
  }

  /// Revokes the token with `signature`, which must be one of `caller`'s (configured or made).
  private func revokeToken(signature: String, caller: String) throws(DXPlatformError) -> DXJSON {
    let own = configuredTokens(of: caller).map(PlatformState.tokenSignature)
    try store.write { (state: inout PlatformState) throws(DXPlatformError) in
      let made = state.directory.tokens.values.contains { $0.user == caller && $0.signature == signature }
      guard made || own.contains(signature) else {
        throw .resourceNotFound("No token of \(caller) has the signature \(signature)")
      }
      state.directory.revoke(signature: signature)
    }
    hasDynamicAuth.store(true, ordering: .relaxed)
    return [:]
  }

  /// "First Middle Last" without the empty parts.
  static func fullName(_ profile: UserProfile) -> String {
    [profile.first, profile.middle, profile.last].filter { !$0.isEmpty }.joined(separator: " ")
  }
}
