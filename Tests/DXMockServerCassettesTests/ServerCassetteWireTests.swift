import DXCore
import Foundation
import Testing

@testable import DXMockServer
@testable import DXMockServerCassettes

/// Pure tests of the server-side cassette plumbing: pass-through URLs and recorded outcomes → wire plans.
@Suite("Server cassette wire plumbing")
struct ServerCassetteWireTests {
  @Test("a transfer URL wraps to /__proxy/ and unwraps to the original, percent-decoded path or not")
  func proxyURL() throws {
    let original = "http://127.0.0.1:4567/F/download/file-abc/0123abcd/my%20file.txt?x=1"
    let wrapped = try #require(CassetteProxyURL.wrap(original, base: "http://127.0.0.1:9000"))
    #expect(
      wrapped
        == "http://127.0.0.1:9000/__proxy/http/127.0.0.1:4567/F/download/file-abc/0123abcd/my%20file.txt?x=1")
    // As the client sends it: the path raw, or decoded by libmicrohttpd; the query parsed.
    for path in [
      "/__proxy/http/127.0.0.1:4567/F/download/file-abc/0123abcd/my%20file.txt",
      "/__proxy/http/127.0.0.1:4567/F/download/file-abc/0123abcd/my file.txt",
    ] {
      #expect(CassetteProxyURL.unwrap(path: path, query: [("x", "1")]) == original)
    }
    #expect(CassetteProxyURL.unwrap(path: "/system/whoami", query: []) == nil)
    #expect(CassetteProxyURL.unwrap(path: "/__proxy/ftp/host/x", query: []) == nil)
    #expect(CassetteProxyURL.unwrap(path: "/__proxy/http/", query: []) == nil)
    #expect(CassetteProxyURL.wrap("not a url", base: "http://a") == nil)
    #expect(CassetteProxyURL.encodePath("/a/100% done") == "/a/100%25%20done")
  }

  @Test("only upload and download answers get their url rewritten")
  func rewrite() throws {
    let body = Data(#"{"url":"http://10.0.0.1:80/F/upload/file-x/1/k","expires":5,"headers":{}}"#.utf8)
    let rewritten = CassetteProxyURL.rewriteTransferBody(body, path: "/file-xyz/upload", base: "http://me:1")
    let json = try DXJSON(parsing: rewritten)
    #expect(json["url"]?.stringValue == "http://me:1/__proxy/http/10.0.0.1:80/F/upload/file-x/1/k")
    #expect(json["expires"] == 5)
    #expect(
      CassetteProxyURL.rewriteTransferBody(body, path: "/file-xyz/describe", base: "http://me:1") == body)
    #expect(
      CassetteProxyURL.rewriteTransferBody(Data("nope".utf8), path: "/file-x/download", base: "b")
        == Data("nope".utf8))
  }

  @Test("a received request maps to the upstream URL, or to the original URL of a pass-through")
  func transportRequest() {
    let request = DXMockRequest(
      method: "POST", path: "/system/whoami", query: [("a", "b c")],
      headers: ["Host": "127.0.0.1:9", "Authorization": "Bearer t", "Content-Length": "2"],
      body: Data("{}".utf8))
    let mapped = CassetteWire.transportRequest(for: request, upstream: "http://up:7/")
    #expect(mapped.url == "http://up:7/system/whoami?a=b%20c")
    #expect(mapped.headers["Host"] == nil && mapped.headers["Content-Length"] == nil)
    #expect(mapped.headers["Authorization"] == "Bearer t")
    let proxied = DXMockRequest(method: "PUT", path: "/__proxy/http/s:3/F/upload/f/1/k")
    #expect(
      CassetteWire.transportRequest(for: proxied, upstream: "http://up:7").url == "http://s:3/F/upload/f/1/k")
  }

  @Test("recorded outcomes become the same thing on the wire")
  func plans() {
    let request = DXMockRequest(method: "POST", path: "/system/whoami", headers: ["Host": "me:1"])
    let headers: DXHTTPHeaders = [
      "Content-Type": "application/json", "Content-Length": "99", "X-Request-ID": "r",
    ]
    let body = Data(#"{"id":"us"#.utf8)
    switch CassetteWire.plan(
      for: .success(
        DXTransportResponse(
          status: 200, headers: headers, body: body, bodyEnd: .truncated(declared: 19, received: 9))),
      request: request)
    {
    case .truncate(let response, let sendBytes):
      #expect(sendBytes == 9)
      #expect(response.body.count == 19)
      #expect(response.body.prefix(9) == body)
      #expect(response.headers["Content-Length"] == nil && response.headers["X-Request-ID"] == nil)
      #expect(response.headers["Content-Type"] == "application/json")
    default:
      Issue.record("expected a truncation")
    }
    if case .closeDelimited(let response) = CassetteWire.plan(
      for: .success(DXTransportResponse(status: 200, body: body, bodyEnd: .closeDelimited)), request: request)
    {
      #expect(response.body == body)
    } else {
      Issue.record("expected a close-delimited body")
    }
    if case .respond(let response) = CassetteWire.plan(
      for: .success(DXTransportResponse(status: 503, headers: ["Retry-After": "2"], body: body)),
      request: request)
    {
      #expect(response.status == 503 && response.headers["Retry-After"] == "2")
    } else {
      Issue.record("expected a response")
    }
    if case .reset = CassetteWire.plan(for: .failure(.connectionReset()), request: request) {
    } else {
      Issue.record("expected a reset")
    }
    if case .empty = CassetteWire.plan(for: .failure(.noResponse()), request: request) {
    } else {
      Issue.record("expected a close without a response")
    }
  }
}
