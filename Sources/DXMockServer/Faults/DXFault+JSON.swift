import DXWire

extension DXFault {
  /// Parses a fault's JSON form, strictly.
  ///
  /// `type` is required and must be one of `status`, `truncate`, `noContentLength`, `reset`,
  /// `empty`, `delay`. `status` needs `status` (200…599) and takes optional `retryAfter` (a
  /// non-negative integer of seconds, or a string such as an HTTP date), `errorType` and `message`;
  /// `truncate` needs `sendBytes` (≥ 0); `delay` needs `ms` (0…``maximumDelayMs``). Unknown members,
  /// missing required members, wrong types and negative values are errors.
  /// - Parameters:
  ///   - json: The fault object.
  ///   - field: The field path used in error messages (default `"fault"`).
  /// - Throws: ``DXFaultRule/ParseError`` whose message names the field.
  public init(json: DXJSON, field: String = "fault") throws(DXFaultRule.ParseError) {
    let fields = try FaultJSONFields(json, path: field)
    guard let type = try fields.string("type") else {
      throw .invalid(
        "\(fields.name("type")) is required (one of: status, truncate, noContentLength, reset, empty, delay)")
    }
    switch type {
    case "status":
      try fields.rejectUnknown(allowed: ["type", "status", "retryAfter", "errorType", "message"])
      guard let code = try fields.integer("status") else {
        throw .invalid("\(fields.name("status")) is required for a status fault")
      }
      var retryAfter: String?
      if let value = fields.value("retryAfter") {
        if let text = value.stringValue {
          retryAfter = text
        } else {
          retryAfter = try fields.integer("retryAfter").map { String($0) }
        }
      }
      self = .status(
        code: code, retryAfter: retryAfter, errorType: try fields.string("errorType"),
        message: try fields.string("message"))
    case "truncate":
      try fields.rejectUnknown(allowed: ["type", "sendBytes"])
      guard let sendBytes = try fields.integer("sendBytes") else {
        throw .invalid("\(fields.name("sendBytes")) is required for a truncate fault")
      }
      self = .truncate(sendBytes: sendBytes)
    case "noContentLength":
      try fields.rejectUnknown(allowed: ["type"])
      self = .noContentLength
    case "reset":
      try fields.rejectUnknown(allowed: ["type"])
      self = .reset
    case "empty":
      try fields.rejectUnknown(allowed: ["type"])
      self = .empty
    case "delay":
      try fields.rejectUnknown(allowed: ["type", "ms"])
      guard let ms = try fields.integer("ms") else {
        throw .invalid("\(fields.name("ms")) is required for a delay fault")
      }
      self = .delay(ms: ms)
    default:
      throw .invalid(
        "\(fields.name("type")) \"\(type)\" is not a fault type "
          + "(expected one of: status, truncate, noContentLength, reset, empty, delay)")
    }
    try validate(field: field)
  }

  /// The fault's JSON form (the inverse of ``init(json:field:)``); a `retryAfter` made only of
  /// digits is rendered as a number.
  public var json: DXJSON {
    var object: [String: DXJSON] = ["type": .string(typeName)]
    switch self {
    case .status(let code, let retryAfter, let errorType, let message):
      object["status"] = .integer(code)
      if let retryAfter {
        if !retryAfter.isEmpty, retryAfter.allSatisfy({ $0.isASCII && $0.isNumber }),
          let seconds = Int(retryAfter)
        {
          object["retryAfter"] = .integer(seconds)
        } else {
          object["retryAfter"] = .string(retryAfter)
        }
      }
      if let errorType { object["errorType"] = .string(errorType) }
      if let message { object["message"] = .string(message) }
    case .truncate(let sendBytes): object["sendBytes"] = .integer(sendBytes)
    case .delay(let ms): object["ms"] = .integer(ms)
    case .noContentLength, .reset, .empty: break
    }
    return .object(object)
  }
}
