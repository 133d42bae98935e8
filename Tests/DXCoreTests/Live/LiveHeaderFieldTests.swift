import DXWire
import Foundation
import Testing

@testable import DXCore

@Suite("Live — the request's header fields: checks and what goes on the wire", .timeLimit(.minutes(2)))
struct LiveHeaderFieldTests {
  static let reply = Array(
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".utf8)

  @Test("a name is a token exactly when every byte is a tchar, for every byte in every position")
  func tokenBytes() {
    var tokens = 0
    for byte in UInt8(0)..<0x80 {
      let expected = DXLiveTransport.definesToken(byte)
      #expect(DXLiveTransport.isTokenByte(byte) == expected, "byte \(byte)")
      let scalar = String(UnicodeScalar(byte))
      for name in [scalar, "X-" + scalar, scalar + "-Y", "X-Long-Header-Name-" + scalar + "-tail"] {
        let problem = DXLiveTransport.headerProblem([name: "1"])
        #expect((problem == nil) == expected, "name \(name.debugDescription)")
        if !expected { #expect(problem?.contains("not an HTTP token") == true) }
      }
      if expected { tokens += 1 }
    }
    // RFC 9110: 10 digits, 52 letters and 15 marks.
    #expect(tokens == 77)
    for byte in UInt8(0x80)...0xFF { #expect(!DXLiveTransport.isTokenByte(byte)) }
    #expect(DXLiveTransport.headerProblem(["": "1"]) != nil)
    #expect(DXLiveTransport.headerProblem(["Caf\u{E9}": "1"]) != nil)
  }

  @Test("a value is refused for each control character but the tab, line breaks and NUL named as such")
  func valueControls() {
    for byte in UInt8(0)..<0x80 {
      let scalar = String(UnicodeScalar(byte))
      for value in [scalar, "a" + scalar, "a fairly long value, " + scalar + " and more after it"] {
        let problem = DXLiveTransport.headerProblem(["X-Note": value])
        switch byte {
        case 0x00, 0x0A, 0x0D:
          #expect(problem?.contains("a line break or NUL") == true, "byte \(byte)")
        case 0x09, 0x20..<0x7F:
          #expect(problem == nil, "byte \(byte)")
        default:
          #expect(problem?.contains("a control character") == true, "byte \(byte)")
        }
      }
    }
    #expect(DXLiveTransport.headerProblem(["X-Note": "caf\u{E9} \u{1F600}"]) == nil)
    #expect(DXLiveTransport.headerProblem(["A": "1", "B": "2\n", "C d": "3"])?.contains("'B'") == true)
  }

  @Test("the caller's fields go out in order, then Host and Content-Length; Accept-Encoding once")
  func fieldsOnTheWire() async throws {
    try await withRawServer([.write(Self.reply), .write(Self.reply)]) { server in
      try await DXLiveTransport.withTransport { transport in
        var request = DXTransportRequest(
          method: "POST", url: server.baseURL + "/x", headers: ["X-First": "1", "content-type": "a/b"],
          body: Data("{}".utf8), timeout: .seconds(30))
        request.headers.add(name: "HOST", value: "ignored.example")
        request.headers.add(name: "X-Last", value: "2")
        _ = try await transport.send(request)
        request.headers.add(name: "accept-ENCODING", value: "gzip")
        _ = try await transport.send(request)
      }
      let heads = server.receivedHeads.map { $0.split(separator: "\r\n").dropFirst().map(String.init) }
      #expect(heads.count == 2)
      #expect(
        heads.first == [
          "X-First: 1", "content-type: a/b", "X-Last: 2", "Accept-Encoding: identity",
          "Host: 127.0.0.1:\(server.port)", "Content-Length: 2",
        ])
      #expect(
        heads.last == [
          "X-First: 1", "content-type: a/b", "X-Last: 2", "accept-ENCODING: gzip",
          "Host: 127.0.0.1:\(server.port)", "Content-Length: 2",
        ])
    }
  }
}
