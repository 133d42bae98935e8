import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Collects one response as it streams in, so that a body cut short keeps the bytes that arrived and
/// a missing reply can be told apart from a short one.
final class DXLiveResponseCollector: HTTPClientResponseDelegate {
  typealias Response = DXTransportResponse

  struct State: Sendable {
    var head: HTTPResponseHead?
    var body: [UInt8] = []
    var connected = false
    var lastActivity = ContinuousClock.now
    var finished = false
    var timedOut = false
  }

  private let state = DXLock(State())
  private let method: String
  private let probe: DXTransportTimingProbe?

  init(method: String, probe: DXTransportTimingProbe? = nil) {
    self.method = method
    self.probe = probe
  }

  private func touch(_ change: (inout State) -> Void = { _ in }) {
    state.withLock {
      $0.lastActivity = .now
      change(&$0)
    }
  }

  // MARK: - Delegate

  func didSendRequestHead(task: HTTPClient.Task<Response>, _ head: HTTPRequestHead) {
    touch { $0.connected = true }
  }

  func didSendRequestPart(task: HTTPClient.Task<Response>, _ part: IOData) { touch() }

  func didSendRequest(task: HTTPClient.Task<Response>) { touch() }

  func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
    probe?.markHeadersReceived()
    touch {
      $0.connected = true
      $0.head = head
    }
    return task.eventLoop.makeSucceededVoidFuture()
  }

  func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
    touch { $0.body.append(contentsOf: buffer.readableBytesView) }
    return task.eventLoop.makeSucceededVoidFuture()
  }

  func didReceiveError(task: HTTPClient.Task<Response>, _ error: Error) {
    state.withLock { $0.finished = true }
  }

  func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
    let snapshot = state.withLock { value -> State in
      value.finished = true
      return value
    }
    guard let head = snapshot.head else {
      throw DXTransportError(.protocolError, message: "the request finished without a response head")
    }
    return LiveResponseShape.response(
      head, body: Data(snapshot.body),
      bodyEnd: LiveResponseShape.bodyEnd(head, received: snapshot.body.count, method: method))
  }

  // MARK: - Timeout

  /// Waits until no activity for `timeout`, then marks the request timed out and calls `cancel`.
  /// Returns early when the request finishes or the watching task is cancelled.
  func watch(timeout: Duration, cancel: @Sendable () -> Void) async {
    while !Task.isCancelled {
      let (last, finished) = state.withLock { ($0.lastActivity, $0.finished) }
      if finished { return }
      let deadline = last.advanced(by: timeout)
      if ContinuousClock.now >= deadline {
        let fire = state.withLock { value -> Bool in
          guard !value.finished, value.lastActivity == last else { return false }
          value.timedOut = true
          return true
        }
        if fire {
          cancel()
          return
        }
        continue
      }
      do {
        try await Task.sleep(until: deadline, clock: .continuous)
      } catch {
        return
      }
    }
  }

  // MARK: - Outcome after an error

  /// What to report when the request failed with `error`: a truncated response when a head with a
  /// `Content-Length` arrived and the body fell short, otherwise the ``DXTransportError`` of what
  /// happened.
  func outcome(after error: Error, url: String) throws -> DXTransportResponse {
    let snapshot = state.withLock { $0 }
    if snapshot.timedOut {
      throw snapshot.connected
        ? DXTransportError.readTimeout("Read timed out. (read timeout exceeded) \(url)")
        : DXTransportError.connectTimeout("Connection to \(url) timed out")
    }
    if let transportError = error as? DXTransportError { throw transportError }
    if let clientError = error as? HTTPClientError,
      clientError == .readTimeout || clientError == .connectTimeout
    {
      throw DXLiveErrorMapper.map(error, connected: snapshot.connected)
    }
    if let head = snapshot.head {
      if let truncated = LiveResponseShape.truncated(head, body: Data(snapshot.body)) { return truncated }
      if LiveResponseShape.declaredLength(head) == nil, !LiveResponseShape.isChunked(head),
        Self.isCleanClose(error)
      {
        return LiveResponseShape.response(head, body: Data(snapshot.body), bodyEnd: .closeDelimited)
      }
      throw DXTransportError(
        .protocolError, message: "Connection broken after the response head: \(Self.describe(error))")
    }
    throw DXLiveErrorMapper.map(error, connected: snapshot.connected)
  }

  private static func isCleanClose(_ error: Error) -> Bool {
    if let clientError = error as? HTTPClientError { return clientError == .remoteConnectionClosed }
    if let channelError = error as? ChannelError {
      return channelError == .eof || channelError == .inputClosed
    }
    return false
  }

  static func describe(_ error: Error) -> String { String(describing: error) }
}

