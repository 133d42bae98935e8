import Foundation
import Logging

extension DXClient {
  /// Makes one API call with dxpy's `DXHTTPRequest` semantics, retrying as dxpy does.
  ///
  /// - Parameters:
  ///   - resource: A route (`"/system/whoami"`) appended to the API server, a full URL with
  ///     `prependServer: false`, or ``DXResource/perAttempt(_:)``: a closure called before every
  ///     attempt returning the URL and headers (the caller's `headers` win).
  ///   - data: The body. With `jsonifyData` a JSON value serialized as Python's `json.dumps`; otherwise
  ///     bytes, text or a stream rewound to its starting position before each retry. Default `{}`.
  ///   - method: Upper-cased. Default `POST`.
  ///   - headers: Extra headers. `Host` and `Content-Length` are dropped; `User-Agent` and
  ///     `DNAnexus-API: 1.0.0` are forced; `Content-Type: application/json` is added to a JSON POST that
  ///     has none; `Authorization` comes from `auth`. Names and values must be ASCII.
  ///   - auth: The configuration's security context (default), a given one, none, or a closure called
  ///     once before the first attempt.
  ///   - timeout: For connecting and for each read. Default ``Configuration/timeout`` (905 s).
  ///   - jsonifyData: Whether `data` is a JSON value to serialize. Default `true`.
  ///   - wantFullResponse: Return ``DXResponse/full(_:)`` right after the status checks, with no
  ///     Content-Length check and no decoding. Default `false`.
  ///   - decodeResponseBody: Decode the body as UTF-8 and, when the reply's `Content-Type` starts with
  ///     `application/json`, parse it (``DXResponse/json(_:)``); otherwise ``DXResponse/text(_:)``.
  ///     When `false`, ``DXResponse/bytes(_:)``. Default `true`.
  ///   - prependServer: Prepend the API server to a route. Default `true`.
  ///   - maxRetries: Retries allowed after failures that are not 503/429. Default
  ///     ``Configuration/maxRetries`` (6).
  ///   - alwaysRetry: The request is safe to repeat after failures without a usable reply (timeouts,
  ///     bad JSON). 5xx and 429 are retried regardless. Default `false`.
  /// - Returns: See ``DXResponse``.
  /// - Throws: ``DXAPIError`` (the platform's error), ``DXResponseError`` (a reply that could not be
  ///   used), ``DXTransportError`` (no reply), ``DXError`` (bad arguments, unsupported token type,
  ///   malformed error body), ``DXConfigurationError`` (the shared configuration failed to load).
  @discardableResult
  public func request(
    _ resource: DXResource, data: DXRequestData = .json([:]), method: String = "POST",
    headers: DXHTTPHeaders = [:], auth: DXAuth = .securityContext, timeout: Duration? = nil,
    jsonifyData: Bool = true, wantFullResponse: Bool = false, decodeResponseBody: Bool = true,
    prependServer: Bool = true, maxRetries: Int? = nil, alwaysRetry: Bool = false
  ) async throws -> DXResponse {
    let call = try prepareCall(
      resource, data: data, method: method, headers: headers, auth: auth, timeout: timeout,
      jsonifyData: jsonifyData, prependServer: prependServer)
    return try await perform(
      call, wantFullResponse: wantFullResponse, decodeResponseBody: decodeResponseBody,
      maxRetries: maxRetries ?? configuration.maxRetries, alwaysRetry: alwaysRetry, redirects: 0)
  }

  // MARK: - Preparing a call

  struct Call: Sendable {
    var method: String
    var url: String?
    var resource: DXResource
    var headers: DXHTTPHeaders
    var body: Body
    var timeout: Duration
    var prependServer: Bool
    var userAgent: String
    /// The headers every attempt sends (``DXClient/wireHeaders(_:userAgent:)`` of ``headers``),
    /// worked out once; `nil` for a per-attempt resource, whose attempts merge their own headers first.
    var wireHeaders: DXHTTPHeaders?
    /// The caller's `Range` header, for the retry log line.
    var range: String?

