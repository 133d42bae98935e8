import DXCore
import Foundation
import Testing

@testable import DXCassette

@Suite("CassetteSecrets")
struct CassetteSecretTests {
  typealias S = CassetteTestSupport
  static let token = "Zq9rT4vW8xY2bN6mK1pL3sD5fG7hJ0cA"
  static let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLWEifQ.c2lnbmF0dXJlLXZhbHVlLWhlcmU"

  @Test func authorizationHeaderAndTokenAreRedactedEverywhere() throws {
    let path = S.cassettePath()
    let cassette = try DXCassette(path: path, secrets: DXSecretScanner(tokens: [Self.token]))
    var request = S.post("/system/whoami", #"{"token":"\#(Self.token)","x":1}"#, token: Self.token)
    request.url += "?auth=\(Self.token)"
    request.headers["Cookie"] = "session=abc"
    let response = DXTransportResponse(
      status: 200, headers: ["Set-Cookie": "s=1", "X-Echo": "got \(Self.token)"],
      body: Data(#"{"echo":"Bearer \#(Self.token)"}"#.utf8))
    try cassette.append(.init(request: request, outcome: .response(response)))
    cassette.close()
    let raw = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(raw.range(of: Data(Self.token.utf8)) == nil, "the token never reaches disk")
    for suffix in ["-wal", "-shm"] {
      if let side = try? Data(contentsOf: URL(fileURLWithPath: path + suffix)) {
        #expect(side.range(of: Data(Self.token.utf8)) == nil)
      }
    }
    let stored = try DXCassette(path: path, access: .readOnly).interactions()[0]
    #expect(stored.request.headers["Authorization"] == "Bearer [REDACTED]")
    #expect(stored.request.headers["Cookie"] == "[REDACTED]")
    #expect(stored.request.url.hasSuffix("?auth=[REDACTED]"))
    #expect(String(decoding: stored.request.body, as: UTF8.self) == #"{"token":"[REDACTED]","x":1}"#)
    #expect(stored.response?.headers["X-Echo"] == "got [REDACTED]")
    #expect(stored.response?.headers["Set-Cookie"] == "[REDACTED]")
    #expect(stored.response.map(S.text) == #"{"echo":"Bearer [REDACTED]"}"#)
  }

  @Test func credentialFromTheAuthorizationHeaderIsRedactedWithoutConfiguration() throws {
    let cassette = try DXCassette(path: S.cassettePath())
    let request = S.post("/x", "{}", token: Self.token)
    let stored = try cassette.append(
      .init(request: request, outcome: .response(S.ok(#"{"yourToken":"\#(Self.token)"}"#))))
    #expect(stored.response.map(S.text) == #"{"yourToken":"[REDACTED]"}"#)
  }

  @Test func remainingSecretsAreRefusedWithTheFieldPath() throws {
    let path = S.cassettePath()
    let cassette = try DXCassette(path: path)
    let cases: [(DXCassetteInteraction, String, DXSecretFinding.Kind)] = [
      (
        .init(
          request: S.post("/x", #"{"auth":{"token":"\#(Self.token)"}}"#),
          outcome: .response(S.ok("{}"))),
        "request.body.auth.token", .highEntropy
      ),
      (
        .init(
          request: S.post("/x"),
          outcome: .response(S.ok(#"{"auth":{"token":"\#(Self.jwt)"}}"#))),
        "response.body.auth.token", .jwt
      ),
      (
        {
          var request = S.post("/x")
          request.headers["X-Forwarded"] = "bearer abcdefgh12345678"
          return DXCassetteInteraction(request: request, outcome: .response(S.ok("{}")))
        }(),
        "request.headers.X-Forwarded", .bearer
      ),
      (
        .init(
          request: DXTransportRequest(method: "GET", url: "http://h/x?jwt=\(Self.jwt)"),
          outcome: .response(S.ok("{}"))),
        "request.url", .jwt
      ),
      (
        .init(
          request: S.post("/x"),
          outcome: .response(
            DXTransportResponse(status: 200, headers: ["X-Session-Token": "a8F3kL9mQ2xR7vB4nT6wY1zC"]))),
        "response.headers.X-Session-Token", .highEntropy
      ),
    ]
    for (interaction, field, kind) in cases {
      do {
        try cassette.append(interaction)
        Issue.record("expected a refusal for \(field)")
      } catch {
        #expect(error.kind == .secretDetected)
        #expect(error.findings.map(\.path) == [field])
        #expect(error.findings.first?.kind == kind)
        #expect(error.message.contains(field))
      }
    }
    #expect(try cassette.count() == 0, "nothing was written")
  }

  @Test func aRequestCarryingASecretIsRefusedBeforeItIsSent() async throws {
    let cassette = try DXCassette(path: S.cassettePath(), secrets: DXSecretScanner(tokens: [Self.token]))
    let upstream = S.echo()
    let transport = try S.recording(cassette, mode: .all, base: upstream)
    var request = S.post("/x", token: Self.token)
    request.headers["X-Forwarded"] = "bearer abcdefgh12345678"
    await #expect(throws: DXCassetteError.self) { _ = try await transport.send(request) }
    #expect(upstream.count == 0, "the request never reached the network")
    #expect(try cassette.count() == 0)
    // The configured token alone is redacted, not refused: that request goes out and is recorded.
    _ = try await transport.send(S.post("/x", token: Self.token))
    #expect(upstream.count == 1)
    #expect(try cassette.count() == 1)
  }

  @Test func configuredTokenInAnUnusualPlaceIsRedactedNotRefused() throws {
    let cassette = try DXCassette(path: S.cassettePath(), secrets: DXSecretScanner(tokens: [Self.token]))
    let stored = try cassette.append(
      .init(
        request: S.post("/x"),
        outcome: .failure(.connectionReset("proxy said no to \(Self.token)"))))
    #expect(stored.failure?.message == "proxy said no to [REDACTED]")
  }

  @Test func ordinaryPlatformValuesAreNotSecrets() {
    let scanner = DXSecretScanner()
    let interaction = DXCassetteInteraction(
      request: S.post("/project-xxxx/describe", #"{"fields":{"name":true}}"#, token: Self.token),
      outcome: .response(
        S.ok(
          #"{"id":"project-G6xjQ3j0x1q8Pz2K4bYvX9fJ","name":"demo","auth_token_type":"Bearer","tokenCount":3,"#
            + #""sessionState":"active","md5":"5d41402abc4b2a76b9719d911017c592"}"#)))
    #expect(scanner.scan(scanner.redact(interaction)).isEmpty)
  }

  @Test func redactDetectedCleansAnExistingInteraction() {
    let scanner = DXSecretScanner()
    let interaction = DXCassetteInteraction(
      request: S.post("/x", #"{"api_key":"\#(Self.token)","note":"Bearer abcdefgh12345678"}"#),
      outcome: .response(S.ok(#"{"t":"\#(Self.jwt)"}"#)))
    #expect(!scanner.scan(interaction).isEmpty)
    let cleaned = scanner.redactDetected(interaction)
    #expect(scanner.scan(cleaned).isEmpty)
    #expect(String(decoding: cleaned.request.body, as: UTF8.self).contains("[REDACTED]"))
  }

  @Test func redactedFieldsAreExcludedFromMatching() async throws {
    let recordedToken = "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv"
    let cassette = try DXCassette(path: S.cassettePath(), secrets: DXSecretScanner(tokens: [recordedToken]))
    try cassette.append(
      .init(
        request: S.post(
          "/x", #"{"securityContext":{"auth_token":"\#(recordedToken)"},"a":1}"#, token: recordedToken),
        outcome: .response(S.ok("ok"))))
    // Replayed with another token: the redacted field still matches.
    let otherToken = "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"
    let replay = DXReplayTransport(cassette: cassette)
    let response = try await replay.send(
      S.post("/x", #"{"a":1,"securityContext":{"auth_token":"\#(otherToken)"}}"#, token: otherToken))
    #expect(S.text(response) == "ok")
  }

  @Test func shapesAreDetected() {
    #expect(
      DXSecretScanner.bearerCredentials(in: "Authorization: Bearer abc.DEF-123_xyz") == ["abc.DEF-123_xyz"])
    #expect(DXSecretScanner.bearerCredentials(in: "Bearer [REDACTED]").isEmpty)
    #expect(DXSecretScanner.bearerCredentials(in: "bearer short").isEmpty)
    #expect(DXSecretScanner.jsonWebTokens(in: "x \(Self.jwt) y") == [Self.jwt])
    #expect(DXSecretScanner.jsonWebTokens(in: "eyJhbGciOi only one part").isEmpty)
    #expect(DXSecretScanner.isAuthField("X-Api-Key"))
    #expect(DXSecretScanner.isAuthField("auth_token"))
    #expect(!DXSecretScanner.isAuthField("author"))
    #expect(DXSecretScanner().looksHighEntropy(Self.token))
    #expect(!DXSecretScanner().looksHighEntropy("aaaaaaaaaaaaaaaaaaaaaaaa1"))
    #expect(!DXSecretScanner().looksHighEntropy("short1A"))
  }
}
