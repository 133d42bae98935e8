import DXCore
import DXKitTesting
import DXWire
import Foundation
import Logging
import Testing

@Suite("Client — headers, body, auth, resources and decoding")
struct ClientRequestTests {
  @Test("a JSON POST sends dxpy's headers and Python's json.dumps body")
  func postHeaders() async throws {
    let transport = ScriptedTransport([])
    let client = testClient(transport)
    let result = try await client.request(
      "/record/new", data: .json(["name": "é", "tags": ["a", "b"], "n": 1]),
      headers: ["X-Custom": "1", "Host": "evil", "Content-Length": "99"])
    #expect(result == .json(["ok": true]))
    let request = try #require(transport.requests.first)
    #expect(request.method == "POST")
    #expect(request.url == "http://127.0.0.1:9/record/new")
    #expect(
      String(decoding: request.body, as: UTF8.self) == #"{"n": 1, "name": "\u00e9", "tags": ["a", "b"]}"#)
    let names = request.headers.fields.map(\.name)
    #expect(names == ["X-Custom", "Content-Type", "Authorization", "User-Agent", "DNAnexus-API"])
    #expect(request.headers["Content-Type"] == "application/json")
    #expect(request.headers["Authorization"] == "Bearer tok")
    #expect(request.headers["DNAnexus-API"] == "1.0.0")
    #expect(request.headers["User-Agent"]?.hasPrefix("DXKit/") == true)
    #expect(request.timeout == .seconds(905))
  }

  @Test("GET with jsonifyData sends {} with no Content-Type; a caller's Content-Type is kept")
  func getAndContentType() async throws {
    let transport = ScriptedTransport([])
    let client = testClient(transport)
    try await client.request("/x", method: "get")
    try await client.request("/y", headers: ["Content-Type": "application/x-custom"])
    let (get, post) = (transport.requests[0], transport.requests[1])
    #expect(get.method == "GET")
    #expect(get.body == Data("{}".utf8))
    #expect(get.headers["Content-Type"] == nil)
    #expect(post.headers.values(for: "Content-Type") == ["application/x-custom"])
  }

  @Test("User-Agent and DNAnexus-API are forced over the caller's")
  func forcedHeaders() async throws {
    let transport = ScriptedTransport([])
    try await testClient(transport).request("/x", headers: ["user-agent": "mine", "DNAnexus-API": "9"])
    let request = try #require(transport.requests.first)
    #expect(request.headers.values(for: "User-Agent").count == 1)
    #expect(request.headers["User-Agent"]?.hasPrefix("DXKit/") == true)
    #expect(request.headers["DNAnexus-API"] == "1.0.0")
  }

  @Test("auth modes: none, given context, custom closure called once, no context configured")
  func authModes() async throws {
    let transport = ScriptedTransport([.respond(.platformError("InternalError", status: 500))])
    let calls = DXLock(0)
    let client = testClient(transport)
    try await client.request(
      "/a",
      auth: .custom { method, url, headers in
        calls.withLock { $0 += 1 }
        #expect(method == "POST")
        #expect(url == "http://127.0.0.1:9/a")
        headers.replaceOrAdd(name: "Authorization", value: "Custom xyz")
      })
    #expect(calls.withLock { $0 } == 1)
    #expect(transport.requests.count == 2)
    #expect(transport.requests.allSatisfy { $0.headers["Authorization"] == "Custom xyz" })
    try await client.request("/b", auth: .none)
    #expect(transport.requests[2].headers["Authorization"] == nil)
    try await client.request("/c", auth: .context(DXSecurityContext(tokenType: "bearer", token: "other")))
    #expect(transport.requests[3].headers["Authorization"] == "bearer other")
    try await testClient(transport, platform: testPlatform(token: nil)).request("/d")
    #expect(transport.requests[4].headers["Authorization"] == nil)
  }