// Invariant: all mutable state is in `state`, a lock-protected box; `method` is immutable.
extension DXLiveResponseCollector: @unchecked Sendable {}

/// Maps async-http-client and SwiftNIO errors to ``DXTransportError`` kinds.
enum DXLiveErrorMapper {
  static func map(_ error: Error, connected: Bool) -> DXTransportError {
    let text = String(describing: error)
    if let kind = kind(of: error, connected: connected) { return DXTransportError(kind, message: text) }
    return DXTransportError(kindFromText(text, connected: connected), message: text)
  }

  private static func kind(of error: Error, connected: Bool) -> DXTransportError.Kind? {
    switch error {
    case let clientError as HTTPClientError:
      switch clientError {
      case .connectTimeout, .tlsHandshakeTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
        return .connectTimeout
      case .readTimeout, .deadlineExceeded: return .readTimeout
      case .remoteConnectionClosed: return .noResponse
      case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath: return .invalidRequest
      default:
        if clientError.shortDescription.contains("unsupported scheme") { return .invalidRequest }
        return nil
      }
    case let ioError as IOError:
      return kind(errno: ioError.errnoCode)
    case let connectionError as NIOConnectionError:
      if connectionError.dnsAError != nil || connectionError.dnsAAAAError != nil {
        if connectionError.connectionErrors.isEmpty { return .nameResolution }
      }
      for failure in connectionError.connectionErrors {
        if let kind = kind(of: failure.error, connected: connected) { return kind }
      }
      return connectionError.connectionErrors.isEmpty ? .nameResolution : .connectionRefused
    case is SocketAddressError:
      return .nameResolution
    case let channelError as ChannelError:
      switch channelError {
      case .connectTimeout: return .connectTimeout
      case .eof, .inputClosed, .outputClosed, .alreadyClosed, .ioOnClosedChannel:
        return connected ? .noResponse : .connectionRefused
      default: return nil
      }
    case is NIOSSLError, is BoringSSLError:
      return .tls
    case is HTTPParserError:
      return .protocolError
    default:
      return nil
    }
  }

  private static func kind(errno code: Int32) -> DXTransportError.Kind? {
    switch code {
    case ECONNREFUSED: return .connectionRefused
    case ECONNRESET, EPIPE, ECONNABORTED: return .connectionReset
    case ENETUNREACH, ENETDOWN, EHOSTUNREACH: return .networkUnreachable
    case ETIMEDOUT: return .connectTimeout
    default: return nil
    }
  }

  private static func kindFromText(_ text: String, connected: Bool) -> DXTransportError.Kind {
    let lowered = text.lowercased()
    if lowered.contains("connection refused") { return .connectionRefused }
    if lowered.contains("reset by peer") { return .connectionReset }
    if lowered.contains("dns") || lowered.contains("name resolution") || lowered.contains("unknown host") {
      return .nameResolution
    }
    if lowered.contains("timed out") || lowered.contains("timeout") {
      return connected ? .readTimeout : .connectTimeout
    }
    if lowered.contains("ssl") || lowered.contains("tls") || lowered.contains("certificate") { return .tls }
    return .other
  }
}
