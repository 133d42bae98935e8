import DXCassette
import DXCore
import DXMockServer
import Foundation
import Logging

/// Serves a cassette to any client instead of the platform (`dx-mock-server --replay CASSETTE`).
///
/// Each request is matched like `DXReplayTransport` does — method, path and canonical JSON body, the
/// `Authorization` header and `nonce` ignored — and answered with what was recorded, faults included:
/// a truncated body is cut short on the wire, a close-delimited body has no `Content-Length`, a reset
/// resets the connection (see `CassetteWire.plan(for:request:rewriteURLs:)`), and a read or connect
/// timeout holds the connection without an answer for the recorded wait plus half a second (at most two
/// minutes), then closes it, so a client with the same timeout times out again. Transfer URLs in
/// upload/download answers are rewritten to come back through this server (`/__proxy/…`), whose
/// requests are matched under their original URL.
///
/// An unmatched request gets HTTP 404 with the platform's error shape (type `ResourceNotFound`) and the
/// miss explanation — the nearest recorded candidate and the differing fields, or "already played" —
/// in the message and in `details`. 404 is not retried by dx/dxpy, so a miss fails at once.
///
/// The cassette is opened read-only: serving it never changes the file.
public final class DXCassetteReplayBackend: DXMockBackend {
  /// The cassette served.
  public let cassette: DXCassette
  private let replay: DXReplayTransport
  private let companions: DXCassetteTool.CompanionFiles
  private let logger: Logger

  /// Opens `cassettePath` read-only for serving.
  /// - Parameters:
  ///   - cassettePath: The `.dxcassette` file.
  ///   - options: Matching, repeats and the usage log; default `DXCassetteBackendOptions.init(ignoredBodyFields:allowRepeats:usageLogPath:secrets:recordMode:)`.
  ///   - logger: Where misses are logged; default a logger labelled `dx-mock-server.replay`.
  /// - Throws: `DXMockServerError.invalidConfiguration(_:)` when the cassette cannot be opened (missing,
  ///   not a cassette, a newer schema, damaged).
  public init(
    cassettePath: String, options: DXCassetteBackendOptions = .init(),
    logger: Logger = Logger(label: "dx-mock-server.replay")
  ) throws(DXMockServerError) {
    let matching = DXCassetteMatching(ignoredBodyFields: Set(["nonce"] + options.ignoredBodyFields))
    companions = DXCassetteTool.CompanionFiles(cassettePath)
    do {
      cassette = try DXCassette(
        path: cassettePath, access: .readOnly, matching: matching, secrets: DXSecretScanner(), logger: logger)
    } catch {
      companions.removeIfIdle()
      throw DXMockServerError.invalidConfiguration("cannot replay \(cassettePath): \(error.message)")
    }
    replay = DXReplayTransport(cassette: cassette, options: options.sessionOptions)
    self.logger = logger
  }

  /// How fast recorded answers come.
  public var cassetteTiming: DXCassetteReplayTiming { replay.options.timing }

  /// The ids of the interactions served so far.
  public var playedIDs: Set<Int64> { replay.playedIDs }

  /// The recorded answer to `request`, or a 404 explaining the miss.
  public func respond(to request: DXMockRequest) async -> DXMockWirePlan {
    let transportRequest = CassetteWire.transportRequest(for: request, upstream: "http://replay.invalid")
    do {
      let replayed = try replay.replayInteraction(for: transportRequest)
      let paced = replay.options.timing.delay(for: replayed.duration)
      switch replayed.outcome {
      case .response(let response):
        // Timed replay: the answer starts after the recorded latency (scaled); other connections are
        // not held up (each request is its own task).
        if paced > .zero { try? await Task.sleep(for: min(paced, Self.maximumTimeoutHold)) }
        return CassetteWire.plan(for: .success(response), request: request)
      case .failure(let error) where error.kind == .readTimeout || error.kind == .connectTimeout:
        // The recorder's client gave up after `duration`: answer nothing for a little longer, so a
        // client with the same timeout times out again, then close.
        let hold = min(replayed.duration + Self.timeoutMargin, Self.maximumTimeoutHold)
        try? await Task.sleep(for: hold)
        return .empty
      case .failure(let error):
        if paced > .zero { try? await Task.sleep(for: min(paced, Self.maximumTimeoutHold)) }
        return CassetteWire.plan(for: .failure(error), request: request)
      }
    } catch {
      logger.warning(
        "cassette miss",
        metadata: ["request": "\(request.method) \(request.path)", "reason": "\(error.kind)"])
      return .respond(.error(Self.missError(error)))
    }
  }

  /// How much longer than recorded a replayed timeout holds the connection.
  static let timeoutMargin = Duration.milliseconds(500)
  /// The longest a replayed timeout holds a connection.
  static let maximumTimeoutHold = Duration.seconds(120)

  /// The platform error for a cassette miss.
  static func missError(_ error: DXCassetteError) -> DXPlatformError {
    var details: [String: DXJSON] = ["reason": .string(error.kind.rawValue)]
    if let path = error.cassettePath { details["cassette"] = .string(path) }
    if let candidate = error.candidate {
      details["candidate"] = [
        "id": .integer(Int(candidate.id ?? 0)), "summary": .string(candidate.summaryLine),
      ]
    }
    if !error.differences.isEmpty {
      details["differences"] = .array(
        error.differences.map {
          [
            "field": .string($0.field), "request": .string($0.requestValue),
            "recorded": .string($0.recordedValue),
          ]
        })
    }
    let message = "Cassette replay: " + error.message.replacingOccurrences(of: "\n", with: "; ")
    return DXPlatformError(type: "ResourceNotFound", message: message, status: 404, details: .object(details))
  }

  /// Closes the cassette; call it after the server stopped. Idempotent.
  public func close() {
    cassette.close()
    companions.removeIfIdle()
  }
}