    enum Body: Sendable {
      case bytes(Data)
      case stream(any DXRequestBodyStream, start: UInt64)
    }
  }

  func prepareCall(
    _ resource: DXResource, data: DXRequestData, method: String, headers: DXHTTPHeaders, auth: DXAuth,
    timeout: Duration?, jsonifyData: Bool, prependServer: Bool
  ) throws -> Call {
    let method = method.uppercased()
    let platform = try callSettings()
    var headers = headers
    // Room for what is added below and in `wireHeaders` (Content-Type, Authorization, User-Agent,
    // DNAnexus-API): one allocation instead of one per growth.
    headers.fields.reserveCapacity(headers.fields.count + 4)
    var url: String?
    if case .route(let route) = resource {
      url = prependServer ? platform.apiServer + route : route
    }
    let body: Call.Body
    switch (data, jsonifyData) {
    case (.json(let value), true):
      body = .bytes(Data(value.pythonJSONBytes()))
      if method == "POST", !headers.contains("Content-Type") {
        headers.add(name: "Content-Type", value: "application/json")
      }
    case (.bytes(let bytes), false): body = .bytes(Data(bytes))
    case (.text(let text), false): body = .bytes(Data(text.utf8))
    case (.stream(let stream), false): body = .stream(stream, start: try stream.position())
    case (.json, false):
      throw DXError.invalidArgument("jsonifyData is false but data is a JSON value; pass .bytes or .text")
    case (_, true):
      throw DXError.invalidArgument("jsonifyData is true but data is not a JSON value")
    }
    switch auth {
    case .securityContext:
      if let context = platform.securityContext {
        headers.replaceOrAdd(name: "Authorization", value: try context.authorizationHeader())
      }
    case .context(let context):
      headers.replaceOrAdd(name: "Authorization", value: try context.authorizationHeader())
    case .none:
      break
    case .custom(let prepare):
      try prepare(method, url, &headers)
    }
    var wireHeaders: DXHTTPHeaders?
    if case .route = resource {
      wireHeaders = try Self.wireHeaders(headers, userAgent: platform.userAgent)
    }
    return Call(
      method: method, url: url, resource: resource, headers: headers, body: body,
      timeout: timeout ?? configuration.timeout, prependServer: prependServer, userAgent: platform.userAgent,
      wireHeaders: wireHeaders, range: headers["Range"])
  }

  /// The header fields sent for `headers`: `User-Agent` and `DNAnexus-API` forced, `Host` and
  /// `Content-Length` dropped (the transport sets them).
  /// - Throws: ``DXError/invalidHeader(_:)`` when a name or value is not ASCII.
  static func wireHeaders(_ headers: DXHTTPHeaders, userAgent: String) throws -> DXHTTPHeaders {
    var headers = headers
    headers.replaceOrAdd(name: "User-Agent", value: userAgent)
    headers.replaceOrAdd(name: "DNAnexus-API", value: DXConfiguration.apiVersion)
    headers.remove(name: "Host")
    headers.remove(name: "Content-Length")
    for field in headers {
      guard DXHTTPHeaders.isASCII(field.name) else {
        throw DXError.invalidHeader("header name '\(field.name)' is not ASCII")
      }
      guard DXHTTPHeaders.isASCII(field.value) else {
        throw DXError.invalidHeader("the value of header '\(field.name)' is not ASCII")
      }
    }
    return headers
  }

  /// What a call reads from ``currentPlatform()``, taken from ``platform`` without copying the whole
  /// configuration (a dozen strings and dictionaries retained and released per call).
  private func callSettings() throws(DXConfigurationError) -> (
    apiServer: String, securityContext: DXSecurityContext?, userAgent: String
  ) {
    if let settings = platform.map({ ($0.apiServer, $0.securityContext, $0.userAgent) }) { return settings }
    let shared = try DXConfiguration.shared
    return (shared.apiServer, shared.securityContext, shared.userAgent)
  }

