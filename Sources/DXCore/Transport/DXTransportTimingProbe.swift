/// Where a transport notes when a response's status line and headers arrived, for a caller that wants
/// the time to headers apart from the time to the last byte (the cassette recorder).
///
/// The caller binds a probe for the duration of a send; ``DXLiveTransport`` marks it when the head
/// arrives (on the connection's thread), and the caller reads it after `send` returns:
///
/// ```swift
/// let probe = DXTransportTimingProbe()
/// let response = try await DXTransportTimingProbe.$current.withValue(probe) { try await transport.send(request) }
/// let timeToHeaders = probe.headersReceived.map { $0 - started }
/// ```
///
/// A transport that does not mark it leaves ``headersReceived`` `nil` (unknown).
public final class DXTransportTimingProbe: Sendable {
  /// The probe of the send in progress, if the caller bound one.
  @TaskLocal public static var current: DXTransportTimingProbe?

  private let received = DXLock<ContinuousClock.Instant?>(nil)

  /// Creates an unmarked probe.
  public init() {}

  /// Notes that the head arrived now (the first call counts).
  public func markHeadersReceived() {
    let now = ContinuousClock.now
    received.withLock { if $0 == nil { $0 = now } }
  }

  /// When the head arrived, or `nil` when no transport marked it.
  public var headersReceived: ContinuousClock.Instant? { received.withLock { $0 } }
}
