import DXMockServer
import DXWire

/// A fault rule written as a typed value, for ``DXMockServerTrait`` and
/// `withClient(_:faults:clientConfiguration:clock:random:logger:_:)`: no fault spec
/// strings and no `try` in a trait's arguments.
///
/// Start from the fault, then say where and when it applies:
///
/// ```swift
/// @Test(.dxMockServer(faults: [
///   .status(503, retryAfter: 2).on("POST", "/system/whoami").times(2),
///   .reset.on(path: "/file-*/close").skip(1),
///   .delay(ms: 200).probability(0.5),
/// ]))
/// ```
///
/// The values are checked when the server starts (``rule()``): a bad one fails the test there with
/// the field named, as `DXFaultRule.ParseError` does for the other forms. Any
/// `DXFault` fits through ``fault(_:)``.
public struct DXTestFault: Sendable, Hashable {
  /// The fault put on the wire.
  public var fault: DXFault
  /// The method matched, or `nil` for any.
  public var method: String?
  /// The path glob matched (`*` matches any run of characters, `/` included); default `"*"`.
  public var path: String = "*"
  /// The most times the fault is applied, or `nil` (the default) for no limit.
  public var times: Int?
  /// Matching requests let through before the rule can fire; default 0.
  public var skip = 0
  /// Fire on every `every`-th due request; default 1.
  public var every = 1
  /// The chance (0…1) that a due request fires the rule; default 1.
  public var probability: Double = 1
  /// The rule's ID, or `nil` (the default) to let the server assign `fault-N`.
  public var id: String?
  /// The attempt of one logical operation matched (1-based), or `nil` (the default) for any.
  public var attempt: Int?
  /// Header fields that must have these exact values; default none.
  public var headers: [String: String] = [:]
  /// A JSON value the request body must contain, or `nil` (the default).
  public var body: DXJSON?

  /// A rule applying `fault` to every request, every time (narrow it with the modifiers).
  public init(_ fault: DXFault) { self.fault = fault }

  // MARK: - Faults

  /// Any `DXFault`.
  public static func fault(_ fault: DXFault) -> DXTestFault { DXTestFault(fault) }

  /// HTTP `code` with the platform's error body.
  /// - Parameters:
  ///   - code: The status (200…599).
  ///   - retryAfter: Seconds for the `Retry-After` header, or `nil` (the default) for none.
  ///   - errorType: The body's error type, or `nil` (the default) for the platform's type for `code`.
  ///   - message: The body's message, or `nil` (the default) for a generated one.
  public static func status(
    _ code: Int, retryAfter: Int? = nil, errorType: String? = nil, message: String? = nil
  ) -> DXTestFault {
    DXTestFault(.status(code, retryAfter: retryAfter, errorType: errorType, message: message))
  }

  /// S3's XML error document with `code` (e.g. `RequestTimeout`) and HTTP `status` (default 400), as
  /// an upload URL's storage answers.
  public static func s3Error(_ code: String, status: Int = 400) -> DXTestFault {
    DXTestFault(.reply(DXFault.Reply(status: status, body: .s3(code: code, message: nil))))
  }

  /// HTTP `status` with `text` as the body (a proxy's HTML page, plain text).
  /// - Parameters:
  ///   - status: The status.
  ///   - text: The body.
  ///   - contentType: The `Content-Type`; default `text/html`.
  public static func page(_ status: Int, _ text: String, contentType: String = "text/html") -> DXTestFault {
    DXTestFault(.reply(DXFault.Reply(status: status, body: .text(text), contentType: contentType)))
  }

  /// The response body sent at `bytesPerSecond`.
  public static func trickle(bytesPerSecond: Int) -> DXTestFault {
    DXTestFault(.trickle(bytesPerSecond: bytesPerSecond))
  }

  /// `afterBytes` body bytes, a pause of `ms` milliseconds, then the rest.
  public static func stall(afterBytes: Int, ms: Int) -> DXTestFault {
    DXTestFault(.stall(afterBytes: afterBytes, ms: ms))
  }

