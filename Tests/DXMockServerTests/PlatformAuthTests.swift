import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform auth server routes")
struct PlatformAuthTests {
  /// A server whose fixtures give carol a password and a token.
  static func configure(_ configuration: inout DXMockServer.Configuration) {
    configuration.fixtures =
      (try? DXMockFixtures(json: [
        "users": [["handle": "carol", "tokens": ["tok-carol"], "password": "s3cret", "first": "Carol"]]
      ])) ?? DXMockFixtures()
  }

  @Test func tokensAreMadeUsedAndRevoked() async throws {
    try await withServer(Self.configure) { server in
      // The token routes answer without a token; greet too.
      #expect(try await server.rawExchange(path: "/system/greet", token: nil).status == 200)
      let bad = try await server.rawExchange(
        path: "/system/newAuthToken", token: nil, body: #"{"username": "carol", "password": "wrong"}"#)
      #expect(bad.status == 401)
      #expect(bad.errorType == "UsernameOrPasswordError")
      let unknown = try await server.rawExchange(
        path: "/system/newAuthToken", token: nil, body: #"{"username": "zed", "password": "x"}"#)
      #expect(unknown.errorType == "UsernameOrPasswordError")
      #expect(
        try await server.rawExchange(path: "/system/newAuthToken", token: nil, body: "{}").status == 401)
      let made = try await server.rawExchange(
        path: "/system/newAuthToken", token: nil, body: #"{"username": "carol", "password": "s3cret"}"#)
      #expect(made.status == 200)
      let token = made.json?["access_token"] as? String ?? ""
      #expect(made.json?["token_type"] as? String == "Bearer")
      #expect(token.hasPrefix("dxmock-"))
      // The new token works on the API and on getUserInfo.
      let whoami = try await server.rawExchange(path: "/system/whoami", token: token)
      #expect(whoami.json?["id"] as? String == "user-carol")
      let info = try await server.rawExchange(path: "/system/getUserInfo", token: token)
      #expect(info.json?["username"] as? String == "carol")
      #expect(info.json?["first"] as? String == "Carol")
      #expect(try await server.rawExchange(path: "/system/getUserInfo", token: nil).status == 401)
      // A caller may make a token for themselves without a password.
      let own = try await server.rawExchange(path: "/system/newAuthToken", token: "tok-carol", body: "{}")
      #expect(own.status == 200)
      // dx logout sends the SHA-256 of its token; the token stops working.
      let signature = PlatformState.tokenSignature(token)
      let other = try await server.rawExchange(
        path: "/system/destroyAuthToken", token: serverToken, body: #"{"tokenSignature": "\#(signature)"}"#)
      #expect(other.status == 404)
      let destroyed = try await server.rawExchange(
        path: "/system/destroyAuthToken", token: token, body: #"{"tokenSignature": "\#(signature)"}"#)
      #expect(destroyed.status == 200)
      #expect(try await server.rawExchange(path: "/system/whoami", token: token).status == 401)
      // A configured token can be revoked too; the others keep working; a reset brings it back.
      #expect(
        try await server.rawExchange(path: "/system/destroyAuthToken", token: "tok-carol").status == 200)
      #expect(try await server.rawExchange(path: "/system/whoami", token: "tok-carol").status == 401)
      #expect(try await server.rawExchange(path: "/system/whoami").status == 200)
      try server.reset()
      #expect(try await server.rawExchange(path: "/system/whoami", token: "tok-carol").status == 200)
      // The OAuth form.
      let oauth = try await server.rawExchange(
        path: "/oauth2/token", token: nil,
        body: #"{"grant_type": "password", "username": "user-carol", "password": "s3cret"}"#)
      #expect(oauth.json?["access_token"] is String)
      let grant = try await server.rawExchange(
        path: "/oauth2/token", token: nil, body: #"{"grant_type": "authorization_code"}"#)
      #expect(grant.status == 422)
      let revoke = try await server.rawExchange(
        path: "/oauth2/revoke", token: oauth.json?["access_token"] as? String,
        body: #"{"token": "\#(oauth.json?["access_token"] as? String ?? "")"}"#)
      #expect(revoke.status == 200)
    }
  }

  @Test func authServerPortAndPersistence() async throws {
    try await withTemporaryDirectory { dir in
      let path = dir + "/state.sqlite"
      var token = ""
      try await withServer({
        Self.configure(&$0)
        $0.authServerPort = 0
        $0.statePath = path
      }) { server in
        #expect(server.authServerPort != server.port)
        #expect(server.banner.contains("DX_AUTHSERVER_PORT=\(server.authServerPort)"))
        #expect(server.banner.contains("DX_AUTHSERVER_HOST=http://127.0.0.1"))
        let port = server.authServerPort
        let made = try await onDedicatedThread {
          try RawHTTPClient.exchange(
            port: port, method: "POST", path: "/system/newAuthToken", token: nil, headers: [],
            body: #"{"username": "carol", "password": "s3cret"}"#, timeout: 30)
        }
        token = made.json?["access_token"] as? String ?? ""
        #expect(!token.isEmpty)
      }
      // Made tokens survive a restart.
      try await withServer({
        Self.configure(&$0)
        $0.statePath = path
      }) { server in
        let whoami = try await server.rawExchange(path: "/system/whoami", token: token)
        #expect(whoami.json?["id"] as? String == "user-carol")
      }
    }
  }

  @Test func configurationChecksTheAuthServerTLS() throws {
    var configuration = DXMockServer.Configuration()
    configuration.authServerTLS = (
      certificatePEM: "-----BEGIN CERTIFICATE-----", keyPEM: "-----BEGIN PRIVATE KEY-----"
    )
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
    configuration.authServerPort = 0
    try configuration.validate()
    configuration.authServerTLS = (certificatePEM: "nope", keyPEM: "nope")
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
    configuration.authServerTLS = nil
    configuration.authServerPort = 70000
    #expect(throws: DXMockServerError.self) { try configuration.validate() }
  }
}
