import DXWire
import Foundation

/// A canned answer (WireMock-style): requests that match get this response instead of the platform's.
///
/// JSON (admin API `POST /__admin/stubs`, `--stubs FILE`):
/// `{"id":"poll-1","priority":1,"match":{"method":"POST","path":"/job-*/describe"},
/// "response":{"status":200,"headers":{"X-A":"b"},"json":{"id":"{{request.objectID}}","state":"running"}},
/// "scenario":"job","requiredState":"Started","newState":"done"}`.
///
/// - `match`: as a fault rule's (``DXFaultRule/Match``): method, path glob, query, headers, a JSON
///   subset of the body, object class or ID, token or user, attempt.
/// - `response`: `status` (default 200), `headers`, and `json` (any JSON) or `body` (raw text, with
///   `contentType`). Strings are templates: `{{request.method}}`, `{{request.path}}`,
///   `{{request.path.N}}` (the N-th segment, from 0), `{{request.objectID}}`, `{{request.objectClass}}`,
///   `{{request.query.NAME}}`, `{{request.headers.NAME}}`, `{{request.body.a.b}}` (a member of the JSON
///   body; a JSON string that is exactly one such template takes the member's JSON value, not its
///   text), `{{request.id}}` (the `X-Request-ID`). Unknown references render as empty text.
/// - `priority`: smaller wins (default 5); ties go to the stub added first. Every stub wins over the
///   platform.
/// - `scenario`: the name of a state machine (it starts in `Started`); the stub answers only while the
///   scenario is in `requiredState` (when given), then moves it to `newState` (when given). So "answer
///   A until a transition, then B" is two stubs of one scenario.
public struct DXStub: Sendable, Hashable {
  /// The body of a stub's response.
  public enum Body: Sendable, Hashable {
    /// A JSON value (`Content-Type: application/json`).
    case json(DXJSON)
    /// Raw text.
    case text(String)
  }

  /// The stub's ID (`stub-1`, … unless it brings its own).
  public internal(set) var id: String?
  /// Which requests it answers.
  public var match: DXFaultRule.Match
  /// Smaller wins; default 5.
  public var priority: Int
  /// The status; default 200.
  public var status: Int
  /// Extra header fields.
  public var headers: [DXHTTPHeaders.Field]
  /// The body.
  public var body: Body
  /// The `Content-Type` for a text body (default `text/plain; charset=utf-8`), or `nil`.
  public var contentType: String?
  /// The scenario this stub belongs to, or `nil`.
  public var scenario: String?
  /// The scenario state the stub needs, or `nil` for any.
  public var requiredState: String?
  /// The state the scenario moves to when the stub answers, or `nil` to stay.
  public var newState: String?

  /// The state every scenario starts in.
  public static let startedState = "Started"

  /// Creates a stub, validating it.
  /// - Throws: ``DXFaultRule/ParseError`` naming the field.
  public init(
    id: String? = nil, match: DXFaultRule.Match, priority: Int = 5, status: Int = 200,
    headers: [DXHTTPHeaders.Field] = [], body: Body = .json(.object([:])), contentType: String? = nil,
    scenario: String? = nil, requiredState: String? = nil, newState: String? = nil
  ) throws(DXFaultRule.ParseError) {
    if let id { try DXFaultRule.validate(id: id) }
    if match.attempt != nil { throw .invalid("match.attempt applies to fault rules only, not to stubs") }
    guard (100...599).contains(status) else {
      throw .invalid("response.status must be an HTTP status from 100 to 599, got \(status)")
    }
    guard (-1_000_000...1_000_000).contains(priority) else {
      throw .invalid("priority must be an integer from -1000000 to 1000000, got \(priority)")
    }
    for name in [scenario, requiredState, newState].compactMap({ $0 }) where name.isEmpty || name.count > 128
    {
      throw .invalid("scenario names and states must be 1 to 128 characters")
    }
    if scenario == nil, requiredState != nil || newState != nil {
      throw .invalid("requiredState and newState need a scenario")
    }
    for field in headers {
      guard !field.name.isEmpty,
        field.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
        !field.value.contains(where: \.isNewline)
      else { throw .invalid("response.headers has \"\(field.name)\", which is not a header on one line") }
    }
    self.id = id
    self.match = match
    self.priority = priority
    self.status = status
    self.headers = headers
    self.body = body
    self.contentType = contentType
    self.scenario = scenario
    self.requiredState = requiredState
    self.newState = newState
  }

  /// The response for `request`, its templates filled in.
  func response(for request: DXMockRequest, subject: MatchSubject) -> DXMockResponse {
    let template = StubTemplate(request: request, subject: subject)
    var response: DXMockResponse
    switch body {
    case .json(let value):
      response = .json(template.render(value), status: status)
    case .text(let text):
      response = DXMockResponse(
        status: status, headers: ["Content-Type": contentType ?? "text/plain; charset=utf-8"],
        body: Data(template.render(text).utf8))
    }
    for field in headers {
      let value = template.render(field.value).filter { !$0.isNewline }
      if DXHTTPHeaders.namesMatch(field.name, "Content-Type") {
        response.headers["Content-Type"] = value
      } else {
        response.headers.add(name: field.name, value: value)
      }
    }
    return response
  }
}
