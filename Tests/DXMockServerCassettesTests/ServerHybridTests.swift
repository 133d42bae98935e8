import DXCassette
import DXCore
import Foundation
import Testing

@testable import DXMockServer
@testable import DXMockServerCassettes

@Suite("Hybrid replay and recording injected faults")
struct ServerHybridTests {
  @Test("--replay --fallback mock: recorded answers first, misses from the platform, the cassette unchanged")
  func hybridReplay() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/hybrid.dxcassette"
      try ServerCassetteTests.faultCassette(path)
      let backend = try DXCassetteHybridBackend(cassettePath: path)
      defer { backend.close() }
      #expect(!backend.recordsMisses)
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          let first = try await client.outcome("POST", server.baseURL + "/system/whoami")
          #expect(first.description.hasPrefix("503"))
          // Not in the cassette: the stateful platform answers.
          let (status, json, _) = try await client.json(
            "POST", server.baseURL + "/project/new", body: #"{"name":"p"}"#)
          #expect(status == 200)
          let project = try #require(json?["id"]?.stringValue)
          let (described, describe, _) = try await client.json(
            "POST", server.baseURL + "/\(project)/describe")
          #expect(described == 200 && describe?["name"] == "p")
        }
      }
      #expect(try DXCassetteTool.list(path).split(separator: "\n").count == 6)
    }
  }

  @Test("--replay --fallback mock --record-mode newEpisodes records the misses, which replay later")
  func hybridRecordsMisses() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/episodes.dxcassette"
      try ServerCassetteTests.faultCassette(path)
      let backend = try DXCassetteHybridBackend(cassettePath: path, options: .init(recordMode: .newEpisodes))
      #expect(backend.recordsMisses)
      try await withCassetteServer(backend: backend) { server in
        try await DXLiveTransport.withTransport { client in
          let first = try await client.outcome("POST", server.baseURL + "/system/whoami")
          #expect(first.description.hasPrefix("503"))
          let (status, json, _) = try await client.json("POST", server.baseURL + "/system/greet")
          #expect(status == 200 && json != nil)
        }
      }
      backend.close()
      let list = try DXCassetteTool.list(path)
      #expect(list.split(separator: "\n").count == 7, "\(list)")
      #expect(list.contains("POST /system/greet  → 200"), "\(list)")
      // The recorded miss now replays without the platform.
      let replay = try DXCassetteReplayBackend(cassettePath: path)
      defer { replay.close() }
      try await withCassetteServer(backend: replay) { server in
        try await DXLiveTransport.withTransport { client in
          let (status, _, _) = try await client.json("POST", server.baseURL + "/system/greet")
          #expect(status == 200)
        }
      }
    }
  }

  @Test("--record --upstream with faults: the cassette holds what the client saw, and replays it")
  func recordInjectedFaults() async throws {
    try await withServerCassetteDirectory { directory in
      let path = directory + "/faults.dxcassette"
      var seen: [ServerCassetteOutcome] = []
      try await withCassetteServer(backend: nil) { upstream in
        try await withRecordBackend(
          DXCassetteRecordBackend(cassettePath: path, upstream: upstream.baseURL)
        ) { backend in
          #expect(backend.recordsFaults)
          try await withCassetteServer(backend: backend) { recorder in
            recorder.addFault(try DXFaultRule(spec: "POST /system/whoami status=503 retryAfter=2 times=1"))
            recorder.addFault(try DXFaultRule(spec: "POST /system/greet truncate sendBytes=3 times=1"))
            recorder.addFault(try DXFaultRule(spec: "POST /system/findProjects reset times=1"))
            recorder.addFault(try DXFaultRule(spec: "POST /system/headers noContentLength times=1"))
            try await DXLiveTransport.withTransport { client in
              for route in ["whoami", "greet", "findProjects", "headers", "whoami"] {
                seen.append(try await client.outcome("POST", recorder.baseURL + "/system/" + route))
              }
            }
          }
        }
        // The 503 and the reset never reached the upstream; the cut and the close-delimited did.
        #expect(upstream.journal().map(\.path) == ["/system/greet", "/system/headers", "/system/whoami"])
      }
      #expect(seen[0].description.hasPrefix("503"))
      if case .response(_, let body, let end) = seen[1] {
        #expect(body.count == 3)
        #expect(end == .truncated(declared: 20, received: 3) || body.count == 3)
      } else {
        Issue.record("\(seen[1])")
      }
      #expect(seen[2] == .failure(.connectionReset))
      if case .response(_, let body, let end) = seen[3] {
        #expect(end == .closeDelimited)
        #expect(body == Data(DXFault.noContentLengthBody))
      } else {
        Issue.record("\(seen[3])")
      }
      let list = try DXCassetteTool.list(path)
      #expect(list.split(separator: "\n").count == 5, "\(list)")
      // Replayed, the client sees the same again.
      let replay = try DXCassetteReplayBackend(cassettePath: path)
      defer { replay.close() }
      try await withCassetteServer(backend: replay) { server in
        try await DXLiveTransport.withTransport { client in
          var again: [ServerCassetteOutcome] = []
          for route in ["whoami", "greet", "findProjects", "headers", "whoami"] {
            again.append(try await client.outcome("POST", server.baseURL + "/system/" + route))
          }
          #expect(again == seen)
        }
      }
    }
  }
}
