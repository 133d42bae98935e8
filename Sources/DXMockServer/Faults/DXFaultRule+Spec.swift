import DXWire

extension DXFaultRule {
  /// The one-line spec syntax, for help texts.
  public static let specHelp: String = """
    A fault spec is one line: [METHOD] [PATH] FAULT [key=value ...]
      METHOD  an HTTP method (GET, POST, ...); omitted = any method
      PATH    a path glob starting with / or *; '*' matches any run of
              characters, '/' included (/file-*/close); omitted = every path
      FAULT   one of:
        status=CODE [retryAfter=SECONDS] [errorType=TYPE] [message=TEXT]
                              the platform's error body with that status
        truncate sendBytes=N  real Content-Length, N body bytes, close
                              (or truncate=N)
        noContentLength       close-delimited body that is not JSON
        reset                 TCP reset, no response
        empty                 close with no response
        delay ms=N            wait N ms, then answer normally (or delay=N)
        status=CODE body=TEXT [contentType=T] | json=JSON | s3Error=CODE
                              a body of your choice (raw text/HTML, JSON,
                              S3's XML error); replyHeader.NAME=V adds headers
        encoding=gzip|deflate [corrupt=true]
                              the real body encoded (or undecodable)
        redirect=301|302|307|308 location=URL
        trickle=BYTES_PER_SECOND    the body sent slowly
        stall afterBytes=K ms=T     K body bytes, a pause of T ms, the rest
        bandwidth=BYTES_PER_SECOND  upload received and body sent at that rate
        resetAfterReceived=K        TCP reset after K request-body bytes
        latency=fixed ms=N | uniform min=A max=B | normal mean=M stddev=S
                | pareto scale=S shape=A      a seeded random delay
      match, optional:
        query.NAME=V   header.NAME=V   (V: exact, * present, ! absent, ~REGEX)
        match=JSON     the body contains this JSON (match='{"name":"x"}')
        class=file     object=GLOB    token=T    user=USER-ID    attempt=N
      schedule, optional:
        times=N        apply at most N times
        skip=K         let the first K matching requests through
        every=K        every K-th matching request after the skipped ones
        probability=P  0..1 or a percentage; repeatable with a seed
        id=NAME        name the rule (for DELETE /__admin/faults/NAME)
    Quote values with spaces: message="Down for maintenance".
    Examples:
      POST /system/whoami status=503 retryAfter=2 times=2
      /file-*/close truncate sendBytes=10 skip=1
      * delay=200 probability=0.5
    """

  private static let methodWords: Set<String> = [
    "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT",
  ]
  /// Words (lower-cased) that name a fault, alone or as `word=value`, and the fault type.
  private static let faultWords: [String: String] = [
    "status": "status", "truncate": "truncate", "nocontentlength": "noContentLength", "reset": "reset",
    "empty": "empty", "delay": "delay", "encoding": "encoding", "redirect": "redirect",
    "trickle": "trickle", "stall": "stall", "bandwidth": "bandwidth",
    "resetafterreceived": "resetAfterReceived", "latency": "latency",
  ]
  /// Spec keys (lower-cased) and their canonical spelling.
  private static let specKeys: [String: String] = {
    let keys = [
      "status", "retryAfter", "errorType", "message", "sendBytes", "ms", "truncate", "delay", "times", "skip",
      "every", "probability", "id", "method", "path", "body", "json", "s3Error", "contentType", "encoding",
      "corrupt", "redirect", "location", "trickle", "stall", "afterBytes", "bandwidth", "resetAfterReceived",
      "latency", "min", "max", "mean", "stddev", "scale", "shape", "class", "object", "token", "user",
      "attempt", "match",
    ]
    return Dictionary(uniqueKeysWithValues: keys.map { ($0.lowercased(), $0) })
  }()
  /// The fault-option keys and the fault types they belong to.
  private static let optionOwners: [String: Set<String>] = [
    "retryAfter": ["status"], "errorType": ["status"], "message": ["status"], "body": ["status"],
    "json": ["status"], "s3Error": ["status"], "contentType": ["status"], "sendBytes": ["truncate"],
    "ms": ["delay", "stall", "latency"], "corrupt": ["encoding"], "location": ["redirect"],
    "afterBytes": ["stall"], "min": ["latency"], "max": ["latency"], "mean": ["latency"],
    "stddev": ["latency"], "scale": ["latency"], "shape": ["latency"],
  ]

