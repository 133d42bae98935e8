import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("WebSocket framing and the job log stream (dx watch)")
struct WebSocketTests {
  // MARK: - Frames

  @Test func acceptKeyAndServerFrames() {
    // RFC 6455 §1.3.
    #expect(WebSocketFrame.acceptKey(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    #expect(WebSocketFrame.encode(.text, Array("Hi".utf8)) == [0x81, 0x02, 0x48, 0x69])
    let medium = WebSocketFrame.encode(.text, [UInt8](repeating: 1, count: 300))
    #expect(Array(medium.prefix(4)) == [0x81, 126, 0x01, 0x2C])
    let large = WebSocketFrame.encode(.binary, [UInt8](repeating: 1, count: 70_000))
    #expect(Array(large.prefix(10)) == [0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70])
    #expect(
      WebSocketFrame.encode(.close, WebSocketFrame.closePayload(code: 1000, reason: "")) == [
        0x88, 0x02, 0x03, 0xE8,
      ])
    let long = WebSocketFrame.closePayload(code: 1008, reason: String(repeating: "é", count: 100))
    #expect(long.count <= 125)
    #expect(String(validating: long.dropFirst(2), as: UTF8.self) != nil)
  }

  @Test func clientFramesAreUnmaskedAndChecked() {
    // RFC 6455 §5.7: a masked "Hello".
    let hello: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    #expect(
      WebSocketFrame.decodeClientFrame(hello[...])
        == .frame(.init(fin: true, opcode: 1, payload: Array("Hello".utf8)), consumed: 11))
    #expect(WebSocketFrame.decodeClientFrame(hello.prefix(6)) == .needMore)
    #expect(WebSocketFrame.decodeClientFrame([0x81][...]) == .needMore)
    guard case .invalid = WebSocketFrame.decodeClientFrame([0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F][...])
    else {
      Issue.record("an unmasked client frame must be refused")
      return
    }
    guard case .invalid = WebSocketFrame.decodeClientFrame([0xC1, 0x80, 0, 0, 0, 0][...]) else {
      Issue.record("reserved bits must be refused")
      return
    }
    guard case .invalid = WebSocketFrame.decodeClientFrame([0x09, 0x80, 0, 0, 0, 0][...]) else {
      Issue.record("a fragmented ping must be refused")
      return
    }
    let masked = Self.clientFrame(opcode: 1, Array(repeating: 0x61, count: 200))
    guard case .frame(let frame, let consumed) = WebSocketFrame.decodeClientFrame(masked[...]) else {
      Issue.record("a 200-byte frame decodes")
      return
    }
    #expect(frame.payload == Array(repeating: 0x61, count: 200) && consumed == masked.count)
  }

  @Test func handshakeIsChecked() throws {
    let good: DXHTTPHeaders = [
      "Upgrade": "websocket", "Connection": "keep-alive, Upgrade", "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    ]
    let headers = try WebSocketHandshake.responseHeaders(method: "GET", headers: good)
    #expect(headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    var cases: [(String, DXHTTPHeaders)] = [("POST", good)]
    for (name, value) in [
      ("Upgrade", "h2c"), ("Connection", "close"), ("Sec-WebSocket-Version", "8"),
      ("Sec-WebSocket-Key", "short"),
    ] {
      var broken = good
      broken[name] = value
      cases.append(("GET", broken))
    }
    for (method, headers) in cases {
      #expect(throws: DXPlatformError.self) {
        try WebSocketHandshake.responseHeaders(method: method, headers: headers)
      }
    }
  }

  // MARK: - The log stream under the test clock

  /// A channel that replays scripted client events and records what the server sends; every wait lets
  /// time pass on the test clock.
  final class ScriptedChannel: WebSocketChannel, @unchecked Sendable {
    var incoming: [WebSocketEvent]
    var sent: [String] = []
    var closed: (code: UInt16, reason: String)?
    var waits = 0
    let onWait: () -> Void

    init(_ incoming: [WebSocketEvent], onWait: @escaping () -> Void) {
      self.incoming = incoming
      self.onWait = onWait
    }

    func receive(timeoutMs: Int) -> WebSocketEvent {
      if !incoming.isEmpty { return incoming.removeFirst() }
      waits += 1
      guard waits < 1000 else { return .closed }
      onWait()
      return .timeout
    }

    func send(text: String) -> Bool {
      guard closed == nil else { return false }
      sent.append(text)
      return true
    }

    func close(code: UInt16, reason: String) {
      if closed == nil { closed = (code, reason) }
    }

    var messages: [DXJSON] { sent.compactMap { try? DXJSON(parsing: Data($0.utf8)) } }
  }

  @Test func streamsTheLogUntilTheJobEnds() throws {
    let rule = try DXExecutionRule(json: [
      "log": ["one", ["level": "STDERR", "msg": "two"]], "durationMs": 1000,
    ])
    let h = try PlatformHarness(executionRules: [rule])
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    let hello = #"{"access_token": "token-alice", "token_type": "Bearer", "tail": true}"#
    let channel = ScriptedChannel([.text(hello)]) { h.wait(100) }
    JobLogStream(platform: h.platform, path: "/\(job)/getLog/websocket").run(on: channel)
    let messages = channel.messages
    #expect(messages.map { $0["msg"] } == ["one", "two", "END_LOG"])
    #expect(messages.map { $0["level"] } == ["STDOUT", "STDERR", "INFO"])
    #expect(messages.map { $0["line"] } == [1, 2, 3])
    #expect(messages.allSatisfy { $0["job"] == .string(job) })
    #expect(messages.last?["source"] == "SYSTEM")
    #expect(channel.closed?.code == 1000)
    #expect(try h.state(job) == "done")
    // Several polls happened while the job ran (it ends at 1000 ms, each wait is 100 ms).
    #expect(channel.waits >= 5)
    // levels filter; tail false ends at once with what is there.
    let second = try h.run(applet, project: project)
    h.wait(600)
    let filtered = ScriptedChannel([
      .text(#"{"access_token": "token-alice", "levels": ["STDERR"], "tail": false}"#)
    ]) {}
    JobLogStream(platform: h.platform, path: "/\(second)/getLog/websocket").run(on: filtered)
    #expect(filtered.messages.map { $0["msg"] } == ["two", "END_LOG"])
    #expect(try h.state(second) == "running")
  }

  @Test func refusesBadTokensAndJobs() throws {
    let h = try PlatformHarness()
    let project = try h.newProject()
    let applet = try h.newApplet(project)
    let job = try h.run(applet, project: project)
    func close(_ hello: WebSocketEvent, path: String = "/\(job)/getLog/websocket") -> (UInt16, DXJSON?)? {
      let channel = ScriptedChannel([hello]) {}
      JobLogStream(platform: h.platform, path: path).run(on: channel)
      guard let closed = channel.closed else { return nil }
      return (closed.code, try? DXJSON(parsing: Data(closed.reason.utf8)))
    }
    let cases: [(WebSocketEvent, String, String)] = [
      (.text(#"{"token_type": "Bearer"}"#), "InvalidAuthentication", "/\(job)/getLog/websocket"),
      (.text(#"{"access_token": "wrong"}"#), "InvalidAuthentication", "/\(job)/getLog/websocket"),
      (
        .text(#"{"access_token": "token-alice", "token_type": "Basic"}"#), "InvalidAuthentication",
        "/\(job)/getLog/websocket"
      ),
      (.text("not json"), "InvalidInput", "/\(job)/getLog/websocket"),
      (.text(#"{"access_token": "token-bob"}"#), "PermissionDenied", "/\(job)/getLog/websocket"),
      (
        .text(#"{"access_token": "token-alice"}"#), "ResourceNotFound",
        "/job-000000000000000000000000/getLog/websocket"
      ),
      (.closed, "InvalidInput", "/\(job)/getLog/websocket"),
    ]
    for (hello, type, path) in cases {
      let result = close(hello, path: path)
      #expect(result?.0 == 1008, "\(hello)")
      #expect(result?.1?["type"] == .string(type), "\(hello)")
    }
    #expect(JobLogStream.isLogPath("/\(job)/getLog/websocket"))
    #expect(!JobLogStream.isLogPath("/\(job)/getLog"))
    #expect(!JobLogStream.isLogPath("/record-x/getLog/websocket"))
    // The pipeline's byte-level pre-check holds for every log path and spares the rest.
    for path in [
      "/\(job)/getLog/websocket", "/job-\u{301}x/getLog/websocket", "/\(job)/getLog",
      "/record-x/getLog/websocket",
      "/system/whoami", "/getLog/websocket", "", "/job-x/getLog/websocket/", "/job-x/getlog/websocket",
    ] where JobLogStream.isLogPath(path) {
      #expect(RequestPipeline.mayBeLogPath(path), "\(path)")
    }
    #expect(RequestPipeline.mayBeLogPath("/\(job)/getLog/websocket"))
    #expect(!RequestPipeline.mayBeLogPath("/system/whoami"))
    #expect(!RequestPipeline.mayBeLogPath("/job-x/getLog/websocke"))
    #expect(!RequestPipeline.mayBeLogPath(""))
  }

  // MARK: - On the wire

  /// A masked client frame.
  static func clientFrame(opcode: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
    var bytes: [UInt8] = [0x80 | opcode]
    if payload.count < 126 {
      bytes.append(0x80 | UInt8(payload.count))
    } else {
      bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    }
    bytes += mask
    for (index, byte) in payload.enumerated() { bytes.append(byte ^ mask[index & 3]) }
    return bytes
  }

  /// The server frames in `bytes` (opcode, payload), in order.
  static func serverFrames(_ bytes: ArraySlice<UInt8>) -> [(UInt8, [UInt8])] {
    var frames: [(UInt8, [UInt8])] = []
    var index = bytes.startIndex
    while index + 2 <= bytes.endIndex {
      let opcode = bytes[index] & 0x0F
      #expect(bytes[index + 1] & 0x80 == 0, "server frames are not masked")
      var length = Int(bytes[index + 1] & 0x7F)
      var start = index + 2
      if length == 126 {
        length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        start = index + 4
      }
      guard start + length <= bytes.endIndex else { break }
      frames.append((opcode, Array(bytes[start..<start + length])))
      index = start + length
    }
    return frames
  }

  @Test func dxWatchOverTheServerAtTheByteLevel() async throws {
    let rule = try DXExecutionRule(json: [
      "match": ["name": "held"], "outcome": "running", "log": ["first line"],
    ])
    try await withServer({ configuration in
      configuration.jobDuration = 0
      configuration.executionRules = [rule]
    }) { server in
      func call(_ path: String, _ body: DXJSON) async throws -> DXJSON {
        let response = try await server.rawExchange(path: path, body: body.serializedString(sortedKeys: true))
        return try DXJSON(parsing: Data(response.body))
      }
      let project = try await call("/project/new", ["name": "watch"])["id"]?.stringValue ?? ""
      let applet =
        try await call(
          "/applet/new",
          [
            "project": .string(project), "name": "held", "dxapi": "1.0.0",
            "runSpec": ["interpreter": "bash", "code": "x"],
          ])[
          "id"]?.stringValue ?? ""
      let job =
        try await call("/\(applet)/run", ["project": .string(project), "input": [:]])["id"]?.stringValue ?? ""
      let port = server.port
      let key = "dGhlIHNhbXBsZSBub25jZQ=="
      let handshake =
        "GET /\(job)/getLog/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(key)\r\n\r\n"
      let hello = Array(#"{"access_token": "\#(serverToken)", "token_type": "Bearer", "tail": true}"#.utf8)
      let (bytes, ending, movedStatus) = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port, timeout: 30)
        // A ping before the first message is answered with a pong; then the job's line is sent while
        // it is held running, and the end when it is moved to done.
        try client.send(
          Array(handshake.utf8) + Self.clientFrame(opcode: 9, Array("hb".utf8))
            + Self.clientFrame(opcode: 1, hello))
        let moved = try RawHTTPClient.exchange(
          port: port, method: "POST", path: "/__admin/jobs/\(job)/state", token: nil, headers: [],
          body: #"{"state": "done"}"#, timeout: 30)
        let (bytes, ending) = client.readAll()
        return (bytes, ending, moved.status)
      }
      #expect(movedStatus == 200)
      #expect(ending == .eof)
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(text.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
      #expect(text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
      guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else {
        Issue.record("no end of head")
        return
      }
      let frames = Self.serverFrames(bytes[headEnd...])
      let texts = frames.filter { $0.0 == 1 }.compactMap { try? DXJSON(parsing: Data($0.1)) }
      #expect(texts.map { $0["msg"] } == ["first line", "END_LOG"])
      #expect(frames.contains { $0.0 == 0xA && $0.1 == Array("hb".utf8) })
      #expect(frames.last.map { $0.0 } == 8)
      #expect(frames.last.map { Array($0.1.prefix(2)) } == [0x03, 0xE8])
    }
  }

  @Test func badHandshakesAndTokensOnTheWire() async throws {
    try await withServer { server in
      let port = server.port
      // No key: a clear 400 with the platform's error body.
      let missing = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port, timeout: 30)
        try client.send(
          Array(
            "GET /job-000000000000000000000000/getLog/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\n\r\n"
              .utf8))
        return try client.readResponse()
      }
      #expect(missing.status == 400)
      #expect(missing.errorType == "InvalidInput")
      #expect(missing.bodyText.contains("Sec-WebSocket-Key"))
      // A wrong token: a close frame 1008 whose reason is the platform's error.
      let (bytes, _) = try await onDedicatedThread {
        let client = try RawHTTPClient(port: port, timeout: 30)
        let handshake =
          "GET /job-000000000000000000000000/getLog/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        try client.send(
          Array(handshake.utf8) + Self.clientFrame(opcode: 1, Array(#"{"access_token": "nope"}"#.utf8)))
        return client.readAll()
      }
      guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else {
        Issue.record("no 101 head")
        return
      }
      let close = Self.serverFrames(bytes[headEnd...]).last
      #expect(close?.0 == 8)
      #expect(close.map { Array($0.1.prefix(2)) } == [0x03, 0xF0])
      let reason = close.flatMap { try? DXJSON(parsing: Data($0.1.dropFirst(2))) }
      #expect(reason?["type"] == "InvalidAuthentication")
    }
  }
}
