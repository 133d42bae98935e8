import DXCore
import DXMockServer
import Foundation
import Logging

/// The recorder's connection to its upstream: a ``DXLiveTransport`` created on the first request, so a
/// recorder that never serves one (a server that failed to start, say) owns no HTTP client to shut down.
final class CassetteUpstream: Sendable {
  private struct State: Sendable {
    var transport: DXLiveTransport?
    var closed = false
  }

  private let state = DXLock(State())
  private let logger: Logger

  init(logger: Logger) { self.logger = logger }

  /// Sends `request` to the network.
  /// - Throws: ``DXTransportError``, also `other` after ``shutdown()``.
  func send(_ request: DXTransportRequest) async throws -> DXTransportResponse {
    let transport = try state.withLock { state -> DXLiveTransport in
      if state.closed { throw DXTransportError(.other, message: "the recorder is shutting down") }
      if let transport = state.transport { return transport }
      do {
        let transport = try DXLiveTransport(logger: logger)
        state.transport = transport
        return transport
      } catch {
        throw DXTransportError(.other, message: "cannot create the upstream client: \(error)")
      }
    }
    return try await transport.send(request)
  }

  /// Shuts the HTTP client down, if one was created; later sends fail. Idempotent.
  func shutdown() async {
    let transport = state.withLock { state -> DXLiveTransport? in
      state.closed = true
      defer { state.transport = nil }
      return state.transport
    }
    try? await transport?.shutdown()
  }
}