  /// Parses a one-line fault spec (the syntax is in ``specHelp``).
  ///
  /// Words are `[METHOD] [PATH] FAULT [key=value …]`: a leading HTTP method word, then a word
  /// starting with `/` or `*` as the path glob, then the fault (`status=503`, `truncate sendBytes=10`,
  /// `truncate=10`, `noContentLength`, `reset`, `empty`, `delay ms=200`, `delay=200`, …) and its
  /// options, the finer match criteria (`query.NAME=`, `header.NAME=`, `match=` (a JSON subset of the body), `class=`, `object=`,
  /// `token=`, `user=`, `attempt=`) and the schedule (`times`, `skip`, `every`, `probability`, `id`) in
  /// any order. Keys are case-insensitive; each may appear once.
  /// - Throws: ``DXFaultRule/ParseError`` naming the bad word or key.
  public init(spec: String) throws(DXFaultRule.ParseError) {
    do {
      self = try Self.parseSpec(spec)
    } catch {
      throw .invalid("Bad fault spec \"\(spec)\": \(error.message)")
    }
  }

  /// The words of a spec after the method and path: the fault type, its values, and the finer criteria.
  private struct SpecWords {
    var type: String?
    var values: [String: String] = [:]
    var query: [String: ValuePattern] = [:]
    var headers: [String: ValuePattern] = [:]
    var replyHeaders: [DXHTTPHeaders.Field] = []

    mutating func setType(_ faultType: String) throws(DXFaultRule.ParseError) {
      if let type, type != faultType {
        throw .invalid("two faults are given (\(type) and \(faultType)); use one rule per fault")
      }
      type = faultType
    }
  }

  private static func parseSpec(_ spec: String) throws(DXFaultRule.ParseError) -> DXFaultRule {
    var words = try FaultSpecLexer.words(spec)[...]
    guard !words.isEmpty else { throw .invalid("it is empty; \(shortUsage)") }
    var method: String?
    var path: String?
    if let first = words.first, faultWords[first.lowercased()] == nil, !first.contains("="),
      methodWords.contains(first.uppercased()) || isUpperCaseWord(first)
    {
      method = first
      words.removeFirst()
    }
    if let first = words.first, first.hasPrefix("/") || first.hasPrefix("*") {
      path = first
      words.removeFirst()
    }
    var parsed = SpecWords()
    for word in words {
      guard let equals = word.firstIndex(of: "=") else {
        if let faultType = faultWords[word.lowercased()] {
          try parsed.setType(faultType)
        } else if word.hasPrefix("/") {
          throw .invalid("the path \"\(word)\" must come before the fault")
        } else {
          throw .invalid("\"\(word)\" is not a fault or key=value; \(shortUsage)")
        }
        continue
      }
      let rawKey = String(word[..<equals])
      let value = String(word[word.index(after: equals)...])
      let lowered = rawKey.lowercased()
      if let dot = rawKey.firstIndex(of: "."),
        ["query", "header", "replyheader"].contains(lowered.prefix { $0 != "." })
      {
        let name = String(rawKey[rawKey.index(after: dot)...])
        guard !name.isEmpty else { throw .invalid("\(rawKey) needs a name after the dot") }
        switch lowered.prefix(while: { $0 != "." }) {
        case "query":
          guard parsed.query[name] == nil else { throw .invalid("\(rawKey) is given twice") }
          parsed.query[name] = try ValuePattern.parse(spec: value, field: "match.query.\(name)")
        case "header":
          guard parsed.headers[name] == nil else { throw .invalid("\(rawKey) is given twice") }
          parsed.headers[name] = try ValuePattern.parse(spec: value, field: "match.headers.\(name)")
        default:
          parsed.replyHeaders.append(DXHTTPHeaders.Field(name: name, value: value))
        }
        continue
      }
      guard let key = specKeys[lowered] else {
        throw .invalid("\"\(rawKey)\" is not a known key; \(shortUsage)")
      }
      guard parsed.values[key] == nil else { throw .invalid("\(key) is given twice") }
      if key == "method" || key == "path" {
        guard (key == "method" ? method : path) == nil else { throw .invalid("\(key) is given twice") }
        if key == "method" { method = value } else { path = value }
        continue
      }
      if let faultType = faultWords[lowered] { try parsed.setType(faultType) }
      parsed.values[key] = value
    }
    guard let type = parsed.type else { throw .invalid("no fault is given; \(shortUsage)") }
    var values = parsed.values
    let match = try specMatch(method: method, path: path, parsed: parsed, values: &values)
    let fault = try fault(type: type, values: &values, replyHeaders: parsed.replyHeaders)
    for (key, owners) in optionOwners where values[key] != nil && !owners.contains(type) {
      throw .invalid("\(key) does not apply to a \(type) fault")
    }
    var id: String?
    if let value = values["id"] {
      try validate(id: value)
      id = value
    }
    return try DXFaultRule(
      id: id, match: match, fault: fault,
      times: try integer(values["times"], "times"), skip: try integer(values["skip"], "skip") ?? 0,
      every: try integer(values["every"], "every", minimum: 1) ?? 1,
      probability: try probability(values["probability"]) ?? 1)
  }

