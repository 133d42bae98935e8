import DXWire

extension DXFaultRule {
  /// Which requests a rule (or a stub) applies to.
  ///
  /// Every given criterion must hold:
  /// - ``method`` (case-insensitive; `nil` for any) and ``path`` (a glob, see ``DXFaultRule``);
  /// - ``query`` and ``headers``: each named query argument or header field satisfies its
  ///   ``ValuePattern`` (present, absent, exact, regular expression; header names are
  ///   case-insensitive);
  /// - ``body``: the body is JSON containing this value (`JSONSubset`: `{"input":{"name":"x"}}`
  ///   matches any body whose `input.name` is `"x"`);
  /// - ``objectClass`` and ``objectID``: the first path segment shaped like an object ID
  ///   (`file-B12…` in `/file-B12…/close` or in an upload URL) has this class (`file`) or matches this
  ///   glob (`file-B12*`);
  /// - ``token`` and ``user``: the bearer token, or the user it authenticates as (`user-alice`);
  /// - ``attempt``: the request is the N-th attempt (1-based) of its logical operation: the same
  ///   method, path and body (its nonce left out), or the same file part for uploads; the count
  ///   starts again after a complete 2xx answer. "The second attempt of each upload part" is
  ///   `{"method":"PUT","path":"/F/upload/*","attempt":2}`.
  ///
  /// JSON: `{"method":…,"path":…,"query":{"name":PATTERN},"headers":{"Name":PATTERN},"body":{…},
  /// "objectClass":"file","objectID":"file-*","token":…,"user":…,"attempt":2}`. Spec words:
  /// `query.NAME=V`, `header.NAME=V` (`*` present, `!` absent, `~REGEX`), `match=JSON` (the body subset),
  /// `class=file`, `object=GLOB`, `token=T`, `user=U`, `attempt=N`.
  public struct Match: Sendable, Hashable {
    /// The upper-case method, or `nil` for any method.
    public let method: String?
    /// The path glob (`*` matches any run of characters, `/` included).
    public let path: String
    /// Query arguments and their patterns, by name.
    public let query: [String: ValuePattern]
    /// Header fields and their patterns, by name (matched case-insensitively).
    public let headers: [String: ValuePattern]
    /// A JSON value the body must contain, or `nil`.
    public let body: DXJSON?
    /// The object class in the path (`file`, `project`, …), or `nil`.
    public let objectClass: String?
    /// A glob the object ID in the path must match, or `nil`.
    public let objectID: String?
    /// The bearer token, or `nil`.
    public let token: String?
    /// The user ID the token authenticates as, or `nil`.
    public let user: String?
    /// The attempt number (1-based) within the logical operation, or `nil`.
    public let attempt: Int?
    let glob: PathGlob
    private let objectGlob: PathGlob?
    /// Whether any criterion beyond method and path is set.
    let hasDetails: Bool

