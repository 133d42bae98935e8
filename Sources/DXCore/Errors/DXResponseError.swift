/// A reply that arrived but could not be used: dxpy's transport-level errors.
///
/// | kind | dxpy | when |
/// |---|---|---|
/// | ``contentLengthMismatch(declared:received:status:)`` | `ContentLengthError` | a 2xx body's length differs from `Content-Length` |
/// | ``badJSONInReply(status:)`` | `BadJSONInReply` | a body labelled JSON did not parse |
/// | ``httpErrorWithContent(message:content:status:)`` | `HTTPErrorWithContent` | a non-2xx reply whose body is not a usable platform error |
/// | ``incompleteReads(message:)`` | `DXIncompleteReadsError` | the connection closed before the declared body arrived, and retries ran out |
///
/// A struct with a private code and static members, so new kinds never break callers.
public struct DXResponseError: Error, Sendable, Hashable, CustomStringConvertible {
  private enum Code: String, Sendable, Hashable {
    case contentLengthMismatch
    case badJSONInReply
    case httpErrorWithContent
    case incompleteReads
  }

  private let code: Code
  /// The message, in dxpy's wording.
  public let message: String
  /// The HTTP status, when a status line arrived.
  public let status: Int?
  /// The body text that came with the error (`HTTPErrorWithContent.content`), capped at 64 KiB.
  public let content: String?

  private init(_ code: Code, message: String, status: Int?, content: String? = nil) {
    self.code = code
    self.message = message
    self.status = status
    self.content = content.map { String($0.prefix(65536)) }
  }

  /// The message (and, for ``httpErrorWithContent(message:content:status:)``, nothing more: the
  /// content is in ``content``).
  public var description: String { message }

  /// dxpy's intended `ContentLengthError` message:
  /// `"Received response with content-length header set to <declared> but content length is <received>"`.
  public static func contentLengthMismatch(declared: Int, received: Int, status: Int) -> DXResponseError {
    DXResponseError(
      .contentLengthMismatch,
      message: "Received response with content-length header set to \(declared) but content length is "
        + "\(received)", status: status)
  }

  /// `BadJSONInReply("Invalid JSON received from server", status)`.
  public static func badJSONInReply(status: Int) -> DXResponseError {
    DXResponseError(.badJSONInReply, message: "Invalid JSON received from server", status: status)
  }

  /// `HTTPErrorWithContent(message, content)`: for a non-JSON error body the message is
  /// `"<status> <reason> [Time=<t> RequestID=<id>]"`; for JSON without a usable `error.type` it is
  /// `"Appropriate error class not found. [HTTPCode=<status>]"`.
  public static func httpErrorWithContent(message: String, content: String, status: Int) -> DXResponseError {
    DXResponseError(.httpErrorWithContent, message: message, status: status, content: content)
  }

  /// `DXIncompleteReadsError`: the body was cut short and no retries were left (or allowed).
  public static func incompleteReads(message: String) -> DXResponseError {
    DXResponseError(.incompleteReads, message: message, status: nil)
  }

  /// Whether this is a Content-Length mismatch.
  public var isContentLengthMismatch: Bool { code == .contentLengthMismatch }
  /// Whether this is bad JSON in a reply.
  public var isBadJSONInReply: Bool { code == .badJSONInReply }
  /// Whether this is an HTTP error with non-platform content.
  public var isHTTPErrorWithContent: Bool { code == .httpErrorWithContent }
  /// Whether this is an incomplete read.
  public var isIncompleteReads: Bool { code == .incompleteReads }

  /// dxpy's class name for the kind, used in log lines.
  public var pythonClassName: String {
    switch code {
    case .contentLengthMismatch: return "dxpy.exceptions.ContentLengthError"
    case .badJSONInReply: return "dxpy.exceptions.BadJSONInReply"
    case .httpErrorWithContent: return "dxpy.exceptions.HTTPErrorWithContent"
    case .incompleteReads: return "dxpy.exceptions.DXIncompleteReadsError"
    }
  }
}
