import DXWire
import Foundation

/// The platform API's front door: method, authentication, JSON decoding, dispatch through the
/// ``PlatformRouter``, and the platform's error bodies.
///
/// Order (each step answers with the platform's error body when it fails):
/// 1. only `POST` (any other method → 405 with type `InvalidInput` and `Allow: POST`);
/// 2. `Authorization: Bearer <known token>` (else 401 `InvalidAuthentication`, unless the route is
///    public: `/system/greet` and the auth server's token routes then see an empty caller);
/// 3. the route (unknown → 404 `ResourceNotFound` naming the path);
/// 4. the body: empty means `{}`; not JSON → 400 `MalformedJSON`; JSON but not an object → 422
///    `InvalidInput`, unless the route was registered with `acceptsAnyJSON`;
/// 5. the handler: its JSON result with 200, or the ``DXPlatformError`` it throws.
struct APIPipeline: Sendable {
  /// The routes.
  let router: PlatformRouter
  /// Resolves a token to the ID of the user it authenticates as.
  let authenticate: @Sendable (String) -> String?

  /// The response for an API request.
  func respond(to request: DXMockRequest) -> DXMockResponse {
    switch call(for: request) {
    case .success(let response): return response
    case .failure(let error): return .error(error)
    }
  }

  private func call(for request: DXMockRequest) -> Result<DXMockResponse, DXPlatformError> {
    guard request.method == "POST" else {
      var response = DXMockResponse.error(
        DXPlatformError(
          type: "InvalidInput",
          message: "API routes accept only POST; got \(request.method) \(request.path)", status: 405))
      response.headers.add(name: "Allow", value: "POST")
      return .success(response)
    }
    let caller: String
    switch authenticate(request) {
    case .success(let user): caller = user
    case .failure(let error):
      // A public route (greet, the auth server's token routes) answers anonymous callers.
      guard router.isPublic(path: request.path) else { return .failure(error) }
      caller = ""
    }
    let (resolution, encoded) = router.resolveForAnswer(path: request.path)
    guard case .found(let handler, let target, let alias, let method) = resolution else {
      if case .notFound(let message) = resolution { return .failure(.resourceNotFound(message)) }
      return .failure(.resourceNotFound("The route \(request.path) does not exist"))
    }
    let input: DXJSON
    if let known = Self.emptyObjectInput(request.body) {
      input = known
    } else {
      do {
        input = try DXJSON(parsing: request.body)
      } catch {
        return .failure(.malformedJSON("The request body is not valid JSON: \(error)"))
      }
    }
    if input.objectValue == nil, !router.acceptsAnyJSON(path: request.path) {
      return .failure(.invalidInput("The input must be a JSON object, got \(input.typeName)"))
    }
    let apiCall = APICall(
      request: request, caller: caller, target: target, alias: alias, method: method, input: input)
    do throws(DXPlatformError) {
      if let encoded {
        return .success(
          DXMockResponse(status: 200, headers: DXMockResponse.jsonHeaders, body: try encoded(apiCall)))
      }
      return .success(.json(try handler(apiCall)))
    } catch {
      return .failure(error)
    }
  }

  /// The user the request's bearer token authenticates as, or the 401 to answer.
  private func authenticate(_ request: DXMockRequest) -> Result<String, DXPlatformError> {
    guard let header = request.headers.first("authorization") else {
      return .failure(
        .invalidAuthentication("No authentication token was given; send Authorization: Bearer <token>"))
    }
    guard let token = Self.bearerToken(header) else {
      return .failure(
        .invalidAuthentication(
          "The Authorization header must be \"Bearer <token>\"; no other scheme is accepted"))
    }
    guard let caller = authenticate(token) else {
      return .failure(.invalidAuthentication("The token could not be found or is not valid"))
    }
    return .success(caller)
  }

  /// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive), or `nil`.
  static func bearerToken(_ header: String?) -> String? {
    header.flatMap(HTTPFieldValue.bearerToken)
  }

  /// `{}` for a body that is only JSON whitespace (empty means `{}`) or exactly `{}` (what clients send
  /// to most routes), read from the bytes without the parser; `nil` for anything else, which the
  /// parser judges.
  static func emptyObjectInput(_ body: Data) -> DXJSON? {
    let known = body.withUnsafeBytes { bytes in
      bytes.allSatisfy(isJSONWhitespace)
        || (bytes.count == 2 && bytes[0] == UInt8(ascii: "{") && bytes[1] == UInt8(ascii: "}"))
    }
    return known ? .object([:]) : nil
  }

  private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }
}
