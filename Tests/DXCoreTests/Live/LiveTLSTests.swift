import DXCore
import Foundation
import Testing

@Suite("Live — TLS: DX_CA_CERT bundle, NOVERIFY, and the system roots", .timeLimit(.minutes(1)))
struct LiveTLSTests {
  func whoami(_ server: TLSTestServer) -> DXTransportRequest {
    DXTransportRequest(
      method: "POST", url: server.baseURL + "/system/whoami", headers: ["Content-Type": "application/json"],
      body: Data("{}".utf8), timeout: .seconds(10))
  }

  func send(_ request: DXTransportRequest, trust: DXConfiguration.CACertificate?) async throws
    -> DXTransportResponse
  {
    try await DXLiveTransport.withTransport(.init(caCertificate: trust)) { try await $0.send(request) }
  }

  @Test("a DX_CA_CERT bundle that holds the server's certificate is trusted")
  func bundle() async throws {
    try await withTLSServer { server in
      let response = try await send(whoami(server), trust: .bundle(path: TLSTestServer.certificatePath))
      #expect(response.status == 200)
      #expect(response.body == Data(#"{"id":"user-tls"}"#.utf8))
    }
  }

  @Test("DX_CA_CERT=NOVERIFY accepts a certificate nobody vouches for")
  func noVerify() async throws {
    try await withTLSServer { server in
      let response = try await send(whoami(server), trust: .noVerify)
      #expect(response.status == 200)
    }
  }

  @Test("with the system roots, a self-signed certificate is a TLS error, never a response")
  func systemRoots() async throws {
    try await withTLSServer { server in
      do {
        _ = try await send(whoami(server), trust: nil)
        Issue.record("expected a TLS failure")
      } catch let error as DXTransportError {
        #expect(error.kind == .tls, "got \(error.kind): \(error.message)")
      }
    }
  }

  @Test("DXClient over TLS with DX_CA_CERT from the environment")
  func clientFromEnvironment() async throws {
    try await withTLSServer { server in
      let nowhere = "/nonexistent-\(UUID().uuidString)"
      let platform = try DXConfiguration.load(
        environment: [
          "DX_APISERVER_PROTOCOL": "https", "DX_APISERVER_HOST": "localhost",
          "DX_APISERVER_PORT": String(server.port), "DX_CA_CERT": TLSTestServer.certificatePath,
          "DX_SECURITY_CONTEXT": #"{"auth_token_type": "Bearer", "auth_token": "t"}"#,
        ],
        fileSystem: .init(
          homeDirectory: nowhere, globalConfigDirectory: nowhere,
          systemEnvironmentFile: nowhere + "/environment"))
      try await DXClient.withLiveClient(platform: platform) { client in
        let me = try await client.systemWhoami()
        #expect(me["id"] == "user-tls")
      }
    }
  }
}
