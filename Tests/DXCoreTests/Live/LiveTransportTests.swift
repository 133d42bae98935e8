import DXCore
import DXMockServer
import Foundation
import NIOPosix
import Testing

@Suite("Live — what DXLiveTransport reports for each wire event", .timeLimit(.minutes(2)))
struct LiveTransportTests {
  func post(_ url: String, timeout: Duration = .seconds(5)) -> DXTransportRequest {
    DXTransportRequest(
      method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data("{}".utf8),
      timeout: timeout)
  }

  func send(_ request: DXTransportRequest, engine: DXLiveTransport.Engine = .automatic) async throws
    -> DXTransportResponse
  {
    try await DXLiveTransport.withTransport(.init(engine: engine)) { try await $0.send(request) }
  }

  func failure(_ request: DXTransportRequest, engine: DXLiveTransport.Engine = .automatic) async
    -> DXTransportError?
  {
    do {
      _ = try await send(request, engine: engine)
      return nil
    } catch {
      return error as? DXTransportError
    }
  }

  static let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

  @Test(
    "complete, truncated and close-delimited bodies from a raw socket",
    arguments: DXLiveTransport.Engine.allCases)
  func bodies(engine: DXLiveTransport.Engine) async throws {
    try await withRawServer([
      .write(Array((Self.head + "Content-Length: 7\r\n\r\n{\"a\":1}").utf8)),
      .write(Array((Self.head + "Content-Length: 100\r\n\r\n{\"a\":").utf8)),
      .write(Array((Self.head + "Connection: close\r\n\r\nnot json at all").utf8)),
    ]) { server in
      let complete = try await send(post(server.baseURL + "/x"), engine: engine)
      #expect(complete.status == 200)
      #expect(complete.bodyEnd == .complete)
      #expect(complete.body == Data("{\"a\":1}".utf8))
      let truncated = try await send(post(server.baseURL + "/x"), engine: engine)
      #expect(truncated.bodyEnd == .truncated(declared: 100, received: 5))
      #expect(truncated.body == Data("{\"a\":".utf8))
      let delimited = try await send(post(server.baseURL + "/x"), engine: engine)
      #expect(delimited.bodyEnd == .closeDelimited)
      #expect(delimited.body == Data("not json at all".utf8))
    }
  }

  @Test(
    "large bodies arrive whole over many reads; a huge declared length is not reserved",
    arguments: DXLiveTransport.Engine.allCases)
  func largeBodies(engine: DXLiveTransport.Engine) async throws {
    let big = (0..<(1 << 20) + 77).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
    let half = Array(big.prefix(600_000))
    let huge = 1 << 40  // a terabyte declared: the client must neither reserve it nor crash
    try await withRawServer([
      .write(Array((Self.head + "Content-Length: \(big.count)\r\n\r\n").utf8) + big),
      .write(Array((Self.head + "Content-Length: \(big.count)\r\n\r\n").utf8) + half),
      .write(Array((Self.head + "Content-Length: \(huge)\r\n\r\n").utf8) + half),
    ]) { server in
      let complete = try await send(post(server.baseURL + "/x"), engine: engine)
      #expect(complete.bodyEnd == .complete)
      #expect(complete.body == Data(big))
      let truncated = try await send(post(server.baseURL + "/x"), engine: engine)
      #expect(truncated.bodyEnd == .truncated(declared: big.count, received: half.count))
      #expect(truncated.body == Data(half))
      let hugeCut = try await send(post(server.baseURL + "/x"), engine: engine)
      #expect(hugeCut.bodyEnd == .truncated(declared: huge, received: half.count))
      #expect(hugeCut.body == Data(half))
    }
  }