  /// A TCP reset once `bytes` request-body bytes arrived.
  public static func resetAfterReceived(bytes: Int) -> DXTestFault {
    DXTestFault(.resetAfterReceived(bytes: bytes))
  }

  /// A seeded random delay, e.g. `.latency(.uniform(min: 10, max: 50))`.
  public static func latency(_ distribution: DXFault.Latency) -> DXTestFault {
    DXTestFault(.latency(distribution))
  }

  /// The real `Content-Length`, then only `sendBytes` bytes of the body, then the connection closes.
  public static func truncate(sendBytes: Int) -> DXTestFault { DXTestFault(.truncate(sendBytes: sendBytes)) }

  /// A close-delimited body that is not JSON, without `Content-Length`.
  public static var noContentLength: DXTestFault { DXTestFault(.noContentLength) }

  /// A TCP reset, no response.
  public static var reset: DXTestFault { DXTestFault(.reset) }

  /// The connection closes with no response.
  public static var empty: DXTestFault { DXTestFault(.empty) }

  /// The request waits `ms` milliseconds, then is answered normally.
  public static func delay(ms: Int) -> DXTestFault { DXTestFault(.delay(ms: ms)) }

  // MARK: - Where and when

  /// Applies the fault only to requests with `method` (`nil` for any) whose path matches the glob
  /// `path`.
  public func on(_ method: String? = nil, _ path: String = "*") -> DXTestFault {
    with {
      $0.method = method
      $0.path = path
    }
  }

  /// Applies the fault only to requests whose path matches the glob `path`, any method.
  public func on(path: String) -> DXTestFault { on(nil, path) }

  /// Applies the fault at most `count` times.
  public func times(_ count: Int) -> DXTestFault {
    with { $0.times = count }
  }

  /// Lets the first `count` matching requests through.
  public func skip(_ count: Int) -> DXTestFault {
    with { $0.skip = count }
  }

  /// Fires on every `count`-th due request.
  public func every(_ count: Int) -> DXTestFault {
    with { $0.every = count }
  }

  /// Fires a due request with chance `value` (0…1), drawn from the server's seeded generator.
  public func probability(_ value: Double) -> DXTestFault {
    with { $0.probability = value }
  }

  /// Names the rule (for `DXMockServer.removeFault(id:)`).
  public func id(_ name: String) -> DXTestFault {
    with { $0.id = name }
  }

  /// A copy with `change` applied.
  private func with(_ change: (inout DXTestFault) -> Void) -> DXTestFault {
    var copy = self
    change(&copy)
    return copy
  }

  /// Only the `n`-th attempt (1-based) of each logical operation: the same method, path and body
  /// (its nonce left out), or the same file part.
  public func attempt(_ n: Int) -> DXTestFault {
    with { $0.attempt = n }
  }

  /// Only requests whose header `name` is exactly `value`.
  public func header(_ name: String, _ value: String) -> DXTestFault {
    with { $0.headers[name] = value }
  }

  /// Only requests whose JSON body contains `subset` (e.g. `["input": ["name": "x"]]`).
  public func body(containing subset: DXJSON) -> DXTestFault {
    with { $0.body = subset }
  }

  // MARK: - The rule

  /// The mock server's rule for this value.
  /// - Throws: `DXFaultRule.ParseError` naming the first invalid field.
  public func rule() throws(DXFaultRule.ParseError) -> DXFaultRule {
    var patterns: [String: DXFaultRule.ValuePattern] = [:]
    for (name, value) in headers {
      patterns[name] = try DXFaultRule.ValuePattern(.equals(value), field: "match.headers.\(name)")
    }
    let match = try DXFaultRule.Match(
      method: method, path: path, headers: patterns, body: body, attempt: attempt)
    return try DXFaultRule(
      id: id, match: match, fault: fault, times: times, skip: skip, every: every, probability: probability)
  }
}

extension DXMockServer {
  /// Adds the fault rule `fault` describes and returns its ID.
  /// - Throws: `DXFaultRule.ParseError` naming the first invalid field.
  @discardableResult
  public func addFault(_ fault: DXTestFault) throws(DXFaultRule.ParseError) -> String {
    addFault(try fault.rule())
  }
}
