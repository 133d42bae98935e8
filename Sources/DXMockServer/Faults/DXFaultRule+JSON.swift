import DXWire
import Foundation

extension DXFaultRule {
  /// The members a rule's JSON form may have. `matched`, `applied` and `remaining` are the read-only
  /// counters of a listed rule; they are accepted and ignored, so a listing can be loaded back.
  static let jsonMembers: Set<String> = [
    "id", "match", "fault", "times", "skip", "every", "probability", "spec", "matched", "applied",
    "remaining",
  ]

  /// Parses a rule's JSON form, strictly.
  ///
  /// `{"match":{"method":"POST","path":"/system/whoami"},"fault":{…},"times":N,"skip":K,"every":K,
  /// "probability":P}`. Only `fault` is required; `match` and its members default to any method and
  /// path `*`; an optional `id` names the rule. Alternatively `{"spec":"POST /x status=503 times=2"}`
  /// gives the rule in the ``init(spec:)`` syntax. Unknown members are errors.
  /// - Parameters:
  ///   - json: The rule object.
  ///   - field: The field path used in error messages (empty at the top; `faults[2]` in a list).
  /// - Throws: ``DXFaultRule/ParseError`` naming the field.
  public init(json: DXJSON, field: String = "") throws(DXFaultRule.ParseError) {
    let fields = try FaultJSONFields(json, path: field)
    try fields.rejectUnknown(allowed: Self.jsonMembers)
    if let spec = try fields.string("spec") {
      let others = fields.members.keys.filter { $0 != "spec" && $0 != "id" && fields.value($0) != nil }
      if let other = others.sorted().first {
        throw .invalid("\(fields.name(other)) cannot be combined with \(fields.name("spec"))")
      }
      do {
        var rule = try DXFaultRule(spec: spec)
        if let id = try fields.string("id") {
          try Self.validate(id: id)
          rule.id = id
        }
        self = rule
      } catch {
        throw .invalid("\(fields.name("spec")): \(error.message)")
      }
      return
    }
    var match = try Match()
    if let value = fields.value("match") { match = try Match(json: value, field: fields.name("match")) }
    guard let faultValue = fields.value("fault") else {
      throw .invalid("\(fields.name("fault")) is required, e.g. {\"type\":\"status\",\"status\":503}")
    }
    let fault = try DXFault(json: faultValue, field: fields.name("fault"))
    let probability = try fields.number("probability") ?? 1
    guard probability.isFinite, (0...1).contains(probability) else {
      throw .invalid("\(fields.name("probability")) must be a number from 0 to 1, got \(probability)")
    }
    let id = try fields.string("id")
    if let id {
      do { try Self.validate(id: id) } catch {
        throw .invalid(field.isEmpty ? error.message : "\(field).\(error.message)")
      }
    }
    do {
      try self.init(
        id: id, match: match, fault: fault, times: try fields.integer("times"),
        skip: try fields.integer("skip") ?? 0, every: try fields.integer("every", minimum: 1) ?? 1,
        probability: probability)
    } catch {
      throw .invalid(
        field.isEmpty || error.message.hasPrefix(field) ? error.message : "\(field).\(error.message)")
    }
  }

  /// The rule's JSON form (the inverse of ``init(json:field:)``): `id` when set, `match` with
  /// `method` (when not any) and `path`, `fault`, `times` (when limited), `skip`, `every`,
  /// `probability`.
  public var json: DXJSON {
    var object: [String: DXJSON] = [
      "match": match.json, "fault": fault.json, "skip": .integer(skip), "every": .integer(every),
      "probability": probability == 1 ? .integer(1) : (probability == 0 ? .integer(0) : .double(probability)),
    ]
    if let id { object["id"] = .string(id) }
    if let times { object["times"] = .integer(times) }
    return .object(object)
  }

  // MARK: - Lists and files

  /// Parses a list of rules: a JSON array, or an object `{"faults":[…]}`. Each element is a rule
  /// object (``init(json:field:)``) or a spec string (``init(spec:)``).
  /// - Throws: ``DXFaultRule/ParseError`` naming the element and field, e.g.
  ///   `faults[1].fault.status must be an integer…`.
  public static func rules(json: DXJSON) throws(DXFaultRule.ParseError) -> [DXFaultRule] {
    let elements: [DXJSON]
    if let array = json.arrayValue {
      elements = array
    } else if let object = json.objectValue, let list = object["faults"] {
      if let other = object.keys.first(where: { $0 != "faults" }) {
        throw .invalid("\(other) is not a known field (expected: faults)")
      }
      guard let array = list.arrayValue else {
        throw .invalid("faults must be an array of rules, got \(FaultJSONFields.describe(list))")
      }
      elements = array
    } else {
      throw .invalid(
        "a fault list must be an array of rules or {\"faults\":[…]}, got \(FaultJSONFields.describe(json))")
    }
    var rules: [DXFaultRule] = []
    rules.reserveCapacity(elements.count)
    for (index, element) in elements.enumerated() {
      let field = "faults[\(index)]"
      if let spec = element.stringValue {
        do {
          rules.append(try DXFaultRule(spec: spec))
        } catch {
          throw .invalid("\(field): \(error.message)")
        }
      } else {
        rules.append(try DXFaultRule(json: element, field: field))
      }
    }
    return rules
  }

  /// Parses the contents of a rule file: JSON text accepted by ``rules(json:)``.
  /// - Throws: ``DXFaultRule/ParseError`` of kind `malformedJSON` when the text is not JSON;
  ///   ``DXFaultRule/ParseError`` for a bad rule.
  public static func rules(fileContents data: Data) throws(DXFaultRule.ParseError) -> [DXFaultRule] {
    let json: DXJSON
    do {
      json = try DXJSON(parsing: data)
    } catch {
      throw ParseError(.malformedJSON, "The fault file is not valid JSON: \(error.description)")
    }
    return try rules(json: json)
  }

  /// Reads and parses a rule file (see ``rules(fileContents:)``).
  /// - Throws: ``DXFaultRule/ParseError`` when the file cannot be read or holds a bad
  ///   rule, or is not JSON (the message starts with the path).
  public static func rules(contentsOfFile path: String) throws(DXFaultRule.ParseError) -> [DXFaultRule] {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ParseError(.unreadableFile, "Cannot read the fault file \(path): \(error.localizedDescription)")
    }
    do {
      return try rules(fileContents: data)
    } catch {
      var prefixed = error
      prefixed.message = "\(path): \(error.message)"
      throw prefixed
    }
  }
}