  private static func specMatch(
    method: String?, path: String?, parsed: SpecWords, values: inout [String: String]
  ) throws(DXFaultRule.ParseError) -> Match {
    var body: DXJSON?
    if let text = values.removeValue(forKey: "match") {
      do {
        body = try DXJSON(parsing: text)
      } catch {
        throw .invalid("match.body must be JSON (quote it: match='{\"name\":\"x\"}'), got \(text)")
      }
    }
    return try Match(
      method: method, path: path ?? "*", query: parsed.query, headers: parsed.headers, body: body,
      objectClass: values.removeValue(forKey: "class"), objectID: values.removeValue(forKey: "object"),
      token: values.removeValue(forKey: "token"), user: values.removeValue(forKey: "user"),
      attempt: try integer(values.removeValue(forKey: "attempt"), "attempt", minimum: 1))
  }

  private static let shortUsage =
    "expected [METHOD] [PATH] FAULT [key=value ...], e.g. 'POST /system/whoami status=503 times=2'"

  private static func isUpperCaseWord(_ word: String) -> Bool {
    !word.isEmpty && word.count <= 32 && word.allSatisfy { $0.isASCII && $0.isUppercase }
  }

  private static func fault(
    type: String, values: inout [String: String], replyHeaders: [DXHTTPHeaders.Field]
  ) throws(DXFaultRule.ParseError) -> DXFault {
    switch type {
    case "status":
      guard let code = try integer(values.removeValue(forKey: "status"), "status") else {
        throw .invalid("a status fault needs status=CODE")
      }
      var retryAfter = values.removeValue(forKey: "retryAfter")
      if let text = retryAfter, let seconds = Int(text) {
        guard seconds >= 0 else { throw .invalid("retryAfter must not be negative, got \(seconds)") }
        retryAfter = String(seconds)
      }
      let errorType = values.removeValue(forKey: "errorType")
      let message = values.removeValue(forKey: "message")
      let text = values.removeValue(forKey: "body")
      let jsonText = values.removeValue(forKey: "json")
      let s3Error = values.removeValue(forKey: "s3Error")
      let contentType = values.removeValue(forKey: "contentType")
      if text == nil, jsonText == nil, s3Error == nil, contentType == nil, replyHeaders.isEmpty {
        return .status(code: code, retryAfter: retryAfter, errorType: errorType, message: message)
      }
      var object: [String: DXJSON] = ["type": "status", "status": .integer(code)]
      if let retryAfter { object["retryAfter"] = .string(retryAfter) }
      if let errorType { object["errorType"] = .string(errorType) }
      if let message { object["message"] = .string(message) }
      if let text { object["body"] = .string(text) }
      if let jsonText {
        do { object["json"] = try DXJSON(parsing: jsonText) } catch {
          throw .invalid("json must be JSON (quote it: json='{\"a\":1}'), got \(jsonText)")
        }
      }
      if let s3Error { object["s3Error"] = .string(s3Error) }
      if let contentType { object["contentType"] = .string(contentType) }
      if !replyHeaders.isEmpty {
        object["headers"] = FaultJSONFields.json(headers: replyHeaders)
      }
      return try DXFault(json: .object(object), field: "fault")
    case "truncate":
      let short = try integer(values.removeValue(forKey: "truncate"), "truncate")
      let long = try integer(values.removeValue(forKey: "sendBytes"), "sendBytes")
      if short != nil, long != nil { throw .invalid("give either truncate=N or sendBytes=N, not both") }
      guard let sendBytes = short ?? long else { throw .invalid("a truncate fault needs sendBytes=N") }
      return .truncate(sendBytes: sendBytes)
    case "delay":
      let short = try integer(values.removeValue(forKey: "delay"), "delay")
      let long = try integer(values.removeValue(forKey: "ms"), "ms")
      if short != nil, long != nil { throw .invalid("give either delay=N or ms=N, not both") }
      guard let ms = short ?? long else { throw .invalid("a delay fault needs ms=N") }
      return .delay(ms: ms)
    case "encoding":
      guard let name = values.removeValue(forKey: "encoding"),
        let encoding = DXFault.ContentEncoding(rawValue: name)
      else { throw .invalid("an encoding fault needs encoding=gzip or encoding=deflate") }
      let corrupt = values.removeValue(forKey: "corrupt")
      guard corrupt == nil || corrupt == "true" || corrupt == "false" else {
        throw .invalid("corrupt must be true or false, got \"\(corrupt ?? "")\"")
      }
      return .encoded(encoding, corrupt: corrupt == "true")
    case "redirect":
      let status = try integer(values.removeValue(forKey: "redirect"), "redirect") ?? 307
      guard let location = values.removeValue(forKey: "location") else {
        throw .invalid("a redirect needs location=URL")
      }
      return .redirect(status: status, location: location)
    case "trickle", "bandwidth":
      guard let rate = try integer(values.removeValue(forKey: type), type, minimum: 1) else {
        throw .invalid("a \(type) fault needs \(type)=BYTES_PER_SECOND")
      }
      return type == "trickle" ? .trickle(bytesPerSecond: rate) : .bandwidth(bytesPerSecond: rate)
    case "stall":
      if let value = values.removeValue(forKey: "stall"), !value.isEmpty {
        throw .invalid("write a stall as 'stall afterBytes=K ms=T', got stall=\(value)")
      }
      guard let ms = try integer(values.removeValue(forKey: "ms"), "ms") else {
        throw .invalid("a stall fault needs ms=N")
      }
      return .stall(
        afterBytes: try integer(values.removeValue(forKey: "afterBytes"), "afterBytes") ?? 0, ms: ms)
    case "resetAfterReceived":
      guard let bytes = try integer(values.removeValue(forKey: "resetAfterReceived"), "resetAfterReceived")
      else {
        throw .invalid("write resetAfterReceived=BYTES")
      }
      return .resetAfterReceived(bytes: bytes)
    case "latency":
      let name = values.removeValue(forKey: "latency") ?? "fixed"
      var object: [String: DXJSON] = ["type": "latency", "distribution": .string(name)]
      for key in ["ms", "min", "max", "mean", "stddev", "scale"] {
        if let value = try integer(values.removeValue(forKey: key), key) { object[key] = .integer(value) }
      }
      if let text = values.removeValue(forKey: "shape") {
        guard let shape = Double(text) else { throw .invalid("shape must be a number, got \"\(text)\"") }
        object["shape"] = .double(shape)
      }
      return try DXFault(json: .object(object), field: "fault")
    case "noContentLength": return .noContentLength
    case "reset": return .reset
    default: return .empty
    }
  }

