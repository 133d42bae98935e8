import DXWire

extension DXFaultRule.Match {
  /// The members a match's JSON form may have.
  static let jsonMembers: Set<String> = [
    "method", "path", "query", "headers", "body", "objectClass", "objectID", "token", "user", "attempt",
  ]

  /// Parses a match's JSON form, strictly (see ``DXFaultRule/Match``).
  /// - Parameters:
  ///   - json: The match object.
  ///   - field: The field path used in error messages, e.g. `"match"` or `"faults[1].match"`.
  /// - Throws: ``DXFaultRule/ParseError`` naming the field.
  public init(json: DXJSON, field: String = "match") throws(DXFaultRule.ParseError) {
    let fields = try FaultJSONFields(json, path: field)
    try fields.rejectUnknown(allowed: Self.jsonMembers)
    let query = try Self.patterns(fields, "query")
    let headers = try Self.patterns(fields, "headers")
    do {
      try self.init(
        method: try fields.string("method"), path: try fields.string("path") ?? "*", query: query,
        headers: headers, body: fields.value("body"), objectClass: try fields.string("objectClass"),
        objectID: try fields.string("objectID"), token: try fields.string("token"),
        user: try fields.string("user"), attempt: try fields.integer("attempt", minimum: 1))
    } catch {
      // The initializer names fields from `match.`; say where this match sits.
      var message = error.message
      if message.hasPrefix("match."), field != "match" { message = field + message.dropFirst(5) }
      throw .invalid(message)
    }
  }

  private static func patterns(_ fields: FaultJSONFields, _ key: String) throws(DXFaultRule.ParseError)
    -> [String: DXFaultRule.ValuePattern]
  {
    guard let value = fields.value(key) else { return [:] }
    let members = try FaultJSONFields(value, path: fields.name(key))
    var patterns: [String: DXFaultRule.ValuePattern] = [:]
    for (name, pattern) in members.members.sorted(by: { $0.key < $1.key }) {
      patterns[name] = try DXFaultRule.ValuePattern.parse(json: pattern, field: members.name(name))
    }
    return patterns
  }

  /// The match's JSON form (the inverse of ``init(json:field:)``).
  public var json: DXJSON {
    var object: [String: DXJSON] = ["path": .string(path)]
    if let method { object["method"] = .string(method) }
    if !query.isEmpty { object["query"] = .object(query.mapValues(\.json)) }
    if !headers.isEmpty { object["headers"] = .object(headers.mapValues(\.json)) }
    if let body { object["body"] = body }
    if let objectClass { object["objectClass"] = .string(objectClass) }
    if let objectID { object["objectID"] = .string(objectID) }
    if let token { object["token"] = .string(token) }
    if let user { object["user"] = .string(user) }
    if let attempt { object["attempt"] = .integer(attempt) }
    return .object(object)
  }

  /// The finer criteria as spec words (`query.x=1`, `header.X=*`, `body=…`, `class=file`, …).
  var specWords: [String] {
    var words: [String] = []
    for (name, pattern) in query.sorted(by: { $0.key < $1.key }) {
      words.append(FaultSpecLexer.quoted("query.\(name)=\(pattern.spec)"))
    }
    for (name, pattern) in headers.sorted(by: { $0.key < $1.key }) {
      words.append(FaultSpecLexer.quoted("header.\(name)=\(pattern.spec)"))
    }
    if let body { words.append(FaultSpecLexer.quoted("match=" + body.serializedString(sortedKeys: true))) }
    if let objectClass { words.append("class=\(objectClass)") }
    if let objectID { words.append("object=\(objectID)") }
    if let token { words.append(FaultSpecLexer.quoted("token=\(token)")) }
    if let user { words.append("user=\(user)") }
    if let attempt { words.append("attempt=\(attempt)") }
    return words
  }
}
