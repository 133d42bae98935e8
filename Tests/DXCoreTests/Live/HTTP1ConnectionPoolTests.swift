import Foundation
import NIOPosix
import Testing

@testable import DXCore

@Suite("HTTP1ConnectionPool — targets and kept-alive connections", .timeLimit(.minutes(2)))
struct HTTP1ConnectionPoolTests {
  @Test("each URL's target, looked up in turns (the last-target slot never answers for another URL)")
  func targetsInTurns() throws {
    let pool = HTTP1ConnectionPool(group: MultiThreadedEventLoopGroup.singleton, idleTimeout: .seconds(1))
    let urls = [
      "http://127.0.0.1:8124/system/whoami", "http://127.0.0.1:8124/system/whoamI",
      "http://localhost/a?b=c", "http://[::1]:9/x",
    ]
    for round in 0..<3 {
      for url in urls + urls.reversed() {
        let target = try #require(pool.target(for: url), "\(url), round \(round)")
        let components = try #require(URLComponents(string: url))
        #expect(target.host == components.host, "\(url)")
        #expect(target.port == components.port ?? 80, "\(url)")
        let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        #expect(target.requestTarget == components.percentEncodedPath + query, "\(url)")
      }
    }
    #expect(pool.target(for: "https://127.0.0.1:8124/system/whoami") == nil)
    #expect(pool.target(for: "http://127.0.0.1:8124/system/whoami")?.port == 8124)
  }

  @Test("requests to two hosts in turns each reuse their host's one kept-alive connection")
  func twoHostsInTurns() async throws {
    let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
    // Each server accepts a single connection: a request on a second one would never be answered.
    try await withRawServer([.serve([reply, reply, reply])]) { first in
      try await withRawServer([.serve([reply, reply, reply])]) { second in
        try await DXLiveTransport.withTransport { transport in
          for round in 0..<3 {
            for server in [first, second] {
              let response = try await transport.send(
                DXTransportRequest(method: "GET", url: server.baseURL + "/\(round)", timeout: .seconds(10)))
              #expect(response.body == Data("ok".utf8))
            }
          }
        }
        #expect(first.receivedHeads.count == 3)
        #expect(second.receivedHeads.count == 3)
      }
    }
  }
}