  @Test("reset, empty close and a stall from a raw socket", arguments: DXLiveTransport.Engine.allCases)
  func noReply(engine: DXLiveTransport.Engine) async throws {
    // The timeout is wide of the stall on both sides: on a loaded 2-core CI machine a 200 ms timeout
    // could fire before the client had reported its request head sent (a connect timeout, not a read one).
    try await withRawServer([.writeThenReset([]), .write([]), .stall(milliseconds: 6000)]) { server in
      #expect(await failure(post(server.baseURL + "/x"), engine: engine)?.kind == .connectionReset)
      #expect(await failure(post(server.baseURL + "/x"), engine: engine)?.kind == .noResponse)
      #expect(
        await failure(post(server.baseURL + "/x", timeout: .milliseconds(1500)), engine: engine)?.kind
          == .readTimeout)
    }
  }

  @Test(
    "a HEAD response ends with its head on a kept-alive connection; the next request reads its own reply",
    arguments: DXLiveTransport.Engine.allCases)
  func headOnKeptAliveConnection(engine: DXLiveTransport.Engine) async throws {
    // Had the client taken the HEAD response's Content-Length for a body to come, it would wait for
    // 42 bytes the server never sends (it answers the next request only once that request arrives).
    let headReply = Self.head + "Content-Length: 42\r\n\r\n"
    try await withRawServer([
      .serve([
        Array(headReply.utf8), Array((Self.head + "Content-Length: 7\r\n\r\n{\"a\":1}").utf8),
        Array(headReply.utf8),
      ])
    ]) { server in
      try await DXLiveTransport.withTransport(.init(engine: engine)) { transport in
        var head = DXTransportRequest(method: "HEAD", url: server.baseURL + "/h", timeout: .seconds(10))
        let first = try await transport.send(head)
        #expect(first.status == 200)
        #expect(first.body.isEmpty)
        #expect(first.bodyEnd == .complete)
        let posted = try await transport.send(post(server.baseURL + "/x", timeout: .seconds(10)))
        #expect(posted.body == Data("{\"a\":1}".utf8))
        head.url = server.baseURL + "/h2"
        let again = try await transport.send(head)
        #expect(again.body.isEmpty)
        #expect(again.bodyEnd == .complete)
      }
      let heads = server.receivedHeads
      #expect(heads.count == 3, "all three on the one connection")
      #expect(heads.first?.hasPrefix("HEAD /h ") == true)
      #expect(heads.last?.hasPrefix("HEAD /h2 ") == true)
    }
  }

  @Test(
    "the transport's default timeout applies when a request has none",
    arguments: DXLiveTransport.Engine.allCases)
  func defaultTimeout(engine: DXLiveTransport.Engine) async throws {
    try await withRawServer([.stall(milliseconds: 6000)]) { server in
      var request = post(server.baseURL + "/x")
      request.timeout = nil
      let transport = try DXLiveTransport(
        configuration: .init(defaultTimeout: .milliseconds(1500), engine: engine))
      var error: DXTransportError?
      do {
        _ = try await transport.send(request)
      } catch let caught {
        error = caught as? DXTransportError
      }
      try await transport.shutdown()
      #expect(error?.kind == .readTimeout)
    }
  }

  @Test("a refused connection and an invalid URL", arguments: DXLiveTransport.Engine.allCases)
  func refused(engine: DXLiveTransport.Engine) async throws {
    let server = try RawSocketServer([])
    let url = server.baseURL
    server.stop()
    #expect(await failure(post(url + "/x"), engine: engine)?.kind == .connectionRefused)
    #expect(await failure(post("not a url"), engine: engine)?.kind == .invalidRequest)
  }

  @Test("each mock-server fault, as the transport sees it", arguments: DXLiveTransport.Engine.allCases)
  func mockFaults(engine: DXLiveTransport.Engine) async throws {
    try await DXMockServer.withRunning { server in
      let url = server.baseURL + "/system/whoami"
      var request = post(url)
      request.headers.add(name: "Authorization", value: "Bearer \(DXMockServer.Configuration.defaultToken)")
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .truncate(sendBytes: 4), times: 1))
      let truncated = try await send(request, engine: engine)
      guard case .truncated(let declared, let received) = truncated.bodyEnd else {
        Issue.record("expected a truncated body, got \(truncated.bodyEnd)")
        return
      }
      #expect(received == 4)
      #expect(declared > 4)
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .noContentLength, times: 1))
      let delimited = try await send(request, engine: engine)
      #expect(delimited.bodyEnd == .closeDelimited)
      #expect(delimited.headers["Content-Length"] == nil)
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .reset, times: 1))
      #expect(await failure(request, engine: engine)?.kind == .connectionReset)
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .empty, times: 1))
      #expect(await failure(request, engine: engine)?.kind == .noResponse)
      server.addFault(try DXFaultRule(path: "/system/whoami", fault: .status(503, retryAfter: 7), times: 1))
      let throttled = try await send(request, engine: engine)
      #expect(throttled.status == 503)
      #expect(throttled.headers["Retry-After"] == "7")
      let ok = try await send(request, engine: engine)
      #expect(ok.status == 200)
      #expect(ok.bodyEnd == .complete)
    }
  }

  @Test(
    "one transport after each broken exchange: the next request gets a healthy connection",
    arguments: DXLiveTransport.Engine.allCases)
  func poolHygiene(engine: DXLiveTransport.Engine) async throws {
    try await DXMockServer.withRunning { server in
      var request = post(server.baseURL + "/system/whoami")
      request.headers.add(name: "Authorization", value: "Bearer \(DXMockServer.Configuration.defaultToken)")
      try await DXLiveTransport.withTransport(.init(engine: engine)) { transport in
        let faults: [DXFault] = [.truncate(sendBytes: 3), .noContentLength, .reset, .empty, .status(500)]
        for fault in faults {
          #expect(try await transport.send(request).bodyEnd == .complete)
          server.addFault(try DXFaultRule(path: "/system/whoami", fault: fault, times: 1))
          _ = try? await transport.send(request)
          let next = try await transport.send(request)
          #expect(next.status == 200, "after \(fault)")
          #expect(next.bodyEnd == .complete, "after \(fault)")
        }
      }
      #expect(server.attempts("/system/whoami").count == 15)
    }
  }

  @Test(
    "a kept-alive connection that the server then closed is not used again",
    arguments: DXLiveTransport.Engine.allCases)
  func closedIdleConnection(engine: DXLiveTransport.Engine) async throws {
    let reply = Array((Self.head + "Content-Length: 2\r\n\r\n{}").utf8)
    try await withRawServer([.write(reply), .write(reply)]) { server in
      try await DXLiveTransport.withTransport(.init(engine: engine)) { transport in
        #expect(try await transport.send(post(server.baseURL + "/x")).bodyEnd == .complete)
        // Let the server's close arrive; the next request must not be written into it.
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await transport.send(post(server.baseURL + "/x")).bodyEnd == .complete)
      }
      #expect(server.receivedHeads.count == 2)
    }
  }

  @Test("a header value with a line break is refused, not sent", arguments: DXLiveTransport.Engine.allCases)
  func headerInjection(engine: DXLiveTransport.Engine) async throws {
    try await withRawServer([.write(Array((Self.head + "Content-Length: 2\r\n\r\n{}").utf8))]) { server in
      var request = post(server.baseURL + "/x", timeout: .seconds(30))
      request.headers.add(name: "X-Note", value: "a\r\nX-Injected: 1")
      let error = await failure(request, engine: engine)
      #expect(error?.kind == .invalidRequest)
      #expect(error?.message.contains("line break") == true)
      var badName = post(server.baseURL + "/x")
      badName.headers.add(name: "Bad Name", value: "1")
      #expect(await failure(badName, engine: engine)?.kind == .invalidRequest)
      #expect(server.receivedHeads.isEmpty, "nothing was sent")
    }
  }

  @Test(
    "a header value with another control character is refused; a tab is sent",
    arguments: DXLiveTransport.Engine.allCases)
  func headerControlCharacters(engine: DXLiveTransport.Engine) async throws {
    try await withRawServer([.write(Array((Self.head + "Content-Length: 2\r\n\r\n{}").utf8))]) { server in
      for control in ["\u{01}", "\u{1B}", "\u{7F}"] {
        var request = post(server.baseURL + "/x")
        request.headers.add(name: "X-Note", value: "a\(control)b")
        let error = await failure(request, engine: engine)
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("control character") == true)
      }
      #expect(server.receivedHeads.isEmpty, "nothing was sent")
      var tabbed = post(server.baseURL + "/x")
      tabbed.headers.add(name: "X-Note", value: "a\tb")
      let status = try await send(tabbed, engine: engine).status
      #expect(status == 200)
      #expect(server.receivedHeads.first?.contains("X-Note: a\tb") == true)
    }
  }

  @Test("a kept-alive connection's read timer: idle time is not timed, a shorter timeout applies at once")
  func keepAliveReadTimer() async throws {
    try await DXMockServer.withRunning { server in
      let platform = testPlatform(url: server.baseURL, token: DXMockServer.Configuration.defaultToken)
      try await DXClient.withLiveClient(platform: platform, configuration: .noRetry) { client in
        // A short timeout, then longer than it idle: the timer of the first exchange finds no exchange.
        let quick = DXRequestOptions(timeout: .seconds(1))
        #expect(try await client.systemWhoami(options: quick)["id"] == "user-alice")
        try await Task.sleep(for: .milliseconds(1300))
        #expect(try await client.systemWhoami(options: quick)["id"] == "user-alice")
        // A long timeout arms a late timer; the next, shorter one must not wait for it.
        #expect(try await client.systemWhoami(options: .init(timeout: .seconds(60)))["id"] == "user-alice")
        _ = server.addFault(try DXFaultRule(spec: "POST /system/whoami delay ms=6000 times=1"))
        await #expect {
          try await client.systemWhoami(alwaysRetry: false, options: .init(timeout: .milliseconds(1500)))
        } throws: { error in
          (error as? DXTransportError)?.kind == .readTimeout
        }
        #expect(try await client.systemWhoami(options: quick)["id"] == "user-alice")
      }
    }
  }

  @Test("one transport serves many sequential and concurrent requests")
  func reuse() async throws {
    try await DXMockServer.withRunning { server in
      let platform = testPlatform(url: server.baseURL, token: DXMockServer.Configuration.defaultToken)
      try await DXClient.withLiveClient(platform: platform) { client in
        for _ in 0..<20 { #expect(try await client.systemWhoami()["id"] == "user-alice") }
        try await withThrowingTaskGroup(of: DXResponse.self) { group in
          for _ in 0..<16 { group.addTask { try await client.systemWhoami() } }
          for try await response in group { #expect(response["id"] == "user-alice") }
        }
      }
    }
  }

  @Test("withEventLoopExecutor runs the calls on the transport's event loop")
  func eventLoopExecutor() async throws {
    try await DXMockServer.withRunning { server in
      let platform = testPlatform(url: server.baseURL, token: DXMockServer.Configuration.defaultToken)
      try await DXLiveTransport.withTransport(.init(from: platform)) { transport in
        let client = DXClient(platform: platform, transport: transport)
        let ids = try await transport.withEventLoopExecutor {
          var ids: [String] = []
          for _ in 0..<10 {
            #expect(MultiThreadedEventLoopGroup.currentEventLoop != nil)
            ids.append(try await client.systemWhoami()["id"]?.stringValue ?? "")
          }
          return ids
        }
        #expect(ids == Array(repeating: "user-alice", count: 10))
      }
    }
  }

  @Test("requests go through the configured proxy (a CONNECT tunnel) with Basic credentials")
  func proxy() async throws {
    let reply = Array((Self.head + "Content-Length: 2\r\n\r\n{}").utf8)
    try await withRawServer([.tunnel(reply)]) { proxy in
      let nowhere = "/nonexistent-\(UUID().uuidString)"
      let platform = try DXConfiguration.load(
        environment: ["HTTPS_PROXY": "http://user:p%40ss@127.0.0.1:\(proxy.port)"],
        fileSystem: .init(
          homeDirectory: nowhere, globalConfigDirectory: nowhere,
          systemEnvironmentFile: nowhere + "/environment"))
      let response = try await DXLiveTransport.withTransport(.init(from: platform)) { transport in
        try await transport.send(post("http://api.example.test:8124/system/whoami"))
      }
      #expect(response.status == 200)
      let heads = proxy.receivedHeads
      #expect(heads.count == 2)
      let connect = try #require(heads.first)
      #expect(connect.hasPrefix("CONNECT api.example.test:8124 HTTP/1.1"))
      let expected = "proxy-authorization: basic " + Data("user:p@ss".utf8).base64EncodedString().lowercased()
      #expect(connect.lowercased().contains(expected))
      #expect(heads.last?.hasPrefix("POST /system/whoami HTTP/1.1") == true)
    }
  }

  @Test("a CA bundle that is missing is a typed configuration error")
  func caBundle() {
    #expect(throws: DXConfigurationError.self) {
      _ = try DXLiveTransport(configuration: .init(caCertificate: .bundle(path: "/nonexistent/ca.pem")))
    }
  }
}