  // MARK: - The retry loop

  func perform(
    _ call: Call, wantFullResponse: Bool, decodeResponseBody: Bool, maxRetries: Int, alwaysRetry: Bool,
    redirects: Int
  ) async throws -> DXResponse {
    var state = DXRetryPolicy.State(method: call.method, alwaysRetry: alwaysRetry, maxRetries: maxRetries)
    while true {
      let started = clock.now()
      let requestTime = started.timeIntervalSince1970
      let request: DXTransportRequest
      let range: String?
      do {
        (request, range) = try await buildRequest(call)
      } catch let error where Self.isExpectedCallbackError(error) {
        let failure = AttemptFailure(error: error, outcome: .init(failure: .resourceCallback))
        let decision = configuration.retryPolicy.decide(state, failure.outcome) { random.integer(in: $0) }
        guard case .retry(let delay) = decision else { throw error }
        let line =
          "[\(DXPythonFormat.ctime(clock.now()))] \(call.method) <resource callback>: \(failure.logMessage). "
          + "Waiting \(delay.components.seconds) seconds before retry \(state.retries + 1) of \(state.maxRetries)... "
        logger.warning("\(line)")
        try await clock.sleep(for: delay)
        state = state.advanced(after: failure.outcome)
        continue
      }
      let result: AttemptResult
      do {
        let response = try await transport.send(request)
        result = try interpret(
          response, requestTime: requestTime, wantFullResponse: wantFullResponse,
          decodeResponseBody: decodeResponseBody)
      } catch let error as DXTransportError {
        result = .failure(AttemptFailure(error: error, outcome: .init(failure: .transport(error.kind))))
      }
      switch result {
      case .success(let value):
        if state.retries > 0 {
          let line =
            "[\(DXPythonFormat.ctime(clock.now()))] \(call.method) \(request.url): Recovered after "
            + "\(state.retries) retries"
          logger.info("\(line)")
        }
        return value
      case .redirect(let location):
        return try await followRedirect(
          call, location: location, request: request, wantFullResponse: wantFullResponse,
          decodeResponseBody: decodeResponseBody, maxRetries: maxRetries, alwaysRetry: alwaysRetry,
          redirects: redirects)
      case .failure(let failure):
        let decision = configuration.retryPolicy.decide(state, failure.outcome) { random.integer(in: $0) }
        guard case .retry(let delay) = decision else {
          if !(failure.error is DXAPIError) {
            logger.error(
              "[\(DXPythonFormat.ctime(clock.now()))] \(call.method) \(request.url): \(failure.logMessage).")
          }
          throw failure.finalError
        }
        if failure.outcome.failure == .httpErrorWithContent, failure.outcome.status == 400,
          call.method == "PUT", DXRetryPolicy.isRetryable(state, failure.outcome.failure)
        {
          let time = DXPythonFormat.fixed6(requestTime)
          let requestID = failure.requestID
          if failure.logMessage.contains("<Code>RequestTimeout</Code>") {
            logger.info(
              "Retrying 400 HTTP error, due to slow data transfer. Request Time=\(time) Request ID=\(requestID)"
            )
          } else {
            let line =
              "400 HTTP error, of unknown origin, exception_msg=[\(failure.logMessage)]. "
              + "Request Time=\(time) Request ID=\(requestID)"
            logger.info("\(line)")
          }
        }
        if case .stream(let stream, let start) = call.body {
          do {
            try stream.seek(to: start)
          } catch {
            throw DXError.bodyStream("cannot rewind the request body for a retry: \(error)")
          }
        }
        let seconds = delay.components.seconds
        let waiting =
          failure.outcome.isThrottled
          ? "Waiting \(seconds) seconds before retry..."
          : "Waiting \(seconds) seconds before retry \(state.retries + 1) of \(state.maxRetries)..."
        let rangeText = range.map { " (range=\($0))" } ?? ""
        let line =
          "[\(DXPythonFormat.ctime(clock.now()))] \(call.method) \(request.url): \(failure.logMessage). "
          + "\(waiting) \(rangeText)"
        logger.warning("\(line)")
        try await clock.sleep(for: delay)
        state = state.advanced(after: failure.outcome)
      }
    }
  }

