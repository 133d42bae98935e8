import DXWire
import Foundation

/// What a rule's finer criteria look at in one request, worked out lazily (only when a rule whose
/// method and path match has such criteria) and at most once per request.
final class MatchSubject {
  let request: DXMockRequest
  /// The attempt number of the request's logical operation, when some rule needs it.
  let attempt: Int?
  private let authenticate: @Sendable (String) -> String?

  init(request: DXMockRequest, attempt: Int?, authenticate: @escaping @Sendable (String) -> String?) {
    self.request = request
    self.attempt = attempt
    self.authenticate = authenticate
  }

  /// The body parsed as JSON, or `nil` when it is not JSON.
  lazy var bodyJSON: DXJSON? = {
    request.body.isEmpty ? nil : try? DXJSON(parsing: request.body)
  }()

  /// The bearer token, or `nil`.
  lazy var token: String? = APIPipeline.bearerToken(request.headers["Authorization"])

  /// The user the token authenticates as, or `nil`.
  lazy var user: String? = token.flatMap(authenticate)

  /// The first path segment shaped like an object ID (`class-…`), split into class and ID.
  lazy var object: (objectClass: String, id: String)? = Self.objectID(in: request.path)

  /// The first segment of `path` of the form `letters-alphanumerics` (e.g. `file-B12…`), or `nil`.
  static func objectID(in path: String) -> (objectClass: String, id: String)? {
    for segment in path.split(separator: "/") {
      guard let dash = segment.firstIndex(of: "-"), dash != segment.startIndex else { continue }
      let prefix = segment[..<dash]
      let rest = segment[segment.index(after: dash)...]
      guard !rest.isEmpty, prefix.allSatisfy({ $0.isASCII && $0.isLowercase }),
        rest.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
      else { continue }
      return (String(prefix), String(segment))
    }
    return nil
  }
}
