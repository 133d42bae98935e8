import DXCore

/// Closures that rewrite or drop what a recorder stores and what a replay matches and returns — VCR.py's
/// `before_record_request`, `before_record_response` and `before_playback`.
///
/// ```swift
/// let hooks = DXCassetteHooks(
///   beforeRecordRequest: { request in
///     var request = request
///     request.headers.remove(name: "X-Trace-ID")      // volatile: never stored, never matched
///     return request.url.hasSuffix("/system/greet") ? nil : request
///   },
///   beforeRecordResponse: { interaction in
///     var interaction = interaction
///     interaction.tags.append("nightly")
///     return interaction
///   })
/// ```
public struct DXCassetteHooks: Sendable {
  /// Rewrites a request before it is recorded, and the live request the same way before it is
  /// matched, so a value removed here is neither stored nor compared. Returning `nil` drops it: a
  /// recorder sends it without recording it (nor replaying it); a replay-only session fails with
  /// ``DXCassetteError/Kind-swift.struct/dropped``. The request that goes to the network is never
  /// changed. Defaults to `nil` (keep as is).
  public var beforeRecordRequest: (@Sendable (DXTransportRequest) -> DXTransportRequest?)?
  /// Rewrites an interaction (request already rewritten, response or failure, timings, tags) before
  /// it is stored; returning `nil` keeps it out of the cassette. The caller still gets the live
  /// answer. Redaction and the secret scan run after this hook. Defaults to `nil`.
  public var beforeRecordResponse: (@Sendable (DXCassetteInteraction) -> DXCassetteInteraction?)?
  /// Rewrites a recorded interaction before it is replayed (its outcome is what the caller gets; the
  /// cassette is not changed). Defaults to `nil`.
  public var beforePlayback: (@Sendable (DXCassetteInteraction) -> DXCassetteInteraction)?

  /// Creates hooks; every closure defaults to `nil` (no change).
  public init(
    beforeRecordRequest: (@Sendable (DXTransportRequest) -> DXTransportRequest?)? = nil,
    beforeRecordResponse: (@Sendable (DXCassetteInteraction) -> DXCassetteInteraction?)? = nil,
    beforePlayback: (@Sendable (DXCassetteInteraction) -> DXCassetteInteraction)? = nil
  ) {
    self.beforeRecordRequest = beforeRecordRequest
    self.beforeRecordResponse = beforeRecordResponse
    self.beforePlayback = beforePlayback
  }

  /// No hooks.
  public static let none = DXCassetteHooks()

  /// Whether any hook is set.
  var isEmpty: Bool { beforeRecordRequest == nil && beforeRecordResponse == nil && beforePlayback == nil }
}
