import DXWire
import Foundation

/// A platform API call that passed authentication, with its JSON input decoded.
struct APICall: Sendable {
  /// The HTTP request it came from.
  var request: DXMockRequest
  /// The calling user's ID, e.g. `"user-alice"`.
  var caller: String
  /// The first path segment: `"system"`, `"record"`, `"record-B…"`, `"app-foo"`.
  var target: String
  /// The app or global-workflow alias (`/app-foo/1.0.0/run`), if the path had one.
  var alias: String?
  /// The last path segment, e.g. `"describe"`.
  var method: String
  /// The decoded body (`{}` for an empty body). Usually an object; `setDetails` takes any value.
  var input: DXJSON
}

/// Maps API paths to handlers.
///
/// Routes are registered by their documented form: a fixed route (`/system/whoami`,
/// `/record/new`) or an object route written with the class and a placeholder
/// (`/record-xxxx/describe`, `/app-xxxx/run`). An object route matches any ID of that class, and
/// for `app-` and `globalworkflow-` also an optional alias segment.
struct PlatformRouter: Sendable {
  /// Produces the JSON result of a call, or throws the platform error to answer with.
  typealias Handler = @Sendable (APICall) throws(DXPlatformError) -> DXJSON
  /// Produces the compact JSON text of a call's result (what ``Handler``'s result serializes to), or
  /// throws the platform error to answer with: for a route asked so often that building and serializing
  /// a ``DXJSON`` value per call shows (`/system/whoami`).
  typealias EncodedHandler = @Sendable (APICall) throws(DXPlatformError) -> Data

  private enum Pattern: Hashable {
    case fixed(String)
    case object(klass: String, method: String)
  }

  /// A fixed route with its path's parts, split once when it is registered.
  private struct FixedRoute {
    var handler: Handler
    /// The route's encoded form, when it was registered with one.
    var encoded: EncodedHandler?
    var target: String
    var method: String
  }

  private var routes: [Pattern: Handler] = [:]
  /// The fixed routes by their path (`/system/whoami`), with the parts ``resolve(path:)`` reports:
  /// the common case answers from one look-up, without scanning the path.
  private var fixedRoutes: [String: FixedRoute] = [:]
  /// Routes whose input may be any JSON value (e.g. `setDetails`), not only an object.
  private var anyInputRoutes: Set<Pattern> = []
  /// Routes that answer without a valid token (`/system/greet`, the auth server's token routes); their
  /// handlers see an empty ``APICall/caller`` then.
  private var publicRoutes: Set<Pattern> = []

  /// What a path resolved to.
  enum Resolution {
    /// A handler, with the path's parts.
    case found(Handler, target: String, alias: String?, method: String)
    /// No route: the message to put in a 404 ResourceNotFound.
    case notFound(String)
  }

  init() {}

  /// Registers `handler` for `route` (`/system/whoami` or `/record-xxxx/describe`); a later
  /// registration of the same route replaces the earlier one.
  ///
  /// The HTTP layer answers 422 InvalidInput when a route's body is JSON but not an object, unless
  /// the route is registered with `acceptsAnyJSON: true` (e.g. `setDetails`, whose input is any value).
  /// A route registered with `isPublic: true` answers callers without a valid token too.
  ///
  /// A fixed route may also be given `encoded`, which answers what `handler`'s result serializes to;
  /// the API pipeline then calls it instead of `handler` (``resolveForAnswer(path:)``), and everything
  /// else (``resolve(path:)``, the fuzzers) still sees `handler`. Object routes ignore `encoded`.
  mutating func register(
    _ route: String, acceptsAnyJSON: Bool = false, isPublic: Bool = false, encoded: EncodedHandler? = nil,
    _ handler: @escaping Handler
  ) {
    let parts = route.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    guard parts.count == 2 else { return }
    let pattern: Pattern
    if parts[0].hasSuffix("-xxxx") {
      pattern = .object(klass: String(parts[0].dropLast(5)), method: parts[1])
    } else {
      let path = "/\(parts[0])/\(parts[1])"
      pattern = .fixed(path)
      fixedRoutes[path] = FixedRoute(handler: handler, encoded: encoded, target: parts[0], method: parts[1])
    }
    routes[pattern] = handler
    if acceptsAnyJSON {
      anyInputRoutes.insert(pattern)
    } else {
      anyInputRoutes.remove(pattern)
    }
    if isPublic {
      publicRoutes.insert(pattern)
    } else {
      publicRoutes.remove(pattern)
    }
  }

  /// Whether `path` is a fixed route registered with `isPublic: true`.
  func isPublic(path: String) -> Bool {
    !publicRoutes.isEmpty && publicRoutes.contains(.fixed(path))
  }

  /// Whether the route `path` resolves to was registered with `acceptsAnyJSON: true`.
  func acceptsAnyJSON(path: String) -> Bool {
    guard !anyInputRoutes.isEmpty else { return false }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    guard parts.count == 2 || parts.count == 3, !parts.contains(where: \.isEmpty) else { return false }
    let target = parts[0]
    let method = parts[parts.count - 1]
    if parts.count == 2, routes[.fixed("/\(target)/\(method)")] != nil {
      return anyInputRoutes.contains(.fixed("/\(target)/\(method)"))
    }
    guard let dash = target.firstIndex(of: "-") else { return false }
    return anyInputRoutes.contains(.object(klass: String(target[..<dash]), method: method))
  }

  /// Finds the handler for `path` (no query string).
  func resolve(path: String) -> Resolution {
    resolveForAnswer(path: path).resolution
  }

  /// ``resolve(path:)``, and the encoded handler of the fixed route `path` names when it was
  /// registered with one (the API pipeline answers with it instead of the ``DXJSON`` handler).
  func resolveForAnswer(path: String) -> (resolution: Resolution, encoded: EncodedHandler?) {
    // The common case first: a class route such as /system/whoami, found without splitting the path.
    if let fixed = fixedRoutes[path] {
      return (.found(fixed.handler, target: fixed.target, alias: nil, method: fixed.method), fixed.encoded)
    }
    return (resolveSplitting(path: path), nil)
  }

  /// ``resolve(path:)`` for a path that is not a fixed route's exact text.
  private func resolveSplitting(path: String) -> Resolution {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    guard path.hasPrefix("/"), parts.count == 2 || parts.count == 3, !parts.contains(where: \.isEmpty) else {
      return .notFound("The route \(path) does not exist")
    }
    let target = parts[0]
    let method = parts[parts.count - 1]
    let alias = parts.count == 3 ? parts[1] : nil
    if alias == nil, let handler = routes[.fixed("/\(target)/\(method)")] {
      return .found(handler, target: target, alias: nil, method: method)
    }
    guard let dash = target.firstIndex(of: "-") else {
      return .notFound("The route \(path) does not exist")
    }
    let klass = String(target[..<dash])
    if alias != nil, klass != "app", klass != "globalworkflow" {
      return .notFound("The route \(path) does not exist")
    }
    guard let handler = routes[.object(klass: klass, method: method)] else {
      return .notFound("The route \(path) does not exist")
    }
    return .found(handler, target: target, alias: alias, method: method)
  }
}