  private static func integer(_ text: String?, _ key: String, minimum: Int = 0) throws(DXFaultRule.ParseError)
    -> Int?
  {
    guard let text else { return nil }
    guard let value = Int(text) else {
      throw .invalid("\(key) must be an integer, got \"\(text)\"")
    }
    guard value >= minimum else {
      let what = minimum == 0 ? "a non-negative integer" : "an integer of at least \(minimum)"
      throw .invalid("\(key) must be \(what), got \(value)")
    }
    return value
  }

  private static func probability(_ text: String?) throws(DXFaultRule.ParseError) -> Double? {
    guard let text else { return nil }
    let isPercent = text.hasSuffix("%")
    guard let number = Double(isPercent ? String(text.dropLast()) : text), number.isFinite else {
      throw .invalid("probability must be a number from 0 to 1 (or a percentage), got \"\(text)\"")
    }
    let value = isPercent ? number / 100 : number
    guard (0...1).contains(value) else {
      throw .invalid("probability must be a number from 0 to 1 (or a percentage), got \"\(text)\"")
    }
    return value
  }

  /// The rule in the one-line spec syntax (``init(spec:)`` parses it back to an equal rule), e.g.
  /// `POST /system/whoami status=503 retryAfter=2 times=2`.
  public var spec: String {
    var words: [String] = []
    if let method = match.method { words.append(method) }
    words.append(FaultSpecLexer.quoted(match.path))
    words.append(fault.summary)
    words.append(contentsOf: match.specWords)
    if let times { words.append("times=\(times)") }
    if skip != 0 { words.append("skip=\(skip)") }
    if every != 1 { words.append("every=\(every)") }
    if probability != 1 { words.append("probability=\(probability)") }
    if let id { words.append("id=\(id)") }
    return words.joined(separator: " ")
  }
}
