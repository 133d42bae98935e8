import Foundation

/// The result of one attempt, before the retry decision.
enum AttemptResult: Sendable {
  case success(DXResponse)
  case redirect(location: String)
  case failure(AttemptFailure)
}

/// A failed attempt: the error to report, the policy's view of it and the text dxpy logs.
struct AttemptFailure: Sendable {
  var error: any Error
  var outcome: DXRetryPolicy.Outcome
  var requestID = "unavailable"

  /// What is thrown when the failure is not retried: an incomplete body becomes
  /// `DXIncompleteReadsError`, anything else is itself.
  var finalError: any Error {
    if outcome.failure == .incompleteRead, let transportError = error as? DXTransportError {
      return DXResponseError.incompleteReads(message: transportError.message)
    }
    return error
  }

  /// dxpy's `exception_msg`: `error_message()` for a platform error, else the last line of
  /// `traceback.format_exception_only` with Python's class names (plus the content for
  /// `HTTPErrorWithContent`).
  var logMessage: String {
    switch error {
    case let apiError as DXAPIError:
      return apiError.errorMessage
    case let responseError as DXResponseError:
      if responseError.isHTTPErrorWithContent {
        return "\(responseError.pythonClassName): \(responseError.message)\n\(responseError.content ?? "")"
      }
      if responseError.isBadJSONInReply {
        return "\(responseError.pythonClassName): ('\(responseError.message)', \(responseError.status ?? 0))"
      }
      return "\(responseError.pythonClassName): \(responseError.message)"
    case let transportError as DXTransportError:
      return Self.pythonName(transportError) + ": " + transportError.message
    default:
      return "\(error)"
    }
  }

  private static func pythonName(_ error: DXTransportError) -> String {
    switch error.kind {
    case .connectionRefused, .networkUnreachable: return "urllib3.exceptions.NewConnectionError"
    case .nameResolution: return "urllib3.exceptions.NameResolutionError"
    case .connectionReset, .noResponse, .protocolError: return "urllib3.exceptions.ProtocolError"
    case .readTimeout: return "urllib3.exceptions.ReadTimeoutError"
    case .connectTimeout: return "urllib3.exceptions.ConnectTimeoutError"
    case .tls: return "urllib3.exceptions.SSLError"
    default: return "OSError"
    }
  }
}

extension DXClient {
  /// The first `X-Request-ID`, `Content-Type` and `Content-Length` of a reply (each what
  /// `headers[name]` gives), found in one pass over the fields instead of one pass per name.
  static func replyFields(_ headers: DXHTTPHeaders) -> (
    requestID: String?, contentType: String?, contentLength: String?
  ) {
    var requestID: String?
    var contentType: String?
    var contentLength: String?
    for field in headers.fields {
      let length = field.name.utf8.count
      // An ASCII name matches only a name of its own length; a non-ASCII one is compared in full
      // (case folding can change its length).
      guard length == 12 || length == 14 || !DXHTTPHeaders.isASCII(field.name) else { continue }
      if requestID == nil, DXHTTPHeaders.namesMatch(field.name, "X-Request-ID") {
        requestID = field.value
      } else if contentType == nil, DXHTTPHeaders.namesMatch(field.name, "Content-Type") {
        contentType = field.value
      } else if contentLength == nil, DXHTTPHeaders.namesMatch(field.name, "Content-Length") {
        contentLength = field.value
      }
    }
    return (requestID, contentType, contentLength)
  }