  @Test("an unsupported token type fails before anything is sent, and is not retried")
  func unsupportedToken() async throws {
    let transport = ScriptedTransport([])
    var platform = testPlatform()
    platform.setSecurityContext(DXSecurityContext(tokenType: "Basic", token: "x"))
    await #expect(throws: DXError.unsupportedTokenType) {
      try await testClient(transport, platform: platform).request("/x")
    }
    #expect(transport.requests.isEmpty)
  }

  @Test("prependServer: false takes a full URL; a per-attempt resource is called before every attempt")
  func resources() async throws {
    let plain = ScriptedTransport([])
    try await testClient(plain).request("http://elsewhere.example/full", prependServer: false)
    #expect(plain.requests[0].url == "http://elsewhere.example/full")
    let transport = ScriptedTransport([
      .respond(.platformError("ServiceUnavailable", status: 503)), .fail(.connectionReset("rst")),
    ])
    let client = testClient(transport)
    let counter = DXLock(0)
    try await client.request(
      .perAttempt {
        let attempt = counter.withLock { value -> Int in
          value += 1
          return value
        }
        return (
          "http://upload.example/part?sig=\(attempt)", ["X-Signed": "\(attempt)", "X-Both": "callback"]
        )
      }, data: .bytes(Array("part".utf8)), method: "PUT", headers: ["X-Both": "caller"], auth: .none,
      jsonifyData: false, prependServer: false, alwaysRetry: true)
    #expect(counter.withLock { $0 } == 3)
    #expect(transport.requests[0].url == "http://upload.example/part?sig=1")
    #expect(transport.requests[1].url == "http://upload.example/part?sig=2")
    #expect(transport.requests[2].headers["X-Signed"] == "3")
    #expect(transport.requests[2].headers["X-Both"] == "caller")
    #expect(transport.requests[2].body == Data("part".utf8))
  }

  @Test(
    "every attempt of a route sends the same fields in the same order; a per-attempt resource's are merged anew"
  )
  func headersOnEveryAttempt() async throws {
    let transport = ScriptedTransport([
      .respond(.platformError("InternalError", status: 500)), .fail(.connectionReset("rst")),
    ])
    try await testClient(transport).request(
      "/x", headers: ["X-A": "1", "host": "evil", "User-Agent": "mine", "content-length": "9", "X-B": "2"],
      alwaysRetry: true)
    #expect(transport.requests.count == 3)
    let expected = ["X-A", "User-Agent", "X-B", "Content-Type", "Authorization", "DNAnexus-API"]
    for request in transport.requests {
      #expect(request.headers.fields.map(\.name) == expected)
      #expect(request.headers["User-Agent"]?.hasPrefix("DXKit/") == true)
      #expect(request.headers.fields == transport.requests[0].headers.fields)
    }

    let perAttempt = ScriptedTransport([.respond(.platformError("InternalError", status: 500))])
    let attempts = DXLock(0)
    try await testClient(perAttempt).request(
      .perAttempt {
        let attempt = attempts.withLock { value -> Int in
          value += 1
          return value
        }
        return ("http://upload.example/p", ["X-Signed": "\(attempt)", "Host": "h", "DNAnexus-API": "0"])
      }, data: .bytes([]), method: "PUT", headers: ["X-Caller": "c"], auth: .none, jsonifyData: false,
      prependServer: false, alwaysRetry: true)
    #expect(perAttempt.requests.map { $0.headers["X-Signed"] } == ["1", "2"])
    for request in perAttempt.requests {
      #expect(request.headers.fields.map(\.name) == ["X-Signed", "DNAnexus-API", "X-Caller", "User-Agent"])
      #expect(request.headers["DNAnexus-API"] == "1.0.0")
    }
  }

  @Test("a per-attempt resource that throws a platform error is retried only when retryable")
  func resourceCallbackFailure() async throws {
    let transport = ScriptedTransport([])
    let calls = DXLock(0)
    let resource = DXResource.perAttempt {
      let call = calls.withLock { value -> Int in
        value += 1
        return value
      }
      if call == 1 { throw DXAPIError(type: .serviceUnavailable, message: "upload URL", status: 503) }
      return ("http://upload.example/part", [:])
    }
    let clock = DXTestClock(start: testClockStart)
    try await testClient(transport, clock: clock).request(
      resource, data: .bytes([]), method: "PUT", auth: .none, jsonifyData: false, prependServer: false,
      alwaysRetry: true)
    #expect(calls.withLock { $0 } == 2)
    #expect(transport.requests.count == 1)
    #expect(clock.sleeps == [.seconds(1)])
    calls.withLock { $0 = 0 }
    await #expect(throws: DXAPIError.self) {
      try await testClient(transport).request(
        resource, data: .bytes([]), method: "PUT", auth: .none, jsonifyData: false, prependServer: false)
    }
  }

  @Test("a stream body is rewound to its starting offset before each retry")
  func streamRewind() async throws {
    let transport = ScriptedTransport([.fail(.connectionRefused()), .fail(.noResponse())])
    let stream = DXDataBodyStream(Data("0123456789".utf8), offset: 3)
    try await testClient(transport).request(
      "/upload", data: .stream(stream), method: "PUT", jsonifyData: false)
    #expect(transport.requests.count == 3)
    #expect(transport.requests.allSatisfy { $0.body == Data("3456789".utf8) })
  }

  @Test("a file stream is re-read on each retry")
  func fileStream() async throws {
    try await withTemporaryDirectoryAsync { root in
      let path = root + "/body.bin"
      try write("file body", to: path)
      let transport = ScriptedTransport([.respond(.platformError("InternalError", status: 500))])
      try await testClient(transport).request(
        "/upload", data: .stream(try DXFileBodyStream(path: path)), jsonifyData: false)
      #expect(transport.requests.map(\.body) == [Data("file body".utf8), Data("file body".utf8)])
    }
  }

  @Test("data and jsonifyData must agree")
  func dataMismatch() async {
    let client = testClient(ScriptedTransport([]))
    await #expect(throws: DXError.self) {
      try await client.request("/x", data: .bytes([1]), jsonifyData: true)
    }
    await #expect(throws: DXError.self) {
      try await client.request("/x", data: .json([:]), jsonifyData: false)
    }
  }

  @Test("non-ASCII headers are rejected, not sent")
  func nonASCIIHeader() async {
    let transport = ScriptedTransport([])
    await #expect(throws: DXError.self) {
      try await testClient(transport).request("/x", headers: ["X-Name": "é"])
    }
    #expect(transport.requests.isEmpty)
  }

  @Test("decoding follows the reply's Content-Type, never the route")
  func decoding() async throws {
    let client = testClient(
      ScriptedTransport([
        .respond(.text("{bad", status: 200)),
        .respond(.text(#"{"a": 1}"#, status: 200, contentType: "application/json; charset=utf-8")),
        .respond(.text(#"{"a": 1}"#, status: 200, contentType: "Application/JSON")),
        .respond(.json(["a": 1])),
        .respond(.json(["a": 1])),
      ]))
    #expect(try await client.request("/x") == .text("{bad"))
    #expect(try await client.request("/x") == .json(["a": 1]))
    #expect(try await client.request("/x") == .text(#"{"a": 1}"#))
    #expect(try await client.request("/x", decodeResponseBody: false) == .bytes(Data(#"{"a":1}"#.utf8)))
    guard case .full(let response) = try await client.request("/x", wantFullResponse: true) else {
      Issue.record("expected the full response")
      return
    }
    #expect(response.status == 200)
    #expect(response.headers["Content-Type"] == "application/json")
  }
}

/// The async form of ``withTemporaryDirectory(_:)``.
func withTemporaryDirectoryAsync<T>(_ body: (String) async throws -> T) async throws -> T {
  let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("dxcore-\(UUID().uuidString)")
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: path) }
  return try await body(path)
}
