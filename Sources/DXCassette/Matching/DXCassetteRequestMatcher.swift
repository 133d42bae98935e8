import DXCore

/// A custom rule a recorded request must satisfy to match a live one.
///
/// Custom matchers run after the indexed key lookup (method, path, canonical body — whichever of
/// those ``DXCassetteMatching`` enables), on the candidates it finds, so they can only narrow the
/// match. To match on something else instead, turn the key part off (for example
/// ``DXCassetteMatching/body``) and add a matcher.
public protocol DXCassetteRequestMatcher: Sendable {
  /// A short name shown in miss diffs, e.g. `"same-project"`.
  var name: String { get }
  /// Whether `recorded` (as stored, redacted) may answer `request` (redacted the same way).
  func matches(_ request: DXTransportRequest, recorded: DXTransportRequest) -> Bool
}

/// A custom matcher made from a closure.
public struct DXCassetteClosureMatcher: DXCassetteRequestMatcher {
  /// The name shown in miss diffs.
  public let name: String
  private let predicate: @Sendable (DXTransportRequest, DXTransportRequest) -> Bool

  /// Creates a matcher.
  /// - Parameters:
  ///   - name: The name shown in miss diffs.
  ///   - predicate: `(request, recorded) -> Bool`.
  public init(name: String, _ predicate: @escaping @Sendable (DXTransportRequest, DXTransportRequest) -> Bool)
  {
    self.name = name
    self.predicate = predicate
  }

  /// Calls the closure.
  public func matches(_ request: DXTransportRequest, recorded: DXTransportRequest) -> Bool {
    predicate(request, recorded)
  }
}