    /// Creates a match.
    /// - Parameters:
    ///   - method: The method (case-insensitive), or `nil` or `"*"` (the default) for any.
    ///   - path: The path glob; the default `"*"` matches every path.
    ///   - query: Query-argument patterns by name; default none.
    ///   - headers: Header patterns by name; default none.
    ///   - body: A JSON value the body must contain; default `nil`.
    ///   - objectClass: The object class in the path; default `nil`.
    ///   - objectID: A glob for the object ID in the path; default `nil`.
    ///   - token: The bearer token; default `nil`.
    ///   - user: The authenticated user's ID; default `nil`.
    ///   - attempt: The attempt number, at least 1; default `nil`.
    /// - Throws: ``DXFaultRule/ParseError`` naming the field (prefixed `match.`).
    public init(
      method: String? = nil, path: String = "*", query: [String: ValuePattern] = [:],
      headers: [String: ValuePattern] = [:], body: DXJSON? = nil, objectClass: String? = nil,
      objectID: String? = nil, token: String? = nil, user: String? = nil, attempt: Int? = nil
    ) throws(DXFaultRule.ParseError) {
      if let method, method != "*" {
        guard !method.isEmpty, method.count <= 32, method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
          throw .invalid("match.method must be an HTTP method such as POST, got \"\(method)\"")
        }
        self.method = method.uppercased()
      } else {
        self.method = nil
      }
      guard !path.isEmpty, path.count <= 2048, path.hasPrefix("/") || path.hasPrefix("*"),
        !path.contains(where: { $0.isWhitespace || $0.isNewline })
      else {
        throw .invalid(
          "match.path must be a path glob starting with / or * (no spaces), got \"\(path)\"")
      }
      for name in headers.keys where !Self.isToken(name) {
        throw .invalid("match.headers has \"\(name)\", which is not a header name")
      }
      for name in query.keys where name.isEmpty {
        throw .invalid("match.query has an empty argument name")
      }
      if let objectClass {
        guard !objectClass.isEmpty, objectClass.count <= 32,
          objectClass.allSatisfy({ $0.isASCII && $0.isLowercase })
        else {
          throw .invalid("match.objectClass must be a class name such as file, got \"\(objectClass)\"")
        }
      }
      if let objectID {
        guard !objectID.isEmpty, objectID.count <= 128,
          !objectID.contains(where: { $0.isWhitespace || $0 == "/" })
        else {
          throw .invalid("match.objectID must be an object ID or glob such as file-*, got \"\(objectID)\"")
        }
      }
      if let token, token.isEmpty { throw .invalid("match.token must not be empty") }
      if let user, user.isEmpty { throw .invalid("match.user must not be empty") }
      if let attempt, attempt < 1 {
        throw .invalid("match.attempt must be an integer of at least 1, got \(attempt)")
      }
      self.path = path
      self.query = query
      self.headers = headers
      self.body = body
      self.objectClass = objectClass
      self.objectID = objectID
      self.token = token
      self.user = user
      self.attempt = attempt
      self.glob = PathGlob(path)
      self.objectGlob = objectID.map(PathGlob.init)
      self.hasDetails =
        !query.isEmpty || !headers.isEmpty || body != nil || objectClass != nil || objectID != nil
        || token != nil || user != nil || attempt != nil
    }

    private static func isToken(_ name: String) -> Bool {
      !name.isEmpty && name.count <= 256
        && name.unicodeScalars.allSatisfy {
          $0.isASCII && $0.value > 32 && $0.value < 127 && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains($0)
        }
    }

    /// Whether a request with `method` and `path` (no query string) matches the method and path.
    public func matches(method requestMethod: String, path requestPath: String) -> Bool {
      if let method, method != requestMethod, method != requestMethod.uppercased() { return false }
      return glob.matches(requestPath)
    }

    /// Whether a request (whose method and path already match) meets the finer criteria.
    func matchesDetails(_ subject: MatchSubject) -> Bool {
      if let attempt, subject.attempt != attempt { return false }
      let request = subject.request
      for (name, pattern) in query where !pattern.matches(request.queryValue(name)) { return false }
      for (name, pattern) in headers where !pattern.matches(request.headers[name]) { return false }
      if let objectClass, subject.object?.objectClass != objectClass { return false }
      if let objectGlob {
        guard let id = subject.object?.id, objectGlob.matches(id) else { return false }
      }
      if let token, subject.token != token { return false }
      if let user, subject.user != user { return false }
      if let body {
        guard let json = subject.bodyJSON, JSONSubset.contains(json, body) else { return false }
      }
      return true
    }

    /// Whether the finer criteria need the request body (`body`, or `attempt`, which hashes it).
    var needsBody: Bool { body != nil || attempt != nil }

    public static func == (lhs: Match, rhs: Match) -> Bool {
      lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.headers == rhs.headers
        && lhs.body == rhs.body && lhs.objectClass == rhs.objectClass && lhs.objectID == rhs.objectID
        && lhs.token == rhs.token && lhs.user == rhs.user && lhs.attempt == rhs.attempt
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(method)
      hasher.combine(path)
      hasher.combine(attempt)
      hasher.combine(objectID)
    }
  }
}
