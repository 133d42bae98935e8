import DXWire

/// One fault-injection rule: which requests it matches, the fault, and when it fires.
///
/// **Matching.** ``Match/method`` (case-insensitive; `nil` or `*` for any) and ``Match/path``, a glob
/// over the request path without its query string where `*` matches any run of characters,
/// `/` included (`*` alone, the default, matches everything; `/file-*/close` matches every file
/// close); optionally also query arguments, headers, a JSON subset of the body, the object class or ID
/// in the path, the token or user, and the attempt number of one logical operation (see ``Match``).
///
/// **Schedule.** The server counts the requests each rule matches (1, 2, 3, …). A matching request
/// fires the rule when all of these hold:
/// - it is past the first ``skip`` matching requests (default 0);
/// - counting from the first request after the skipped ones, it is the ``every``-th, 2×``every``-th, …
///   (default 1: each one; `every: 3` fires on the 3rd, 6th, … request after the skip);
/// - the rule has been applied fewer than ``times`` times (default `nil`: no limit);
/// - a draw from the rule's own seeded generator falls below ``probability`` (default 1: always;
///   the draw is made only when the conditions above hold).
///
/// So "fail the first 2 requests, then succeed" is `times: 2`; "let one through, then fail once" is
/// `skip: 1, times: 1`. A rule whose `times` is used up stays listed (remaining 0) until removed.
///
/// Delay rules add up: every firing delay rule delays the request. Of the other rules, the first
/// firing one in order decides the response; a later firing rule is then not applied (its `times`
/// is not used up), though it still counts the request as matched.
///
/// **Forms.** JSON (admin API, `--faults FILE`): `{"match":{"method":"POST","path":"/file-*/close"},
/// "fault":{"type":"status","status":503,"retryAfter":2},"times":2,"skip":0,"every":1,
/// "probability":1}` (``init(json:field:)``). One-liner (`--fault SPEC`): see ``specHelp`` and
/// ``init(spec:)``.
public struct DXFaultRule: Sendable, Hashable {
  /// The rule's ID (`fault-1`, `fault-2`, … when the server assigns it), or `nil` before it is added.
  ///
  /// A rule may bring its own ID (letters, digits, `.`, `_`, `-`; at most 64); adding a rule whose
  /// ID is already in use replaces that rule.
  public internal(set) var id: String?
  /// Which requests the rule matches.
  public let match: Match
  /// The fault.
  public let fault: DXFault
  /// The most times the fault is applied, or `nil` for no limit.
  public let times: Int?
  /// How many matching requests pass untouched before the rule can fire.
  public let skip: Int
  /// Fire on every `every`-th matching request after the skipped ones (1 = each).
  public let every: Int
  /// The chance (0…1) that an otherwise due request fires the rule.
  public let probability: Double

  /// Creates a rule, validating every value.
  /// - Parameters:
  ///   - id: An ID of your own, or `nil` (the default) to let the server assign `fault-N`.
  ///   - method: The method to match, or `nil` (the default) for any.
  ///   - path: The path glob; default `"*"`.
  ///   - fault: The fault.
  ///   - times: At most this many applications, or `nil` (the default) for no limit; ≥ 0.
  ///   - skip: Matching requests to let through first; default 0; ≥ 0.
  ///   - every: Fire on every `every`-th due request; default 1; ≥ 1.
  ///   - probability: Chance of firing when due; default 1; within 0…1.
  /// - Throws: ``DXFaultRule/ParseError`` naming the invalid field.
  public init(
    id: String? = nil, method: String? = nil, path: String = "*", fault: DXFault, times: Int? = nil,
    skip: Int = 0, every: Int = 1, probability: Double = 1
  ) throws(DXFaultRule.ParseError) {
    try self.init(
      id: id, match: Match(method: method, path: path), fault: fault, times: times, skip: skip,
      every: every, probability: probability)
  }

  /// Creates a rule from a ``Match``, validating every value (see
  /// ``init(id:method:path:fault:times:skip:every:probability:)``).
  /// - Throws: ``DXFaultRule/ParseError`` naming the invalid field.
  public init(
    id: String? = nil, match: Match, fault: DXFault, times: Int? = nil, skip: Int = 0, every: Int = 1,
    probability: Double = 1
  ) throws(DXFaultRule.ParseError) {
    if let id { try Self.validate(id: id) }
    try fault.validate(field: "fault")
    if fault.isReceivePhase, match.needsBody {
      throw .invalid(
        "match.\(match.body != nil ? "body" : "attempt") cannot be used with a \(fault.typeName) fault, "
          + "which is decided from the request head before the body arrives")
    }
    if let times, times < 0 { throw .invalid("times must be a non-negative integer, got \(times)") }
    guard skip >= 0 else { throw .invalid("skip must be a non-negative integer, got \(skip)") }
    guard every >= 1 else { throw .invalid("every must be an integer of at least 1, got \(every)") }
    guard probability.isFinite, (0...1).contains(probability) else {
      throw .invalid("probability must be a number from 0 to 1, got \(probability)")
    }
    self.id = id
    self.match = match
    self.fault = fault
    self.times = times
    self.skip = skip
    self.every = every
    self.probability = probability
  }

  /// Checks a rule ID: 1…64 characters from letters, digits, `.`, `_` and `-`.
  /// - Throws: ``DXFaultRule/ParseError``.
  static func validate(id: String) throws(DXFaultRule.ParseError) {
    guard !id.isEmpty, id.count <= 64,
      id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
    else {
      throw .invalid("id must be 1 to 64 letters, digits, '.', '_' or '-', got \"\(id)\"")
    }
  }

  /// Whether the rule matches a request with `method` and `path` (no query string), ignoring the
  /// finer criteria (query, headers, body, object, user, attempt).
  public func matches(method: String, path: String) -> Bool {
    match.matches(method: method, path: path)
  }

  /// Whether the schedule (without probability) lets the `matched`-th matching request (1-based)
  /// fire, given the rule was applied `applied` times already.
  func isDue(matched: Int, applied: Int) -> Bool {
    if let times, applied >= times { return false }
    guard matched > skip else { return false }
    return (matched - skip) % every == 0
  }
}
