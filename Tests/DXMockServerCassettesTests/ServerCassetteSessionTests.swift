import DXCassette
import DXCore
import Foundation
import Testing

@testable import DXMockServer
@testable import DXMockServerCassettes

/// The server's cassette flags added with timing, expiry, rewrite rules and tags.
@Suite("Server cassettes: --timing, --expires-after, --rewrite, --tag")
struct ServerCassetteSessionTests {
  @Test("--timing recorded:SCALE still answers every recorded outcome, in order")
  func timedReplay() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/timed.dxcassette"
      try ServerCassetteTests.faultCassette(path)
      let backend = try DXCassetteReplayBackend(
        cassettePath: path, options: .init(timing: .recorded(scale: 0.01)))
      defer { backend.close() }
      #expect(backend.cassetteTiming == .recorded(scale: 0.01))
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          let first = try await client.outcome("POST", server.baseURL + "/system/whoami")
          #expect(first.description.hasPrefix("503"))
          let second = try await client.outcome("POST", server.baseURL + "/system/whoami")
          #expect(second.description.hasPrefix("200 truncated"))
        }
      }
    }
  }

  @Test("--expires-after: a stale interaction is a 404 that says expired")
  func expiredReplay() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/old.dxcassette"
      try ServerCassetteTests.faultCassette(path)
      let backend = try DXCassetteReplayBackend(
        cassettePath: path, options: .init(expiresAfter: .milliseconds(1)))
      defer { backend.close() }
      try await Task.sleep(for: .milliseconds(5))
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          let (status, json, _) = try await client.json("POST", server.baseURL + "/system/whoami")
          #expect(status == 404)
          #expect(json?["error"]?["details"]?["reason"]?.stringValue == "expired")
          #expect(json?["error"]?["message"]?.stringValue?.contains("past its maximum age") == true)
        }
      }
    }
  }

  @Test("--record --rewrite drops and strips before recording; --tag stamps what is recorded")
  func recordRewrite() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/rewritten.dxcassette"
      let rules = try DXCassetteRewriteRules(
        json: Data(
          #"{"drop": [{"path": "/system/greet"}], "request": {"removeHeaders": ["X-Trace"]}, "response": {"removeHeaders": ["Content-Type"]}}"#
            .utf8))
      try await withCassetteServer(backend: nil) { upstream in
        try await withRecordBackend(
          DXCassetteRecordBackend(
            cassettePath: path, upstream: upstream.baseURL,
            options: .init(rewrite: rules, tags: ["server-test"]))
        ) { backend in
          try await withCassetteServer(backend: backend) { recorder in
            try await DXLiveTransport.withTransport { client in
              let request = DXTransportRequest(
                method: "POST", url: recorder.baseURL + "/system/whoami",
                headers: [
                  "Authorization": "Bearer \(DXMockServer.Configuration.defaultToken)",
                  "Content-Type": "application/json", "X-Trace": "t-1",
                ], body: Data("{}".utf8), timeout: .seconds(10))
              let response = try await client.send(request)
              #expect(response.status == 200)
              #expect(response.headers["Content-Type"] != nil)  // the client gets the live answer
              _ = try await client.outcome("POST", recorder.baseURL + "/system/greet")
            }
          }
        }
        #expect(upstream.journal().map(\.path) == ["/system/whoami", "/system/greet"])
      }
      let cassette = try DXCassette(path: path, access: .readOnly)
      defer { cassette.close() }
      let stored = try cassette.interactions()
      #expect(stored.map(\.path) == ["/system/whoami"])
      #expect(stored.first?.request.headers["X-Trace"] == nil)
      #expect(stored.first?.response?.headers["Content-Type"] == nil)
      #expect(stored.first?.tags == ["server-test"])
      let first = try #require(stored.first)
      let headers = try #require(first.timeToHeaders)
      #expect(headers > .zero && headers <= first.duration)
    }
  }
}
