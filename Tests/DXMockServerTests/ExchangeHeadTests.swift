import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// An exchange keeps its request's head in one request value and puts the body into it: the request
/// the handler gets is built once, and copies taken earlier keep what they saw.
@Suite("Server — an exchange's request, built once")
struct ExchangeHeadTests {
  private static func exchange() -> HTTPExchange {
    HTTPExchange(
      method: "PUT", path: "/F/upload/file-1/2", requestID: "1700000000000-7",
      headers: ["Content-Type": "application/octet-stream"], query: [(name: "part", value: "2")],
      remoteAddress: "127.0.0.9", declaredLength: 5)
  }

  @Test func theHeadsFieldsAreTheOnesGivenWithoutABody() {
    let exchange = Self.exchange()
    #expect(exchange.method == "PUT")
    #expect(exchange.path == "/F/upload/file-1/2")
    #expect(exchange.requestID == "1700000000000-7")
    #expect(exchange.headers.first("content-type") == "application/octet-stream")
    #expect(exchange.query.map(\.value) == ["2"])
    #expect(exchange.remoteAddress == "127.0.0.9")
    #expect(exchange.declaredLength == 5)
    #expect(exchange.requestHead.body.isEmpty)
    #expect(exchange.requestHead.bodyMD5 == nil)
  }

  @Test func theCompleteRequestHasTheBodyAndItsMD5AndIsBuiltOnce() throws {
    let exchange = Self.exchange()
    let before = exchange.requestHead
    exchange.body.reserve(expected: 5, computeMD5: true)
    let bytes = Array("hello".utf8)
    #expect(bytes.withUnsafeBytes { exchange.body.append($0) })
    let request = exchange.completeRequest()
    #expect(request.body == Data(bytes))
    #expect(request.bodyMD5 == OperationKey.md5Hex(Data(bytes)))
    #expect(request.method == "PUT")
    #expect(request.requestID == "1700000000000-7")
    #expect(request.remoteAddress == "127.0.0.9")
    // Asked again: the same request, not the (now empty) body finished a second time.
    let again = exchange.completeRequest()
    #expect(again.body == Data(bytes))
    #expect(again.bodyMD5 == request.bodyMD5)
    #expect(exchange.requestHead.body == Data(bytes))
    // A copy of the head taken before the body arrived still has no body.
    #expect(before.body.isEmpty)
    #expect(before.bodyMD5 == nil)
    #expect(before.path == request.path)
  }
}
