import Foundation

/// What goes on the wire for one request: the vocabulary shared by fault injection and cassette replay.
///
/// The server adds `Content-Length` (except for ``closeDelimited(_:)``), `X-Request-ID` and
/// `X-Content-Type-Options: nosniff` to every response it sends.
public enum DXMockWirePlan: Sendable {
  /// Send the response in full, with an exact `Content-Length`; the connection stays open.
  case respond(DXMockResponse)
  /// Send the response's headers with its real `Content-Length`, then only the first `sendBytes` bytes
  /// of the body, then close the connection.
  ///
  /// A `sendBytes` at or beyond the body's length sends the whole body and closes the connection.
  case truncate(DXMockResponse, sendBytes: Int)
  /// Send the response without `Content-Length` (and without chunked encoding): the body ends when the
  /// server closes the connection.
  case closeDelimited(DXMockResponse)
  /// Reset the TCP connection (RST) without sending a response.
  case reset
  /// Close the connection cleanly (FIN) without sending a response.
  case empty
  /// Send the response in full, with an exact `Content-Length`, but pace its body (trickle, stall,
  /// bandwidth) without holding a server thread while it waits.
  case paced(DXMockResponse, DXMockPacing)
}

extension DXMockWirePlan {
  /// The HTTP status the plan sends, or `nil` when it sends no response.
  public var status: Int? {
    switch self {
    case .respond(let response), .truncate(let response, _), .closeDelimited(let response),
      .paced(let response, _):
      return response.status
    case .reset, .empty:
      return nil
    }
  }
}
