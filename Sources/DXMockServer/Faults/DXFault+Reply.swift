import DXWire
import Foundation

extension DXFault {
  /// A status answer whose body and headers the rule chooses (the `status` fault with `body`, `json`,
  /// `s3Error`, `contentType` or `headers`).
  ///
  /// - `body`: raw text sent as is (a proxy's HTML 502 page, plain text), `Content-Type` from
  ///   `contentType` (default `text/plain; charset=utf-8`);
  /// - `json`: any JSON value, sent compact with `Content-Type: application/json`;
  /// - `s3Error`: S3's XML error document for that code (`RequestTimeout`, `SlowDown`, …) with
  ///   `Content-Type: application/xml`, as an upload URL's storage answers;
  /// - none of these: the platform's error JSON as for a plain `status` fault.
  ///
  /// `headers` are added as given (after `Retry-After`); `Content-Type` among them overrides.
  public struct Reply: Sendable, Hashable {
    /// What the body is.
    public enum Body: Sendable, Hashable {
      /// The platform's error JSON with this type (`nil`: the type for the status) and message.
      case platform(errorType: String?, message: String?)
      /// Raw text.
      case text(String)
      /// A JSON value.
      case json(DXJSON)
      /// S3's XML error document with this code and message.
      case s3(code: String, message: String?)
    }

    /// The HTTP status (200…599).
    public var status: Int
    /// The `Retry-After` value, or `nil`.
    public var retryAfter: String?
    /// The body.
    public var body: Body
    /// The `Content-Type`, or `nil` for the body's default.
    public var contentType: String?
    /// Extra header fields, in order.
    public var headers: [DXHTTPHeaders.Field]

    /// Creates a reply.
    public init(
      status: Int, retryAfter: String? = nil, body: Body, contentType: String? = nil,
      headers: [DXHTTPHeaders.Field] = []
    ) {
      self.status = status
      self.retryAfter = retryAfter
      self.body = body
      self.contentType = contentType
      self.headers = headers
    }

    /// The response this reply sends.
    public var response: DXMockResponse {
      var response: DXMockResponse
      switch body {
      case .platform(let errorType, let message):
        let type = errorType ?? DXFault.defaultErrorType(forStatus: status)
        response = .error(
          DXPlatformError(
            type: type, message: message ?? "Injected fault: HTTP \(status) \(type)", status: status))
      case .text(let text):
        response = DXMockResponse(
          status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(text.utf8))
      case .json(let value):
        response = .json(value, status: status)
      case .s3(let code, let message):
        response = DXMockResponse(
          status: status, headers: ["Content-Type": "application/xml"],
          body: Data(Self.s3Document(code: code, message: message).utf8))
      }
      if let contentType { response.headers["Content-Type"] = contentType }
      if let retryAfter { response.headers.add(name: "Retry-After", value: retryAfter) }
      for field in headers {
        if DXHTTPHeaders.namesMatch(field.name, "Content-Type") {
          response.headers["Content-Type"] = field.value
        } else {
          response.headers.add(name: field.name, value: field.value)
        }
      }
      return response
    }

    /// S3's error document, e.g. for `RequestTimeout`: `<?xml version="1.0" encoding="UTF-8"?>
    /// <Error><Code>RequestTimeout</Code><Message>…</Message><RequestId>…</RequestId></Error>`.
    public static func s3Document(code: String, message: String?) -> String {
      let text = message ?? Self.s3Messages[code] ?? "Injected fault: \(code)"
      return #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<Error><Code>\(escape(code))</Code><Message>"
        + escape(text)
        + "</Message><RequestId>DXMOCKFAULT0001</RequestId><HostId>dx-mock-server</HostId></Error>"
    }

    private static let s3Messages = [
      "RequestTimeout":
        "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.",
      "SlowDown": "Please reduce your request rate.",
      "InternalError": "We encountered an internal error. Please try again.",
      "BadDigest": "The Content-MD5 you specified did not match what we received.",
    ]

    private static func escape(_ text: String) -> String {
      var out = ""
      for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(character)
        }
      }
      return out
    }
  }
}
