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
  private static let faultWords: [String: String] = [
    "status": "status", "truncate": "truncate", "nocontentlength": "noContentLength", "reset": "reset",
    "empty": "empty", "delay": "delay",
  ]
  /// Spec keys (lower-cased) and their canonical spelling.
  private static let specKeys: [String: String] = [
    "status": "status", "retryafter": "retryAfter", "errortype": "errorType", "message": "message",
    "sendbytes": "sendBytes", "ms": "ms", "truncate": "truncate", "delay": "delay", "times": "times",
    "skip": "skip", "every": "every", "probability": "probability", "id": "id", "method": "method",
    "path": "path",
  ]

  /// Parses a one-line fault spec (the syntax is in ``specHelp``).
  ///
  /// Words are `[METHOD] [PATH] FAULT [key=value …]`: a leading HTTP method word, then a word
  /// starting with `/` or `*` as the path glob, then the fault (`status=503`, `truncate sendBytes=10`,
  /// `truncate=10`, `noContentLength`, `reset`, `empty`, `delay ms=200`, `delay=200`) and its
  /// options and the schedule (`times`, `skip`, `every`, `probability`, `id`) in any order. Keys are
  /// case-insensitive; each may appear once.
  /// - Throws: ``DXFaultRule/ParseError`` naming the bad word or key.
  public init(spec: String) throws(DXFaultRule.ParseError) {
    do {
      self = try Self.parseSpec(spec)
    } catch {
      throw .invalid("Bad fault spec \"\(spec)\": \(error.message)")
    }
  }

  private static func parseSpec(_ spec: String) throws(DXFaultRule.ParseError) -> DXFaultRule {
    var words = try FaultSpecLexer.words(spec)[...]
    guard !words.isEmpty else { throw .invalid("it is empty; \(shortUsage)") }
    var method: String?
    var path: String?
    if let first = words.first, faultWords[first.lowercased()] == nil,
      methodWords.contains(first.uppercased()) || isUpperCaseWord(first)
    {
      method = first
      words.removeFirst()
    }
    if let first = words.first, first.hasPrefix("/") || first.hasPrefix("*") {
      path = first
      words.removeFirst()
    }
    var type: String?
    var values: [String: String] = [:]
    for word in words {
      if let equals = word.firstIndex(of: "=") {
        let rawKey = String(word[..<equals])
        let value = String(word[word.index(after: equals)...])
        guard let key = specKeys[rawKey.lowercased()] else {
          throw .invalid("\"\(rawKey)\" is not a known key; \(shortUsage)")
        }
        guard values[key] == nil else { throw .invalid("\(key) is given twice") }
        if key == "method" || key == "path" {
          guard (key == "method" ? method : path) == nil else { throw .invalid("\(key) is given twice") }
          if key == "method" { method = value } else { path = value }
          continue
        }
        if ["status", "truncate", "delay"].contains(key), let faultType = faultWords[key] {
          if let type, type != faultType {
            throw .invalid("two faults are given (\(type) and \(faultType)); use one rule per fault")
          }
          type = faultType
        }
        values[key] = value
      } else if let faultType = faultWords[word.lowercased()] {
        if let type, type != faultType {
          throw .invalid("two faults are given (\(type) and \(faultType)); use one rule per fault")
        }
        type = faultType
      } else if word.hasPrefix("/") {
        throw .invalid("the path \"\(word)\" must come before the fault")
      } else {
        throw .invalid("\"\(word)\" is not a fault or key=value; \(shortUsage)")
      }
    }
    guard let type else { throw .invalid("no fault is given; \(shortUsage)") }
    let fault = try fault(type: type, values: &values)
    for key in ["retryAfter", "errorType", "message", "sendBytes", "ms"] where values[key] != nil {
      throw .invalid("\(key) does not apply to a \(type) fault")
    }
    var id: String?
    if let value = values["id"] {
      try validate(id: value)
      id = value
    }
    return try DXFaultRule(
      id: id, match: Match(method: method, path: path ?? "*"), fault: fault,
      times: try integer(values["times"], "times"), skip: try integer(values["skip"], "skip") ?? 0,
      every: try integer(values["every"], "every", minimum: 1) ?? 1,
      probability: try probability(values["probability"]) ?? 1)
  }

  private static let shortUsage =
    "expected [METHOD] [PATH] FAULT [key=value ...], e.g. 'POST /system/whoami status=503 times=2'"

  private static func isUpperCaseWord(_ word: String) -> Bool {
    !word.isEmpty && word.count <= 32 && word.allSatisfy { $0.isASCII && $0.isUppercase }
  }

  private static func fault(type: String, values: inout [String: String]) throws(DXFaultRule.ParseError)
    -> DXFault
  {
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
      return .status(
        code: code, retryAfter: retryAfter, errorType: values.removeValue(forKey: "errorType"),
        message: values.removeValue(forKey: "message"))
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
    if let times { words.append("times=\(times)") }
    if skip != 0 { words.append("skip=\(skip)") }
    if every != 1 { words.append("every=\(every)") }
    if probability != 1 { words.append("probability=\(probability)") }
    if let id { words.append("id=\(id)") }
    return words.joined(separator: " ")
  }
}
