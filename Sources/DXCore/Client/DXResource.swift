/// What a request is sent to: dxpy's `resource` argument.
public enum DXResource: Sendable {
  /// A route such as `/record/new`, appended to the API server (or a full URL when
  /// `prependServer` is false).
  case route(String)
  /// A closure called before every attempt that returns the URL and extra headers; the caller's
  /// headers are laid over the returned ones. Used for part uploads that need a fresh pre-signed URL
  /// on each retry. The URL is used as is.
  case perAttempt(@Sendable () async throws -> (url: String, headers: DXHTTPHeaders))
}

extension DXResource: ExpressibleByStringLiteral {
  /// A route or URL literal.
  public init(stringLiteral value: String) { self = .route(value) }
}

/// The body of a request: dxpy's `data` argument.
public enum DXRequestData: Sendable {
  /// A JSON value, serialized as Python's `json.dumps` does (requires `jsonifyData: true`).
  case json(DXJSON)
  /// Raw bytes (requires `jsonifyData: false`).
  case bytes([UInt8])
  /// UTF-8 text (requires `jsonifyData: false`).
  case text(String)
  /// A re-readable stream, rewound before each retry (requires `jsonifyData: false`).
  case stream(any DXRequestBodyStream)
}

extension DXRequestData: ExpressibleByDictionaryLiteral {
  /// A JSON object literal.
  public init(dictionaryLiteral elements: (String, DXJSON)...) {
    var members: [String: DXJSON] = [:]
    for (key, value) in elements { members[key] = value }
    self = .json(.object(members))
  }
}

/// How a request authenticates: dxpy's `auth` argument.
public enum DXAuth: Sendable {
  /// The configuration's security context (dxpy's `auth=True`); none is sent when it has none.
  case securityContext
  /// This security context (dxpy's `auth=DXHTTPOAuth2(ctx)`).
  case context(DXSecurityContext)
  /// No authentication (dxpy's `auth=None`).
  case none
  /// A closure called once per call, before the first attempt, with the method, the URL (`nil` for a
  /// per-attempt resource) and the headers to change.
  case custom(@Sendable (_ method: String, _ url: String?, _ headers: inout DXHTTPHeaders) throws -> Void)
}
