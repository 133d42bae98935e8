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
      throw .invalid("\(fields.name("type")) is required (one of: \(Self.typeNames))")
    }
    switch type {
    case "status":
      try fields.rejectUnknown(allowed: [
        "type", "status", "retryAfter", "errorType", "message", "body", "json", "s3Error", "contentType",
        "headers",
      ])
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
      let errorType = try fields.string("errorType")
      let message = try fields.string("message")
      let isPlain = ["body", "json", "s3Error", "contentType", "headers"].allSatisfy {
        fields.value($0) == nil
      }
      if isPlain {
        self = .status(code: code, retryAfter: retryAfter, errorType: errorType, message: message)
      } else {
        self = .reply(
          try Self.reply(fields, status: code, retryAfter: retryAfter, errorType: errorType, message: message)
        )
      }
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
    case "encoding":
      try fields.rejectUnknown(allowed: ["type", "encoding", "corrupt"])
      guard let name = try fields.string("encoding") else {
        throw .invalid("\(fields.name("encoding")) is required (gzip or deflate)")
      }
      guard let encoding = ContentEncoding(rawValue: name) else {
        throw .invalid("\(fields.name("encoding")) must be gzip or deflate, got \"\(name)\"")
      }
      self = .encoded(encoding, corrupt: try fields.bool("corrupt") ?? false)
    case "redirect":
      try fields.rejectUnknown(allowed: ["type", "status", "location"])
      guard let location = try fields.string("location") else {
        throw .invalid("\(fields.name("location")) is required for a redirect")
      }
      self = .redirect(status: try fields.integer("status") ?? 307, location: location)
    case "trickle", "bandwidth":
      try fields.rejectUnknown(allowed: ["type", "bytesPerSecond"])
      guard let rate = try fields.integer("bytesPerSecond", minimum: 1) else {
        throw .invalid("\(fields.name("bytesPerSecond")) is required for a \(type) fault")
      }
      self = type == "trickle" ? .trickle(bytesPerSecond: rate) : .bandwidth(bytesPerSecond: rate)
    case "stall":
      try fields.rejectUnknown(allowed: ["type", "afterBytes", "ms"])
      guard let ms = try fields.integer("ms") else {
        throw .invalid("\(fields.name("ms")) is required for a stall fault")
      }
      self = .stall(afterBytes: try fields.integer("afterBytes") ?? 0, ms: ms)
    case "resetAfterReceived":
      try fields.rejectUnknown(allowed: ["type", "bytes"])
      guard let bytes = try fields.integer("bytes") else {
        throw .invalid("\(fields.name("bytes")) is required for a resetAfterReceived fault")
      }
      self = .resetAfterReceived(bytes: bytes)
    case "latency":
      self = .latency(try Self.latency(fields))
    default:
      throw .invalid(
        "\(fields.name("type")) \"\(type)\" is not a fault type (expected one of: \(Self.typeNames))")
    }
    try validate(field: field)
  }

  /// The fault types' names, for messages.
  static let typeNames =
    "status, truncate, noContentLength, reset, empty, delay, encoding, redirect, trickle, stall, bandwidth, "
    + "resetAfterReceived, latency"

  private static func reply(
    _ fields: FaultJSONFields, status: Int, retryAfter: String?, errorType: String?, message: String?
  ) throws(DXFaultRule.ParseError) -> Reply {
    var bodies: [Reply.Body] = []
    if let text = try fields.string("body") { bodies.append(.text(text)) }
    if let value = fields.value("json") { bodies.append(.json(value)) }
    if let code = try fields.string("s3Error") { bodies.append(.s3(code: code, message: message)) }
    guard bodies.count <= 1 else {
      throw .invalid(
        "give one of \(fields.name("body")), \(fields.name("json")) and \(fields.name("s3Error"))")
    }
    if !bodies.isEmpty, errorType != nil {
      throw .invalid("\(fields.name("errorType")) applies only to the platform's error body")
    }
    if case .text? = bodies.first, message != nil {
      throw .invalid("\(fields.name("message")) applies only to the platform's or S3's error body")
    }
    if case .json? = bodies.first, message != nil {
      throw .invalid("\(fields.name("message")) applies only to the platform's or S3's error body")
    }
    let headers = try fields.headerFields("headers")
    return Reply(
      status: status, retryAfter: retryAfter,
      body: bodies.first ?? .platform(errorType: errorType, message: message),
      contentType: try fields.string("contentType"), headers: headers)
  }

  private static func latency(_ fields: FaultJSONFields) throws(DXFaultRule.ParseError) -> Latency {
    let distribution = try fields.string("distribution") ?? "fixed"
    switch distribution {
    case "fixed":
      try fields.rejectUnknown(allowed: ["type", "distribution", "ms"])
      guard let ms = try fields.integer("ms") else { throw .invalid("\(fields.name("ms")) is required") }
      return .fixed(ms: ms)
    case "uniform":
      try fields.rejectUnknown(allowed: ["type", "distribution", "min", "max"])
      guard let low = try fields.integer("min"), let high = try fields.integer("max") else {
        throw .invalid("\(fields.name("min")) and \(fields.name("max")) are required for a uniform latency")
      }
      return .uniform(min: low, max: high)
    case "normal":
      try fields.rejectUnknown(allowed: ["type", "distribution", "mean", "stddev"])
      guard let mean = try fields.integer("mean"), let stddev = try fields.integer("stddev") else {
        throw .invalid(
          "\(fields.name("mean")) and \(fields.name("stddev")) are required for a normal latency")
      }
      return .normal(mean: mean, stddev: stddev)
    case "pareto":
      try fields.rejectUnknown(allowed: ["type", "distribution", "scale", "shape"])
      guard let scale = try fields.integer("scale"), let shape = try fields.number("shape") else {
        throw .invalid(
          "\(fields.name("scale")) and \(fields.name("shape")) are required for a pareto latency")
      }
      return .pareto(scale: scale, shape: shape)
    default:
      throw .invalid(
        "\(fields.name("distribution")) must be fixed, uniform, normal or pareto, got \"\(distribution)\"")
    }
  }

  /// The fault's JSON form (the inverse of ``init(json:field:)``); a `retryAfter` made only of
  /// digits is rendered as a number.
  public var json: DXJSON {
    var object: [String: DXJSON] = ["type": .string(typeName)]
    switch self {
    case .status(let code, let retryAfter, let errorType, let message):
      object["status"] = .integer(code)
      if let retryAfter { object["retryAfter"] = Self.retryAfterJSON(retryAfter) }
      if let errorType { object["errorType"] = .string(errorType) }
      if let message { object["message"] = .string(message) }
    case .reply(let reply):
      object["status"] = .integer(reply.status)
      if let retryAfter = reply.retryAfter { object["retryAfter"] = Self.retryAfterJSON(retryAfter) }
      switch reply.body {
      case .platform(let errorType, let message):
        if let errorType { object["errorType"] = .string(errorType) }
        if let message { object["message"] = .string(message) }
      case .text(let text): object["body"] = .string(text)
      case .json(let value): object["json"] = value
      case .s3(let code, let message):
        object["s3Error"] = .string(code)
        if let message { object["message"] = .string(message) }
      }
      if let contentType = reply.contentType { object["contentType"] = .string(contentType) }
      if !reply.headers.isEmpty {
        object["headers"] = FaultJSONFields.json(headers: reply.headers)
      }
    case .truncate(let sendBytes): object["sendBytes"] = .integer(sendBytes)
    case .delay(let ms): object["ms"] = .integer(ms)
    case .noContentLength, .reset, .empty: break
    case .encoded(let encoding, let corrupt):
      object["encoding"] = .string(encoding.rawValue)
      if corrupt { object["corrupt"] = true }
    case .redirect(let status, let location):
      object["status"] = .integer(status)
      object["location"] = .string(location)
    case .trickle(let rate), .bandwidth(let rate): object["bytesPerSecond"] = .integer(rate)
    case .stall(let afterBytes, let ms):
      object["afterBytes"] = .integer(afterBytes)
      object["ms"] = .integer(ms)
    case .resetAfterReceived(let bytes): object["bytes"] = .integer(bytes)
    case .latency(let latency):
      object["distribution"] = .string(latency.name)
      object.merge(latency.members) { $1 }
    }
    return .object(object)
  }

  private static func retryAfterJSON(_ retryAfter: String) -> DXJSON {
    if !retryAfter.isEmpty, retryAfter.allSatisfy({ $0.isASCII && $0.isNumber }),
      let seconds = Int(retryAfter)
    {
      return .integer(seconds)
    }
    return .string(retryAfter)
  }
}
