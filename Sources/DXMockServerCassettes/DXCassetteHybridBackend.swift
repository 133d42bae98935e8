import DXCassette
import DXCore
import DXMockServer
import Foundation
import Logging

/// Hybrid replay (`dx-mock-server --replay CASSETTE --fallback mock`): answers from the cassette and
/// passes every miss to the stateful mock platform (stubs first), and with `--record-mode newEpisodes`
/// records each miss into the cassette, so the next run replays it.
///
/// Matching is the replay backend's (method, path, canonical JSON body; `nonce` and the token
/// ignored); a recorded fault replays exactly. A miss is answered by the platform as if no cassette
/// were there. Recorded misses are committed one by one (a killed server leaves a valid cassette).
/// Fault rules apply around it as around the platform.
public final class DXCassetteHybridBackend: DXMockBackend {
  /// The cassette served (and, when recording misses, written).
  public let cassette: DXCassette
  /// Whether misses are recorded.
  public let recordsMisses: Bool
  private let replay: DXReplayTransport?
  private let recorder: DXMiddlewareTransport?
  private let companions: DXCassetteTool.CompanionFiles
  private let logger: Logger
  /// The request being answered and its context, for the transport behind the recorder.
  @TaskLocal static var current: (request: DXMockRequest, context: DXMockBackendContext)?

  /// Opens `cassettePath`: read-only to replay only, for writing when `options.recordMode` is
  /// `DXCassetteRecordMode.newEpisodes` (the only other mode accepted is the default `all`, which
  /// here means replay only).
  /// - Throws: `DXMockServerError.invalidConfiguration(_:)` when the cassette cannot be opened or the
  ///   record mode is neither.
  public init(
    cassettePath: String, options: DXCassetteBackendOptions = .init(),
    logger: Logger = Logger(label: "dx-mock-server.hybrid")
  ) throws(DXMockServerError) {
    let record: Bool
    switch options.recordMode {
    case .newEpisodes: record = true
    case .all: record = false
    default:
      throw .invalidConfiguration("--fallback mock records misses only with --record-mode newEpisodes")
    }
    let matching = DXCassetteMatching(ignoredBodyFields: Set(["nonce"] + options.ignoredBodyFields))
    companions = DXCassetteTool.CompanionFiles(cassettePath)
    do throws(DXCassetteError) {
      cassette = try DXCassette(
        path: cassettePath, access: record ? .create : .readOnly, matching: matching,
        secrets: DXSecretScanner(tokens: options.secrets), logger: logger)
      if record {
        let middleware = try DXRecordingMiddleware(
          cassette: cassette, mode: .newEpisodes, allowPlaybackRepeats: options.allowRepeats,
          usageLogPath: options.usageLogPath)
        let forward = DXClosureTransport { _ in
          guard let (request, context) = Self.current else {
            throw DXTransportError.noResponse("no request to answer")
          }
          return try CassetteWire.outcome(of: context.platform(request)).get()
        }
        recorder = DXMiddlewareTransport(base: forward, middleware: [middleware])
        replay = nil
      } else {
        replay = DXReplayTransport(
          cassette: cassette, allowPlaybackRepeats: options.allowRepeats, usageLogPath: options.usageLogPath)
        recorder = nil
      }
    } catch {
      companions.removeIfIdle()
      throw DXMockServerError.invalidConfiguration("cannot replay \(cassettePath): \(error.message)")
    }
    recordsMisses = record
    self.logger = logger
  }

  /// Without the platform (never called by the server, which always passes a context): a miss is 404.
  public func respond(to request: DXMockRequest) async -> DXMockWirePlan {
    await respond(
      to: request,
      context: DXMockBackendContext(
        fault: nil, platform: { _ in .respond(.error(.resourceNotFound("No platform to fall back to"))) }))
  }

  /// The recorded answer, or the platform's (recorded when ``recordsMisses``).
  public func respond(to request: DXMockRequest, context: DXMockBackendContext) async -> DXMockWirePlan {
    let transportRequest = CassetteWire.transportRequest(for: request, upstream: "http://replay.invalid")
    if let recorder {
      do {
        let response = try await Self.$current.withValue((request, context)) {
          try await recorder.send(transportRequest)
        }
        return CassetteWire.plan(for: .success(response), request: request, rewriteURLs: false)
      } catch let error as DXTransportError {
        return CassetteWire.plan(for: .failure(error), request: request)
      } catch {
        logger.warning("recording a miss failed", metadata: ["request": "\(request.method) \(request.path)"])
        return context.platform(request)
      }
    }
    guard let replay else { return context.platform(request) }
    do {
      let replayed = try replay.replayInteraction(for: transportRequest)
      switch replayed.outcome {
      case .response(let response):
        return CassetteWire.plan(for: .success(response), request: request)
      case .failure(let error):
        return CassetteWire.plan(for: .failure(error), request: request)
      }
    } catch {
      logger.debug(
        "cassette miss: the platform answers", metadata: ["request": "\(request.method) \(request.path)"])
      return context.platform(request)
    }
  }

  /// Closes the cassette; call it after the server stopped. Idempotent.
  public func close() {
    cassette.close()
    companions.removeIfIdle()
  }
}
