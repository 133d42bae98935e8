import DXCore
import DXMockServer
import Foundation

/// Conversions between the server's requests and wire plans and the transport values a cassette holds.
enum CassetteWire {
  /// Response headers the server (or the connection) owns; a recorded value is never replayed.
  static let serverOwnedHeaders: Set<String> = [
    "content-length", "transfer-encoding", "connection", "keep-alive", "x-request-id",
    "x-content-type-options", "date",
  ]

  /// The transport request a received request stands for: a pass-through request becomes one to its
  /// original URL, any other one a request to `upstream` (e.g. `http://127.0.0.1:8080`) on the same
  /// path and query.
  static func transportRequest(for request: DXMockRequest, upstream: String) -> DXTransportRequest {
    let url =
      CassetteProxyURL.unwrap(path: request.path, query: request.query)
      ?? Self.trimmed(upstream) + CassetteProxyURL.encodePath(request.path)
      + CassetteProxyURL.encodeQuery(request.query)
    var headers = DXHTTPHeaders()
    for field in request.headers.fields {
      switch field.name.lowercased() {
      case "host", "content-length", "transfer-encoding", "connection", "keep-alive", "expect":
        continue
      default:
        headers.add(name: field.name, value: field.value)
      }
    }
    return DXTransportRequest(method: request.method, url: url, headers: headers, body: request.body)
  }

  /// `base` without a trailing slash.
  static func trimmed(_ base: String) -> String {
    var base = base
    while base.hasSuffix("/") { base.removeLast() }
    return base
  }

  /// What to put on the wire for a recorded outcome, so the client sees what the recorder's client saw.
  ///
  /// - A complete response is sent in full; a truncated one with its declared `Content-Length` and only
  ///   the received bytes (the rest of the declared length is never sent); a close-delimited one without
  ///   `Content-Length`, ended by closing the connection.
  /// - `connectionReset` and `connectionRefused` become a TCP reset (a connection that was accepted
  ///   cannot be refused); `noResponse` and every other error close the connection without a
  ///   response (``DXCassetteReplayBackend`` first holds a recorded timeout for its recorded wait).
  /// - Transfer URLs in `/file-xxxx/upload` and `/file-xxxx/download` answers are rewritten to pass
  ///   through this server (``CassetteProxyURL``), based on `request`'s `Host`.
  static func plan(
    for outcome: Result<DXTransportResponse, DXTransportError>, request: DXMockRequest,
    rewriteURLs: Bool = true
  ) -> DXMockWirePlan {
    switch outcome {
    case .failure(let error):
      switch error.kind {
      case .connectionReset, .connectionRefused:
        return .reset
      default:
        return .empty
      }
    case .success(let response):
      var headers = DXHTTPHeaders()
      for field in response.headers.fields where !serverOwnedHeaders.contains(field.name.lowercased()) {
        headers.add(name: field.name, value: field.value)
      }
      var body = response.body
      if rewriteURLs, response.status == 200, case .complete = response.bodyEnd,
        CassetteProxyURL.unwrap(path: request.path, query: request.query) == nil
      {
        body = CassetteProxyURL.rewriteTransferBody(
          body, path: request.path, base: CassetteProxyURL.base(of: request))
      }
      let mock = DXMockResponse(status: response.status, headers: headers, body: body)
      switch response.bodyEnd {
      case .complete:
        return .respond(mock)
      case .closeDelimited:
        return .closeDelimited(mock)
      case .truncated(let declared, let received):
        // The bytes beyond `received` are never sent; padding only makes the declared length true.
        var padded = mock
        let sent = min(received, body.count)
        padded.body = Data(body.prefix(sent))
        if declared > sent { padded.body.append(Data(repeating: 0x20, count: declared - sent)) }
        return .truncate(padded, sendBytes: sent)
      }
    }
  }

  /// The outcome a wire plan stands for, as a cassette records it: a response (complete, truncated or
  /// close-delimited) or a transport error (`connectionReset` for a reset, `noResponse` for a close
  /// without an answer).
  static func outcome(of plan: DXMockWirePlan) -> Result<DXTransportResponse, DXTransportError> {
    switch plan {
    case .respond(let mock), .paced(let mock, _):
      return .success(DXTransportResponse(status: mock.status, headers: mock.headers, body: mock.body))
    case .truncate(let mock, let sendBytes):
      let sent = max(0, min(sendBytes, mock.body.count))
      return .success(
        DXTransportResponse(
          status: mock.status, headers: mock.headers, body: mock.body.prefix(sent),
          bodyEnd: sent < mock.body.count ? .truncated(declared: mock.body.count, received: sent) : .complete)
      )
    case .closeDelimited(let mock):
      return .success(
        DXTransportResponse(
          status: mock.status, headers: mock.headers, body: mock.body, bodyEnd: .closeDelimited))
    case .reset:
      return .failure(.connectionReset("the server reset the connection (injected fault)"))
    case .empty:
      return .failure(.noResponse("the server closed the connection without a response (injected fault)"))
    }
  }

  /// What the client sees of an upstream `response` once `fault` is applied (a fault that replaces the
  /// response never reaches the upstream; see ``DXFault/replacesResponse``).
  static func seen(_ response: DXTransportResponse, fault: DXFault?) -> Result<
    DXTransportResponse, DXTransportError
  > {
    guard let fault, case .complete = response.bodyEnd else { return .success(response) }
    let mock = DXMockResponse(status: response.status, headers: response.headers, body: response.body)
    return outcome(of: fault.apply(to: .respond(mock)))
  }
}
