import DXCassette
import DXCore
import DXMockServer
import Foundation
import Logging

/// Proxies every request to an upstream and records it (`dx-mock-server --record CASSETTE --upstream URL`).
///
/// A `DXRecordingMiddleware` around a `DXLiveTransport`: each non-admin request goes to the upstream
/// on the same path and query, with the same method, headers and body; what came back — a response, a
/// body cut short or close-delimited, a reset — is committed to the cassette and then sent to the
/// client exactly as it was received.
///
/// Secrets: the recorded request carries `Authorization: [REDACTED]` (no scheme, so nothing
/// `Bearer`-shaped is ever written), the client's credential is replaced wherever else it appears
/// (URL, body, and the upstream's answer), and the cassette's own scan refuses any write that still
/// holds a bearer credential, a JWT or a configured secret.
///
/// Transfer URLs in `/file-xxxx/upload` and `/file-xxxx/download` answers are rewritten to
/// `http://<this server>/__proxy/<scheme>/<authority>/<path>`; such a request is forwarded to the original
/// URL and recorded under it, so file bytes are recorded (and replayed) too.
///
/// Fault rules apply to the upstream traffic and are recorded as the client saw them: a status fault is
/// recorded as that answer (the upstream is not asked), a reset or close as the connection error, a cut
/// or close-delimited body as such, an encoded body encoded.
///
/// A refused write (a secret the recorder cannot redact) answers `PermissionDenied` (HTTP 401, as the
/// platform does) naming the field; a miss in a replaying record mode (`once` on a full cassette,
/// `none`) answers 404 as ``DXCassetteReplayBackend`` does.
public final class DXCassetteRecordBackend: DXMockBackend {
  /// The cassette recorded into.
  public let cassette: DXCassette
  /// The upstream base URL, without a trailing slash.
  public let upstream: String
  private let live: CassetteUpstream
  private let transport: DXMiddlewareTransport
  private let scanner: DXSecretScanner
  /// The client's request as received, for the transport behind the recorder.
  @TaskLocal static var outgoing: DXTransportRequest?
  /// The fault decided for the request being recorded, for the transport behind the recorder.
  @TaskLocal static var injected: DXFault?
  private let closed = DXLock(false)
  private let logger: Logger

  /// Opens (or creates) `cassettePath` and prepares the connection to `upstream`.
  /// - Parameters:
  ///   - cassettePath: The `.dxcassette` file.
  ///   - upstream: The base URL requests go to, e.g. `http://127.0.0.1:8124` or `https://api.dnanexus.com`.
  ///   - options: The record mode, matching and extra secrets; default records every request (`all`).
  ///   - logger: Where the recorder logs; default a logger labelled `dx-mock-server.record`.
  /// - Throws: `DXMockServerError.invalidConfiguration(_:)` for a bad upstream URL or a cassette that
  ///   cannot be opened for writing.
  public init(
    cassettePath: String, upstream: String, options: DXCassetteBackendOptions = .init(),
    logger: Logger = Logger(label: "dx-mock-server.record")
  ) throws(DXMockServerError) {
    guard let components = URLComponents(string: upstream), let scheme = components.scheme?.lowercased(),
      scheme == "http" || scheme == "https", components.host?.isEmpty == false,
      components.query == nil, components.path.isEmpty || components.path == "/"
    else {
      throw DXMockServerError.invalidConfiguration(
        "the upstream must be an http(s) URL without a path, like http://127.0.0.1:8124, got \"\(upstream)\"")
    }
    let matching = DXCassetteMatching(ignoredBodyFields: Set(["nonce"] + options.ignoredBodyFields))
    let cassette: DXCassette
    let recorder: DXRecordingMiddleware
    do throws(DXCassetteError) {
      cassette = try DXCassette(
        path: cassettePath, access: .create, matching: matching,
        secrets: DXSecretScanner(tokens: options.secrets),
        logger: logger)
      do throws(DXCassetteError) {
        recorder = try DXRecordingMiddleware(
          cassette: cassette, mode: options.recordMode, options: options.sessionOptions)
      } catch {
        cassette.close()
        throw error
      }
    } catch {
      throw DXMockServerError.invalidConfiguration("cannot record into \(cassettePath): \(error.message)")
    }
    let live = CassetteUpstream(logger: logger)
    self.cassette = cassette
    self.upstream = CassetteWire.trimmed(upstream)
    self.live = live
    let scanner = DXSecretScanner(tokens: options.secrets)
    self.scanner = scanner
    // The recorder sees (and stores) the request with its credential already removed; the request
    // that goes upstream is the client's own, carried in a task-local value past the recorder.
    let forward = DXClosureTransport { recorded in
      let outgoing = Self.outgoing ?? recorded
      // An injected fault that replaces the answer never reaches the upstream: the recorder records
      // the fault's answer (or its reset or close), which is what the client sees.
      if let fault = Self.injected, fault.replacesResponse {
        return try CassetteWire.outcome(of: fault.apply(to: .empty)).get()
      }
      let response = try await live.send(outgoing)
      // A credential echoed back is redacted before the recorder (and the client) see it, so what is
      // replayed later is exactly what the client saw now.
      let redacted =
        scanner.redact(DXCassetteInteraction(request: outgoing, outcome: .response(response))).response
        ?? response
      return try CassetteWire.seen(redacted, fault: Self.injected).get()
    }
    self.transport = DXMiddlewareTransport(base: forward, middleware: [recorder])
    self.logger = logger
  }

