import DXWire
import Foundation

/// Checks a WebSocket opening handshake (RFC 6455 §4.2.1) and gives the response headers.
enum WebSocketHandshake {
  /// The `101 Switching Protocols` headers for a valid handshake.
  /// - Throws: 400 InvalidInput naming what is wrong (method, `Upgrade`, `Connection`,
  ///   `Sec-WebSocket-Version` or `Sec-WebSocket-Key`).
  static func responseHeaders(method: String, headers: DXHTTPHeaders) throws(DXPlatformError) -> DXHTTPHeaders
  {
    func bad(_ message: String) -> DXPlatformError {
      DXPlatformError(type: "InvalidInput", message: "Bad WebSocket handshake: \(message)", status: 400)
    }
    guard method == "GET" else { throw bad("the method must be GET, not \(method)") }
    guard hasToken("websocket", in: headers["Upgrade"]) else {
      throw bad("the header Upgrade: websocket is missing")
    }
    guard hasToken("upgrade", in: headers["Connection"]) else {
      throw bad("the header Connection: Upgrade is missing")
    }
    guard headers["Sec-WebSocket-Version"]?.trimmingCharacters(in: .whitespaces) == "13" else {
      throw bad("Sec-WebSocket-Version must be 13")
    }
    guard let key = headers["Sec-WebSocket-Key"]?.trimmingCharacters(in: .whitespaces),
      let decoded = Data(base64Encoded: key), decoded.count == 16
    else {
      throw bad("Sec-WebSocket-Key must be 16 bytes in base64")
    }
    return [
      "Upgrade": "websocket", "Connection": "Upgrade",
      "Sec-WebSocket-Accept": WebSocketFrame.acceptKey(for: key),
    ]
  }

  /// Whether the comma-separated header `value` lists `token` (case-insensitive).
  private static func hasToken(_ token: String, in value: String?) -> Bool {
    value?.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == token }
      == true
  }
}