  /// The errors dxpy's loop catches when a resource callback raises them: platform, reply and
  /// transport errors. Anything else (a bug, cancellation) propagates at once.
  static func isExpectedCallbackError(_ error: any Error) -> Bool {
    error is DXAPIError || error is DXResponseError || error is DXTransportError
  }

  private func buildRequest(_ call: Call) async throws -> (DXTransportRequest, String?) {
    var url = call.url ?? ""
    let headers: DXHTTPHeaders
    if case .perAttempt(let makeTarget) = call.resource {
      let target = try await makeTarget()
      url = target.url
      var merged = target.headers
      for field in call.headers { merged.replaceOrAdd(name: field.name, value: field.value) }
      headers = try Self.wireHeaders(merged, userAgent: call.userAgent)
    } else if let wireHeaders = call.wireHeaders {
      headers = wireHeaders
    } else {
      headers = try Self.wireHeaders(call.headers, userAgent: call.userAgent)
    }
    var body = Data()
    var streamed: DXStreamedBody?
    switch call.body {
    case .bytes(let data): body = data
    case .stream(let stream, _):
      do {
        if transport.acceptsStreamedBodies, let length = try stream.remainingLength() {
          streamed = Self.streamedBody(stream, length: length)
        } else {
          body = try stream.readToEnd()
        }
      } catch {
        throw DXError.bodyStream("cannot read the request body: \(error)")
      }
    }
    let request = DXTransportRequest(
      method: call.method, url: url, headers: headers, body: body, timeout: call.timeout,
      streamedBody: streamed)
    return (request, call.range)
  }

  /// The size of the chunks a streamed body is read in.
  static let streamChunkSize = 1 << 20

  /// `length` bytes of `stream` from its current position, read a chunk at a time as the transport
  /// sends them; a short stream fails the pass with ``DXError/bodyStream(_:)``.
  static func streamedBody(_ stream: any DXRequestBodyStream, length: UInt64) -> DXStreamedBody {
    DXStreamedBody(length: Int(clamping: length)) {
      let left = DXLock(length)
      return AsyncThrowingStream {
        let wanted = left.withLock { min($0, UInt64(streamChunkSize)) }
        guard wanted > 0 else { return nil }
        let chunk = try stream.read(upToCount: Int(clamping: wanted))
        guard !chunk.isEmpty else {
          throw DXError.bodyStream("the request body ended \(left.withLock { $0 }) bytes early")
        }
        left.withLock { $0 -= min($0, UInt64(chunk.count)) }
        return chunk
      }
    }
  }

  private func followRedirect(
    _ call: Call, location: String, request: DXTransportRequest, wantFullResponse: Bool,
    decodeResponseBody: Bool, maxRetries: Int, alwaysRetry: Bool, redirects: Int
  ) async throws -> DXResponse {
    guard !call.prependServer else {
      throw DXError.invalidURL(
        "cannot follow a redirect to '\(location)' for a request with prependServer: the absolute "
          + "location would be appended to the API server")
    }
    guard redirects < configuration.maximumRedirects else {
      throw DXError.invalidURL(
        "more than \(configuration.maximumRedirects) redirects, the last to '\(location)'")
    }
    var next = call
    next.resource = .route(location)
    next.url = location
    if case .stream(let stream, let start) = call.body {
      do {
        try stream.seek(to: start)
      } catch {
        throw DXError.bodyStream("cannot rewind the request body for a redirect: \(error)")
      }
    } else {
      next.body = .bytes(request.body)
    }
    return try await perform(
      next, wantFullResponse: wantFullResponse, decodeResponseBody: decodeResponseBody,
      maxRetries: maxRetries,
      alwaysRetry: alwaysRetry, redirects: redirects + 1)
  }
}
