import DXCore
import DXKitTesting
import Foundation
import Testing

@Suite("Config — setters, auth server name, shared default")
struct ConfigSettersTests {
  @Test("setAPIServerInfo: port argument decides whether the URL has a port (dxpy's quirk)")
  func apiServerInfo() {
    var config = DXConfiguration()
    config.setAPIServerInfo(host: "localhost", port: "5000", protocol: "http")
    #expect(config.apiServer == "http://localhost:5000")
    config.setAPIServerInfo(host: "localhost")
    #expect(config.apiServer == "http://localhost")
    #expect(config.apiServerPort == "5000")
    config.setAPIServerInfo(port: 8443, protocol: "https")
    #expect(config.apiServer == "https://localhost:8443")
  }

  @Test("job, workspace and project setters are independent")
  func setters() throws {
    var config = DXConfiguration()
    config.setWorkspaceID("container-1")
    config.setProjectContext("project-2")
    config.setJobID("job-3")
    #expect(config.workspaceID == "container-1")
    #expect(config.projectContextID == "project-2")
    #expect(config.jobID == "job-3")
    config.setSecurityContext(DXSecurityContext(tokenType: "bearer", token: "x"))
    #expect(throws: Never.self) { try config.securityContext?.authorizationHeader() }
    #expect(try config.securityContext?.authorizationHeader() == "bearer x")
  }

  @Test("authServerName: overrides, fixed hosts, local hosts, errors")
  func authServer() throws {
    var config = DXConfiguration()
    #expect(try config.authServerName() == "https://auth.dnanexus.com")
    #expect(try config.authServerName(hostOverride: "h", portOverride: 1) == "https://h:1")
    #expect(try config.authServerName(hostOverride: "h", portOverride: "1", protocol: "http") == "http://h:1")
    #expect(throws: DXError.authServer("Both host and port must be specified if either is specified")) {
      try config.authServerName(hostOverride: "h")
    }
    let fixed = [
      ("stagingapi.dnanexus.com", "https://stagingauth.dnanexus.com"),
      ("api.cn.dnanexus.com", "https://auth.cn.dnanexus.com:8001"),
      ("stagingapi.cn.dnanexus.com", "https://stagingauth.cn.dnanexus.com:7001"),
    ]
    for (host, expected) in fixed {
      config.setAPIServerInfo(host: host)
      #expect(try config.authServerName() == expected)
    }
    config.setAPIServerInfo(host: "127.0.0.1", port: "8080", protocol: "http")
    #expect(
      throws: DXError.authServer(
        "Must set authserver env vars (DX_AUTHSERVER_HOST, DX_AUTHSERVER_PORT) if apiserver is 127.0.0.1.")
    ) { try config.authServerName() }
    config.authServerHost = "localhost"
    config.authServerPort = "9000"
    #expect(try config.authServerName() == "localhost:9000")
    config.setAPIServerInfo(host: "elsewhere.example")
    #expect(
      throws: DXError.authServer(
        "Could not determine which auth server is associated with elsewhere.example.")
    ) {
      try config.authServerName()
    }
  }

  @Test("the shared configuration is replaced and updated atomically from many tasks")
  func shared() async throws {
    var base = DXConfiguration()
    base.setAPIServerInfo(host: "shared.example", port: "1", protocol: "http")
    DXConfiguration.setShared(base)
    await withTaskGroup(of: Void.self) { group in
      for index in 0..<50 {
        group.addTask { _ = try? DXConfiguration.updateShared { $0.setJobID("job-\(index)") } }
      }
    }
    let shared = try DXConfiguration.shared
    #expect(shared.apiServer == "http://shared.example:1")
    #expect(shared.jobID?.hasPrefix("job-") == true)
    // A client without a platform reads the shared configuration at request time.
    let transport = ScriptedTransport([])
    let client = DXClient(
      transport: transport, clock: DXTestClock(start: testClockStart), random: DXTestRandomSource(.lowest))
    try await client.request("/system/whoami")
    try DXConfiguration.updateShared { $0.setAPIServerInfo(host: "changed.example", port: "2") }
    try await client.request("/system/whoami")
    #expect(
      transport.requests.map(\.url) == [
        "http://shared.example:1/system/whoami", "http://changed.example:2/system/whoami",
      ])
  }

  @Test("security context JSON round trip and redacted description")
  func securityContext() throws {
    let context = try DXSecurityContext(json: #"{"auth_token_type": "Bearer", "auth_token": "abc"}"#)
    #expect(context.token == "abc")
    #expect(try DXSecurityContext(json: context.jsonString) == context)
    #expect(!context.description.contains("abc"))
    #expect(throws: DXError.unsupportedTokenType) {
      try DXSecurityContext(tokenType: "Basic", token: "x").authorizationHeader()
    }
  }
}
