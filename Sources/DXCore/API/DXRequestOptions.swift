/// The `DXHTTPRequest` arguments a generated wrapper passes through (dxpy's `**kwargs`).
public struct DXRequestOptions: Sendable {
  /// Extra headers.
  public var headers: DXHTTPHeaders
  /// How to authenticate. Default: the configuration's security context.
  public var auth: DXAuth
  /// The timeout, or `nil` for the client's default (905 s).
  public var timeout: Duration?
  /// The retries allowed, or `nil` for the client's default (6).
  public var maxRetries: Int?
  /// Return the whole reply undecoded. Default `false`.
  public var wantFullResponse: Bool
  /// Decode the body. Default `true`.
  public var decodeResponseBody: Bool

  /// Creates options; every default is `DXHTTPRequest`'s.
  public init(
    headers: DXHTTPHeaders = [:], auth: DXAuth = .securityContext, timeout: Duration? = nil,
    maxRetries: Int? = nil, wantFullResponse: Bool = false, decodeResponseBody: Bool = true
  ) {
    self.headers = headers
    self.auth = auth
    self.timeout = timeout
    self.maxRetries = maxRetries
    self.wantFullResponse = wantFullResponse
    self.decodeResponseBody = decodeResponseBody
  }
}