  /// Faults reach the recorder: what the client sees (an injected 503, a reset, a cut body) is what
  /// the cassette records.
  public var recordsFaults: Bool { true }

  /// Forwards `request`, records the exchange, and answers with what the upstream sent.
  public func respond(to request: DXMockRequest) async -> DXMockWirePlan {
    await respond(to: request, fault: nil)
  }

  /// Forwards `request` (unless its fault replaces the answer), applies the fault, records what the
  /// client is to see, and answers with it.
  public func respond(to request: DXMockRequest, context: DXMockBackendContext) async -> DXMockWirePlan {
    await respond(to: request, fault: context.fault)
  }

  private func respond(to request: DXMockRequest, fault: DXFault?) async -> DXMockWirePlan {
    let transportRequest = CassetteWire.transportRequest(for: request, upstream: upstream)
    do {
      let response = try await Self.$injected.withValue(fault) {
        try await Self.$outgoing.withValue(transportRequest) {
          try await transport.send(recordable(transportRequest))
        }
      }
      return CassetteWire.plan(for: .success(response), request: request)
    } catch let error as DXTransportError {
      logger.info(
        "upstream failure recorded",
        metadata: ["request": "\(request.method) \(request.path)", "error": "\(error)"])
      return CassetteWire.plan(for: .failure(error), request: request)
    } catch let error as DXCassetteError {
      switch error.kind {
      case .noMatch, .alreadyPlayed, .expired, .dropped:
        return .respond(.error(DXCassetteReplayBackend.missError(error)))
      case .secretDetected:
        logger.error("recording refused", metadata: ["request": "\(request.method) \(request.path)"])
        return .respond(
          .error(
            .permissionDenied(
              "The cassette recorder refused to write this exchange: "
                + error.message.replacingOccurrences(of: "\n", with: "; "))))
      default:
        return .respond(.error(.internalError("The cassette recorder failed: \(error.message)")))
      }
    } catch {
      return .respond(.error(.internalError("The cassette recorder failed: \(error)")))
    }
  }

  /// `request` as it is recorded: the credential of its `Authorization` header (and every configured
  /// secret) replaced wherever it appears, and the header itself reduced to the placeholder, so no
  /// bearer-credential shape is ever written (the scheme is dropped with the credential).
  func recordable(_ request: DXTransportRequest) -> DXTransportRequest {
    var redacted = scanner.redact(request)
    for name in ["Authorization", "Proxy-Authorization"] where redacted.headers.contains(name) {
      redacted.headers.replaceOrAdd(name: name, value: scanner.placeholder)
    }
    return redacted
  }

  /// Shuts the upstream connections down and closes the cassette; call it after the server stopped.
  /// Idempotent.
  public func shutdown() async {
    guard
      closed.withLock({ closed in
        defer { closed = true }
        return !closed
      })
    else { return }
    await live.shutdown()
    cassette.close()
  }

  /// ``shutdown()`` for synchronous callers (the `dx-mock-server` command after its run loop); never
  /// call it from a task of Swift's cooperative pool.
  public func close() {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      await self.shutdown()
      done.signal()
    }
    done.wait()
  }
}