  /// Interprets one reply as dxpy does (§2.3): an incomplete body first, then the status, then the
  /// Content-Length check and the decoding.
  func interpret(
    _ response: DXTransportResponse, requestTime: Double, wantFullResponse: Bool, decodeResponseBody: Bool
  ) throws -> AttemptResult {
    let fields = Self.replyFields(response.headers)
    let requestID = fields.requestID ?? "unavailable"
    let contentType = fields.contentType ?? ""
    let isJSON = contentType.hasPrefix("application/json")
    let status = response.status

    if case .truncated(let declared, let received) = response.bodyEnd {
      let message =
        "Connection broken: IncompleteRead(\(received) bytes read, \(max(0, declared - received)) more expected)"
      return .failure(
        AttemptFailure(
          error: DXTransportError(.protocolError, message: message), outcome: .init(failure: .incompleteRead),
          requestID: requestID))
    }

    if (300..<400).contains(status) {
      guard let location = response.headers["Location"] else {
        return .failure(
          AttemptFailure(
            error: DXResponseError.httpErrorWithContent(
              message: "Location not found in redirect response", content: "", status: status),
            outcome: .init(failure: .redirectWithoutLocation, status: status), requestID: requestID))
      }
      return .redirect(location: location)
    }

    if status < 200 || status >= 300 {
      let retryAfter = response.headers["Retry-After"]
      if isJSON {
        guard let text = String(validating: response.body, as: UTF8.self),
          let content = try? DXJSON(parsing: text)
        else {
          return .failure(
            AttemptFailure(
              error: DXResponseError.badJSONInReply(status: status),
              outcome: .init(failure: .badJSONInReply, status: status, retryAfter: retryAfter),
              requestID: requestID))
        }
        guard let typeName = content["error"]?["type"]?.stringValue else {
          return .failure(
            AttemptFailure(
              error: DXResponseError.httpErrorWithContent(
                message: "Appropriate error class not found. [HTTPCode=\(status)]",
                content: DXPythonFormat.jsonDumps(content), status: status),
              outcome: .init(failure: .httpErrorWithContent, status: status, retryAfter: retryAfter),
              requestID: requestID))
        }
        guard let message = content["error"]?["message"] else {
          throw DXError.malformedErrorBody("the error body of a \(status) reply has no 'message': \(content)")
        }
        let details = content["error"]?["details"]
        let apiError = DXAPIError(
          type: .init(typeName), message: message.stringValue ?? DXPythonFormat.jsonDumps(message),
          details: details.flatMap { $0.isNull ? nil : $0 }, status: status, requestTime: requestTime,
          requestID: requestID)
        return .failure(
          AttemptFailure(
            error: apiError, outcome: .init(failure: .apiError, status: status, retryAfter: retryAfter),
            requestID: requestID))
      }
      let content = String(decoding: response.body, as: UTF8.self).trimmingSpaces()
      let message =
        "\(status) \(DXHTTPReason.phrase(for: status)) [Time=\(DXPythonFormat.float(requestTime)) "
        + "RequestID=\(requestID)]"
      return .failure(
        AttemptFailure(
          error: DXResponseError.httpErrorWithContent(message: message, content: content, status: status),
          outcome: .init(failure: .httpErrorWithContent, status: status, retryAfter: retryAfter),
          requestID: requestID))
    }

    if wantFullResponse { return .success(.full(response)) }

    if let declaredText = fields.contentLength {
      let declared = Int(declaredText) ?? Int(declaredText.trimmingSpaces())
      if declared != response.body.count {
        return .failure(
          AttemptFailure(
            error: DXResponseError.contentLengthMismatch(
              declared: declared ?? -1, received: response.body.count, status: status),
            outcome: .init(failure: .contentLengthMismatch, status: status), requestID: requestID))
      }
    }

    guard decodeResponseBody else { return .success(.bytes(response.body)) }
    if isJSON {
      // Parsed from the bytes: the parser refuses invalid UTF-8 (inside strings it validates, outside
      // them any non-ASCII byte is a syntax error), so this is "UTF-8 text that is JSON" without
      // building the text first.
      guard let value = try? DXJSON(parsing: response.body) else {
        return .failure(
          AttemptFailure(
            error: DXResponseError.badJSONInReply(status: status),
            outcome: .init(failure: .badJSONInReply, status: status), requestID: requestID))
      }
      return .success(.json(value))
    }
    guard let text = String(validating: response.body, as: UTF8.self) else {
      throw DXError.unexpectedResponse("the reply body is not UTF-8 text; use decodeResponseBody: false")
    }
    return .success(.text(text))
  }
}
