/// The platform's error body: `{"error": {"type": …, "message": …, "details": …}}`.
///
/// The one description both sides share: the mock server renders its errors with it, and a client's
/// typed error (DXCore's `DXAPIError`) carries the body it received as one.
public struct DXErrorBody: Sendable, Hashable {
  /// The platform's error type, e.g. `"InvalidInput"`.
  public var type: String
  /// The human-readable message.
  public var message: String
  /// The optional structured details (`nil`: no `details` member).
  public var details: DXJSON?

  /// Creates an error body.
  public init(type: String, message: String, details: DXJSON? = nil) {
    self.type = type
    self.message = message
    self.details = details
  }

  /// Reads an error body: `nil` unless `json` is an object whose `error` member has a string `type` and
  /// a string `message` (a `null` `details` counts as none).
  public init?(json: DXJSON) {
    guard let error = json["error"], let type = error["type"]?.stringValue,
      let message = error["message"]?.stringValue
    else { return nil }
    let details = error["details"]
    self.init(type: type, message: message, details: details?.isNull == true ? nil : details)
  }

  /// The body as JSON, `details` only when there are some.
  public var json: DXJSON {
    var error: [String: DXJSON] = ["type": .string(type), "message": .string(message)]
    if let details { error["details"] = details }
    return .object(["error": .object(error)])
  }
}
