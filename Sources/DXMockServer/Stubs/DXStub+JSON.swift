import DXWire
import Foundation

extension DXStub {
  /// Parses a stub's JSON form, strictly (see ``DXStub``).
  /// - Parameters:
  ///   - json: The stub object.
  ///   - field: The field path used in error messages (empty at the top; `stubs[2]` in a list).
  /// - Throws: ``DXFaultRule/ParseError`` naming the field.
  public init(json: DXJSON, field: String = "") throws(DXFaultRule.ParseError) {
    let fields = try FaultJSONFields(json, path: field)
    try fields.rejectUnknown(allowed: [
      "id", "match", "priority", "response", "scenario", "requiredState", "newState",
    ])
    var match = try DXFaultRule.Match()
    if let value = fields.value("match") {
      match = try DXFaultRule.Match(json: value, field: fields.name("match"))
    }
    guard let responseValue = fields.value("response") else {
      throw .invalid("\(fields.name("response")) is required, e.g. {\"status\":200,\"json\":{}}")
    }
    let response = try FaultJSONFields(responseValue, path: fields.name("response"))
    try response.rejectUnknown(allowed: ["status", "headers", "json", "body", "contentType"])
    let body: Body
    switch (response.value("json"), try response.string("body")) {
    case (let value?, nil): body = .json(value)
    case (nil, let text?): body = .text(text)
    case (nil, nil): body = .json(.object([:]))
    default: throw .invalid("give one of \(response.name("json")) and \(response.name("body"))")
    }
    let headers = try response.headerFields("headers")
    guard let priority = fields.value("priority").map({ $0.intValue }) ?? 5 else {
      throw .invalid("\(fields.name("priority")) must be an integer")
    }
    do {
      try self.init(
        id: try fields.string("id"), match: match, priority: priority,
        status: try response.integer("status", minimum: 100) ?? 200, headers: headers, body: body,
        contentType: try response.string("contentType"), scenario: try fields.string("scenario"),
        requiredState: try fields.string("requiredState"), newState: try fields.string("newState"))
    } catch {
      throw .invalid(field.isEmpty ? error.message : "\(field).\(error.message)")
    }
  }

  /// The stub's JSON form (the inverse of ``init(json:field:)``).
  public var json: DXJSON {
    var response: [String: DXJSON] = ["status": .integer(status)]
    switch body {
    case .json(let value): response["json"] = value
    case .text(let text): response["body"] = .string(text)
    }
    if let contentType { response["contentType"] = .string(contentType) }
    if !headers.isEmpty {
      response["headers"] = FaultJSONFields.json(headers: headers)
    }
    var object: [String: DXJSON] = [
      "match": match.json, "priority": .integer(priority), "response": .object(response),
    ]
    if let id { object["id"] = .string(id) }
    if let scenario { object["scenario"] = .string(scenario) }
    if let requiredState { object["requiredState"] = .string(requiredState) }
    if let newState { object["newState"] = .string(newState) }
    return .object(object)
  }

  /// Parses a list of stubs: a JSON array, `{"stubs":[…]}`, or a single stub object.
  /// - Throws: ``DXFaultRule/ParseError`` naming the element and field.
  public static func stubs(json: DXJSON) throws(DXFaultRule.ParseError) -> [DXStub] {
    let elements: [DXJSON]
    if let array = json.arrayValue {
      elements = array
    } else if let object = json.objectValue, let list = object["stubs"] {
      if let other = object.keys.first(where: { $0 != "stubs" }) {
        throw .invalid("\(other) is not a known field (expected: stubs)")
      }
      guard let array = list.arrayValue else { throw .invalid("stubs must be an array of stubs") }
      elements = array
    } else if json.objectValue != nil {
      return [try DXStub(json: json)]
    } else {
      throw .invalid(
        "a stub list must be an array of stubs or {\"stubs\":[…]}, got \(FaultJSONFields.describe(json))")
    }
    var stubs: [DXStub] = []
    for (index, element) in elements.enumerated() {
      stubs.append(try DXStub(json: element, field: "stubs[\(index)]"))
    }
    return stubs
  }

  /// Reads and parses a stub file (``stubs(json:)``).
  /// - Throws: ``DXFaultRule/ParseError`` when the file cannot be read, is not JSON or holds a bad stub
  ///   (the message starts with the path).
  public static func stubs(contentsOfFile path: String) throws(DXFaultRule.ParseError) -> [DXStub] {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw DXFaultRule.ParseError(
        .unreadableFile, "Cannot read the stub file \(path): \(error.localizedDescription)")
    }
    let json: DXJSON
    do {
      json = try DXJSON(parsing: data)
    } catch {
      throw DXFaultRule.ParseError(
        .malformedJSON, "\(path): the stub file is not valid JSON: \(error.description)")
    }
    do {
      return try stubs(json: json)
    } catch {
      throw .invalid("\(path): \(error.message)")
    }
  }
}
