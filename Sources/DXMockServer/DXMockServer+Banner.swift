extension DXMockServer {
  /// The start-up text for people: where the server listens, the default user and token, the admin
  /// API, and the `export` lines that point the real `dx` client at it.
  public var banner: String {
    let clientHost: String
    switch configuration.host {
    case "0.0.0.0", "localhost": clientHost = "127.0.0.1"
    case "::", "[::]": clientHost = "::1"
    default: clientHost = configuration.host
    }
    let token = configuration.tokens.first ?? configuration.users.first?.token ?? ""
    let user =
      configuration.tokens.isEmpty ? configuration.users.first?.handle ?? "" : configuration.defaultUser
    let admin =
      configuration.adminToken == nil
      ? "loopback clients only" : "Authorization: Bearer <admin token> required"
    let authScheme = configuration.authServerTLS == nil ? "http" : "https"
    var lines = [
      "dx-mock-server listening on \(baseURL)",
      "  user: user-\(user)  token: \(token)",
      "  admin API: \(baseURL)/__admin/ (\(admin))",
      "Point the dx client at it:",
      "export DX_APISERVER_PROTOCOL=http DX_APISERVER_HOST=\(clientHost) DX_APISERVER_PORT=\(port)",
      "export DX_SECURITY_CONTEXT='{\"auth_token_type\":\"Bearer\",\"auth_token\":\"\(token)\"}'",
      "export DX_AUTHSERVER_HOST=\(authScheme)://\(clientHost.contains(":") ? "[\(clientHost)]" : clientHost) "
        + "DX_AUTHSERVER_PORT=\(authServerPort)",
    ]
    if storagePort != 0 {
      lines.insert("  upload and download URLs: port \(storagePort) (the storage origin)", at: 3)
    }
    if configuration.authServerTLS != nil {
      lines.append(
        "  (the auth server speaks HTTPS: trust its certificate with DX_CA_CERT=<certificate file>)")
    }
    if configuration.backend != nil {
      lines.insert("  serving from a backend (cassette), not the platform", at: 3)
    }
    return lines.joined(separator: "\n")
  }
}
