import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Server — bodies, encodings, redirects, pacing and receive faults (raw sockets)")
struct ServerNewFaultWireTests {
  private static let whoamiBody = #"{"id":"user-alice"}"#

  @Test func statusWithRawHTMLBodyAndHeadersIsExact() async throws {
    try await withServer { server in
      try server.addFault(
        spec:
          #"POST /system/whoami status=502 body="<html><body>Bad Gateway</body></html>" contentType=text/html replyHeader.Via=proxy-1"#
      )
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 502)
      #expect(response.bodyText == "<html><body>Bad Gateway</body></html>")
      #expect(response.contentLength == response.body.count)
      #expect(response.header("Content-Type") == "text/html")
      #expect(response.header("Via") == "proxy-1")
      let entry = try #require(server.journal().last)
      #expect(entry.status == 502)
      #expect(entry.fault?.hasPrefix("status=502") == true)
    }
  }

  @Test func s3XMLErrorForAnUploadPart() async throws {
    try await withServer { server in
      try server.addFault(spec: "PUT /F/upload/* status=400 s3Error=RequestTimeout times=1")
      let response = try await server.rawExchange(
        method: "PUT", path: "/F/upload/file-x/1/k", token: nil, body: "abc")
      #expect(response.status == 400)
      #expect(response.header("Content-Type") == "application/xml")
      #expect(
        response.bodyText
          == DXFault.Reply.s3Document(code: "RequestTimeout", message: nil))
      #expect(response.bodyText.contains("<Code>RequestTimeout</Code>"))
    }
  }

  @Test func jsonBodyOfYourChoiceAndRetryAfter() async throws {
    try await withServer { server in
      try server.addFault(spec: #"POST /system/whoami status=429 retryAfter=3 json='{"weird":[1,2]}'"#)
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 429)
      #expect(response.bodyText == #"{"weird":[1,2]}"#)
      #expect(response.header("Retry-After") == "3")
      #expect(response.header("Content-Type") == "application/json")
      #expect(server.journal().last.map { $0.status } == 429)
    }
  }

  @Test(arguments: [DXFault.ContentEncoding.gzip, .deflate])
  func encodedBodiesAreExactAndDecodable(_ encoding: DXFault.ContentEncoding) async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami encoding=\(encoding.rawValue)")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 200)
      #expect(response.header("Content-Encoding") == encoding.rawValue)
      #expect(response.contentLength == response.body.count)
      let body = Data(Self.whoamiBody.utf8)
      #expect(response.body == [UInt8](FaultBodyEncoder.encode(body, as: encoding, corrupt: false)))
      #expect(Self.inflateStored(response.body, encoding) == [UInt8](body))
    }
  }

  @Test func corruptEncodingDoesNotDecode() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami encoding=gzip corrupt=true")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.header("Content-Encoding") == "gzip")
      #expect(response.contentLength == response.body.count)
      #expect(Self.inflateStored(response.body, .gzip) == nil)
    }
  }

  @Test(arguments: [301, 302, 307, 308])
  func redirectsCarryLocationAndNoBody(status: Int) async throws {
    try await withServer { server in
      try server.addFault(spec: "GET /F/download/* redirect=\(status) location=http://127.0.0.1:1/elsewhere")
      let response = try await server.rawExchange(
        method: "GET", path: "/F/download/file-1/k/a", token: nil, body: "")
      #expect(response.status == status)
      #expect(response.header("Location") == "http://127.0.0.1:1/elsewhere")
      #expect(response.contentLength == 0)
      #expect(response.body.isEmpty)
    }
  }

  @Test func trickleAndStallDeliverTheWholeBodyExactly() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami trickle=200 times=1")
      let trickled = try await server.rawExchange(path: "/system/whoami")
      #expect(trickled.status == 200)
      #expect(trickled.bodyText == Self.whoamiBody)
      #expect(trickled.contentLength == trickled.body.count)
      try server.addFault(spec: "POST /system/whoami stall afterBytes=5 ms=150 times=1")
      let stalled = try await server.rawExchange(path: "/system/whoami")
      #expect(stalled.bodyText == Self.whoamiBody)
      let entries = server.journal()
      #expect(entries.suffix(2).map(\.outcome) == ["paced", "paced"])
      #expect(entries.last?.fault == "stall afterBytes=5 ms=150")
    }
  }

  @Test func stallSendsThePrefixThenWaits() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami stall afterBytes=4 ms=3000")
      let port = server.port
      // Read for a short while: the head and the first 4 body bytes arrive, then nothing.
      let (bytes, ending) = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port, timeout: 1)
        try client.sendRequest(
          path: "/system/whoami", headers: [("Authorization", "Bearer \(serverToken)")],
          body: Array("{}".utf8))
        return client.readAll()
      }
      #expect(ending == .timeout)
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(text.hasSuffix("\r\n\r\n" + String(Self.whoamiBody.prefix(4))), "\(text)")
    }
  }

  @Test func resetAfterReceivedResetsMidUpload() async throws {
    try await withServer { server in
      try server.addFault(spec: "PUT /F/upload/* resetAfterReceived=1000")
      let port = server.port
      let body = [UInt8](repeating: 0x61, count: 200_000)
      let ending = try await onDedicatedThread { () -> RawHTTPClient.Ending in
        let client = try RawHTTPClient(port: port, timeout: 10)
        do {
          try client.sendRequest(method: "PUT", path: "/F/upload/file-1/1/k", body: body)
        } catch {
          return .reset  // the reset reached us while still sending
        }
        return client.readAll().ending
      }
      #expect(ending == .reset)
      let entry = try #require(server.journal().last)
      #expect(entry.outcome == "reset")
      #expect(entry.fault == "resetAfterReceived=1000")
      #expect(entry.bodySize >= 1000 && entry.bodySize < body.count)
    }
  }

  @Test func bandwidthLimitsAnUploadButDeliversIt() async throws {
    try await withServer { server in
      try server.addFault(spec: "PUT /F/upload/* bandwidth=400000")
      let response = try await server.rawExchange(
        method: "PUT", path: "/F/upload/file-nope/1/k", token: nil,
        body: String(repeating: "b", count: 100_000))
      // The upload URL is unknown, so the platform refuses it, after receiving everything.
      #expect(response.status >= 400)
      #expect(response.contentLength == response.body.count)
      let entry = try #require(server.journal().last)
      #expect(entry.bodySize == 100_000)
      #expect(entry.outcome == "paced")
      #expect(entry.fault == "bandwidth=400000")
    }
  }

  @Test func latencyDrawsAreSeededAndWithinTheDistribution() throws {
    func draws(_ latency: DXFault.Latency, seed: UInt64) -> [Int] {
      var generator = SplitMix64(seed: seed)
      return (0..<200).map { _ in latency.sample(&generator) }
    }
    #expect(draws(.fixed(ms: 7), seed: 1).allSatisfy { $0 == 7 })
    let uniform = draws(.uniform(min: 10, max: 20), seed: 2)
    #expect(uniform.allSatisfy { (10...20).contains($0) })
    #expect(Set(uniform).count > 5)
    #expect(uniform == draws(.uniform(min: 10, max: 20), seed: 2))
    let pareto = draws(.pareto(scale: 5, shape: 1.5), seed: 3)
    #expect(pareto.allSatisfy { $0 >= 5 })
    let normal = draws(.normal(mean: 100, stddev: 10), seed: 4)
    let mean = Double(normal.reduce(0, +)) / Double(normal.count)
    #expect(abs(mean - 100) < 5)
    let rule = try DXFaultRule(spec: "* latency=normal mean=30 stddev=5")
    #expect(rule.fault == .latency(.normal(mean: 30, stddev: 5)))
    #expect(try DXFaultRule(spec: rule.spec) == rule)
  }

  @Test func latencyDelaysTheRequestAndIsJournaled() async throws {
    try await withServer { server in
      try server.addFault(spec: "POST /system/whoami latency=uniform min=20 max=40")
      let response = try await server.rawExchange(path: "/system/whoami")
      #expect(response.status == 200)
      let entry = try #require(server.journal().last)
      #expect((20...40).contains(entry.delayMs))
    }
  }

  @Test func everyChaosProfileParses() throws {
    for profile in DXChaosProfile.all {
      let rules = try profile.rules()
      #expect(!rules.isEmpty)
      #expect(rules.allSatisfy { $0.probability < 1 })
    }
    #expect(DXChaosProfile.named("flaky-network") != nil)
    #expect(DXChaosProfile.named("nope") == nil)
  }

  /// Decodes a gzip or zlib body made of stored deflate blocks (what the fault sends); `nil` when it
  /// is not well formed or its checksum is wrong.
  static func inflateStored(_ bytes: [UInt8], _ encoding: DXFault.ContentEncoding) -> [UInt8]? {
    var offset = encoding == .gzip ? 10 : 2
    if encoding == .gzip {
      guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else { return nil }
    } else {
      guard bytes.count >= 6, (Int(bytes[0]) * 256 + Int(bytes[1])) % 31 == 0 else { return nil }
    }
    var out: [UInt8] = []
    while true {
      guard offset + 5 <= bytes.count else { return nil }
      let header = bytes[offset]
      let length = Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8
      let complement = Int(bytes[offset + 3]) | Int(bytes[offset + 4]) << 8
      guard header & 0x06 == 0, length ^ 0xFFFF == complement, offset + 5 + length <= bytes.count else {
        return nil
      }
      out += bytes[(offset + 5)..<(offset + 5 + length)]
      offset += 5 + length
      if header & 1 == 1 { break }
    }
    if encoding == .gzip {
      guard offset + 8 == bytes.count else { return nil }
      let crc =
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
        | UInt32(bytes[offset + 3]) << 24
      guard crc == FaultBodyEncoder.crc32(Data(out)) else { return nil }
    } else {
      guard offset + 4 == bytes.count else { return nil }
      let adler =
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
        | UInt32(bytes[offset + 3])
      guard adler == FaultBodyEncoder.adler32(Data(out)) else { return nil }
    }
    return out
  }
}
