import Foundation
import NIOHTTP1

/// How a response that arrived (wholly or in part) is reported, shared by both live engines so that
/// they judge a body's end the same way.
enum LiveResponseShape {
  /// The head's header fields, in order.
  static func headers(_ head: HTTPResponseHead) -> DXHTTPHeaders {
    DXHTTPHeaders(head.headers.map { DXHTTPHeaders.Field(name: $0.name, value: $0.value) })
  }

  /// The declared `Content-Length`, if any.
  static func declaredLength(_ head: HTTPResponseHead) -> Int? {
    head.headers.first(name: "Content-Length").flatMap { Int($0) ?? Int($0.trimmingSpaces()) }
  }

  static func isChunked(_ head: HTTPResponseHead) -> Bool {
    head.headers[canonicalForm: "Transfer-Encoding"].contains { $0.lowercased() == "chunked" }
  }

  static func mayHaveBody(_ head: HTTPResponseHead, method: String) -> Bool {
    let code = head.status.code
    return method != "HEAD" && !(100..<200).contains(code) && code != 204 && code != 304
  }

  /// How a body that the HTTP parser saw end normally ended: short of its declared length, ended by
  /// the connection closing (no length, not chunked), or complete.
  static func bodyEnd(_ head: HTTPResponseHead, received: Int, method: String) -> DXTransportResponse.BodyEnd
  {
    guard mayHaveBody(head, method: method) else { return .complete }
    if let declared = declaredLength(head) {
      return received < declared ? .truncated(declared: declared, received: received) : .complete
    }
    return isChunked(head) ? .complete : .closeDelimited
  }

  /// The response to report when the connection ended before a body reached its declared
  /// `Content-Length`, or `nil` when there was no declared length or it was reached.
  static func truncated(_ head: HTTPResponseHead, body: Data) -> DXTransportResponse? {
    guard let declared = declaredLength(head), body.count < declared else { return nil }
    return response(head, body: body, bodyEnd: .truncated(declared: declared, received: body.count))
  }

  /// The response built from a head and the body bytes that arrived.
  static func response(_ head: HTTPResponseHead, body: Data, bodyEnd: DXTransportResponse.BodyEnd)
    -> DXTransportResponse
  {
    DXTransportResponse(status: Int(head.status.code), headers: headers(head), body: body, bodyEnd: bodyEnd)
  }
}
