/// The credentials sent with each request: dxpy's security context
/// (`{"auth_token_type": "Bearer", "auth_token": "…"}`).
public struct DXSecurityContext: Sendable, Hashable {
  /// The token type as given, e.g. `"Bearer"`; it is echoed verbatim in the header.
  public var tokenType: String
  /// The token.
  public var token: String

  /// Creates a context. The default type is `"Bearer"`, the only one the platform supports.
  public init(tokenType: String = "Bearer", token: String) {
    self.tokenType = tokenType
    self.token = token
  }

  /// Reads the JSON form, `{"auth_token_type": …, "auth_token": …}`.
  /// - Throws: ``DXConfigurationError`` naming `source` and `DX_SECURITY_CONTEXT` when the text is not a
  ///   JSON object with those two string members.
  public init(json text: String, source: String = "DX_SECURITY_CONTEXT") throws(DXConfigurationError) {
    let value: DXJSON
    do {
      value = try DXJSON(parsing: text)
    } catch {
      throw .invalidValue(source: source, key: "DX_SECURITY_CONTEXT", reason: "not valid JSON (\(error))")
    }
    guard case .object = value else {
      throw .invalidValue(
        source: source, key: "DX_SECURITY_CONTEXT", reason: "expected a JSON object, got \(value.typeName)")
    }
    guard let type = value["auth_token_type"]?.stringValue else {
      throw .invalidValue(
        source: source, key: "DX_SECURITY_CONTEXT", reason: "auth_token_type is missing or not a string")
    }
    guard let token = value["auth_token"]?.stringValue else {
      throw .invalidValue(
        source: source, key: "DX_SECURITY_CONTEXT", reason: "auth_token is missing or not a string")
    }
    self.init(tokenType: type, token: token)
  }

  /// The JSON form, as `dx` writes it into `environment.json`.
  public var jsonString: String {
    DXPythonFormat.jsonDumps(["auth_token_type": .string(tokenType), "auth_token": .string(token)])
  }

  /// The `Authorization` header value: `"<type as given> <token>"`.
  /// - Throws: ``DXError/unsupportedTokenType`` unless the type is Bearer (in any case), as dxpy's
  ///   `DXHTTPOAuth2` does.
  public func authorizationHeader() throws(DXError) -> String {
    // `namesMatch` decides as comparing `lowercased()` forms does, without building them.
    guard DXHTTPHeaders.namesMatch(tokenType, "bearer") else { throw DXError.unsupportedTokenType }
    return tokenType + " " + token
  }
}

extension DXSecurityContext: CustomStringConvertible {
  /// The type and a redacted token, safe to log.
  public var description: String { "\(tokenType) <redacted \(token.count) characters>" }
}
