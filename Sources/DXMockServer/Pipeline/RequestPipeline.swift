import DXWire
import Foundation
import Logging
import Synchronization

/// The server's request pipeline, in order: (receive-phase faults from the request head, while the body
/// arrives) → admin API (never journaled) → journal entry → body limit → fault decision (delay first,
/// then the fault) → stubs → the backend, or file transfers, or the platform API.
///
/// Runs on libmicrohttpd's threads; everything it calls on the fast path is synchronous and short.
/// Delays and backends are suspensions (``HTTPStep``), so they never hold a thread.
final class RequestPipeline: HTTPRequestHandler {
  let maxBodyBytes: Int
  private let adminToken: String?
  private let journal: RequestJournal
  private let faults: FaultEngine
  private let stubs: StubEngine
  private let admin: @Sendable (DXMockRequest) -> DXMockResponse
  private let api: APIPipeline
  private let platform: MockPlatform
  private let backend: (any DXMockBackend)?
  /// Whether there is a backend, and whether it takes the faults itself: asked of every request,
  /// without copying the existential out each time.
  private let hasBackend: Bool
  private let backendRecordsFaults: Bool
  private let logger: Logger
  /// Whether this pipeline serves the storage origin: file transfer URLs only.
  private let storageOnly: Bool
  private let requestCounter = Atomic<UInt64>(0)

  init(
    maxBodyBytes: Int, adminToken: String?, journal: RequestJournal, faults: FaultEngine, stubs: StubEngine,
    admin: @escaping @Sendable (DXMockRequest) -> DXMockResponse, api: APIPipeline, platform: MockPlatform,
    backend: (any DXMockBackend)?, logger: Logger, storageOnly: Bool = false
  ) {
    self.storageOnly = storageOnly
    self.maxBodyBytes = maxBodyBytes
    self.adminToken = adminToken
    self.journal = journal
    self.faults = faults
    self.stubs = stubs
    self.admin = admin
    self.api = api
    self.platform = platform
    self.backend = backend
    self.hasBackend = backend != nil
    self.backendRecordsFaults = backend?.recordsFaults ?? false
    self.logger = logger
  }

  /// The same pipeline for the storage origin (the port upload and download URLs point at): it
  /// journals and injects faults alike, and answers anything but a transfer URL with 404.
  func storagePipeline() -> RequestPipeline {
    RequestPipeline(
      maxBodyBytes: maxBodyBytes, adminToken: adminToken, journal: journal, faults: faults, stubs: stubs,
      admin: admin,
      api: api, platform: platform, backend: backend, logger: logger, storageOnly: true)
  }

  // MARK: - HTTPRequestHandler

  /// A request ID in the platform's format, `<epoch ms, 13 digits>-<1 to 6 digits>` (dx prints it and
  /// parses it back): the time of the request and a counter that wraps at a million.
  func makeRequestID() -> String {
    let number = requestCounter.add(1, ordering: .relaxed).newValue % 1_000_000
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Self.requestID(epochMilliseconds: time.tv_sec * 1000 + time.tv_nsec / 1_000_000, sequence: number)
  }

  /// The platform-format request ID for a time and a sequence number below a million (non-negative
  /// numbers in decimal, written into one small buffer: no interpolation).
  static func requestID(epochMilliseconds: Int, sequence: UInt64) -> String {
    guard epochMilliseconds >= 0 else { return "\(epochMilliseconds)-\(sequence)" }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
      var end = buffer.count
      func prepend(_ value: UInt64) {
        var value = value
        repeat {
          end -= 1
          buffer[end] = UInt8(ascii: "0") + UInt8(value % 10)
          value /= 10
        } while value > 0
      }
      prepend(sequence)
      end -= 1
      buffer[end] = UInt8(ascii: "-")
      prepend(UInt64(epochMilliseconds))
      return String(decoding: UnsafeBufferPointer(rebasing: buffer[end...]), as: UTF8.self)
    }
  }

  /// File transfers, admin calls and every request to a backend: the server's ``maxBodyBytes``; an
  /// API call to the platform: at most ``PlatformLimits/maxAPIBodyBytes`` (its JSON is parsed whole).
  func bodyLimit(path: String) -> Int {
    if hasBackend || MockPlatform.isTransferURL(path) || AdminAPI.isAdminPath(path) {
      return maxBodyBytes
    }
    return min(maxBodyBytes, PlatformLimits.maxAPIBodyBytes)
  }

  func digestsBody(method: String, path: String) -> Bool {
    !hasBackend && MockPlatform.isUploadURL(path)
  }

  func receiveLimits(for exchange: HTTPExchange) -> HTTPReceiveLimits? {
    guard faults.hasReceiveRules, !AdminAPI.isAdminPath(exchange.path) else { return nil }
    let decision = faults.decideReceive(exchange.requestHead)
    let limits: HTTPReceiveLimits
    switch decision.fault {
    case .resetAfterReceived(let bytes)?: limits = HTTPReceiveLimits(resetAfterBytes: bytes)
    case .bandwidth(let rate)?: limits = HTTPReceiveLimits(bytesPerSecond: rate)
    default: return nil
    }
    let context = PipelineContext(journalID: nil)
    context.stage = .receiving
    context.decided = true
    context.receiveDecision = decision
    exchange.handlerContext = context
    return limits
  }

  func cutOff(_ exchange: HTTPExchange) {
    guard let context = exchange.handlerContext as? PipelineContext else { return }
    context.journalID = journal.begin(exchange.completeRequest())
    context.decision = context.receiveDecision
  }

  func interrupted(_ exchange: HTTPExchange, reason: String) {
    guard let context = exchange.handlerContext as? PipelineContext, let id = context.journalID else {
      return
    }
    journal.amend(id, outcome: "interrupted: \(reason)")
  }

  func process(_ exchange: HTTPExchange) -> HTTPStep {
    guard let context = exchange.handlerContext as? PipelineContext else { return start(exchange) }
    switch context.stage {
    case .receiving:
      return start(exchange)
    case .delaying:
      if exchange.takeAwaitedPlan().cancelled { return .send(.respond(Self.shuttingDown)) }
      return afterDelay(context, exchange.completeRequest())
    case .awaiting:
      let (plan, cancelled) = exchange.takeAwaitedPlan()
      guard let plan, !cancelled else { return .send(.respond(Self.shuttingDown)) }
      let fault = context.backendAppliedFault ? nil : context.fault
      return .send(Self.apply(fault, receive: context.receiveFault, to: plan))
    }
  }

  func delivered(_ exchange: HTTPExchange, _ delivery: HTTPDelivery) {
    guard let context = exchange.handlerContext as? PipelineContext, let id = context.journalID else {
      return
    }
    guard context.decided else {
      // No rule was asked (there were none): nothing to report but the answer.
      journal.complete(
        id, status: delivery.status, fault: nil, declaredBytes: delivery.declaredBytes,
        sentBytes: delivery.sentBytes, outcome: delivery.outcome.journalWord, retryAfter: delivery.retryAfter)
      return
    }
    let decision = context.decision
    if let operation = decision.operation, let status = delivery.status, (200...299).contains(status),
      delivery.outcome == .responded || delivery.outcome == .paced
    {
      faults.attempts.succeeded(operation)
    }
    journal.complete(
      id, status: delivery.status, fault: Self.summary(decision, context.receiveDecision),
      declaredBytes: delivery.declaredBytes, sentBytes: delivery.sentBytes,
      outcome: delivery.outcome.journalWord,
      faultRuleIDs: decision.ruleIDs, delayMs: decision.delayMs, retryAfter: delivery.retryAfter)
  }

  func abandoned(_ exchange: HTTPExchange, reason: String) {
    guard let context = exchange.handlerContext as? PipelineContext, let id = context.journalID else {
      return
    }
    let decision = context.decision
    journal.complete(
      id, status: nil, fault: Self.summary(decision, context.receiveDecision), declaredBytes: nil,
      sentBytes: nil, outcome: "abandoned: \(reason)", faultRuleIDs: decision.ruleIDs,
      delayMs: decision.delayMs)
  }

  // MARK: - Stages

  private func start(_ exchange: HTTPExchange) -> HTTPStep {
    if let problem = exchange.headProblem {
      let request = exchange.completeRequest()
      let journaled = !AdminAPI.isAdminPath(exchange.path)
      exchange.handlerContext = PipelineContext(journalID: journaled ? journal.begin(request) : nil)
      var response = DXMockResponse.error(
        DXPlatformError(type: "InvalidInput", message: problem.message, status: problem.status))
      // The body's end is unknown (or the request is refused whole): the connection cannot be reused.
      response.headers["Connection"] = "close"
      return .send(.respond(response))
    }
    if AdminAPI.isAdminPath(exchange.path), !storageOnly {
      if exchange.bodyTooLarge { return .send(.respond(tooLarge(exchange.bodyLimit))) }
      return .send(.respond(adminResponse(exchange.completeRequest())))
    }
    let request = exchange.completeRequest()
    let context: PipelineContext
    if let existing = exchange.handlerContext as? PipelineContext {
      context = existing
      context.journalID = journal.begin(request)
    } else {
      context = PipelineContext(journalID: journal.begin(request))
      exchange.handlerContext = context
    }
    if exchange.bodyTooLarge { return .send(.respond(tooLarge(exchange.bodyLimit))) }
    // Without rules (and without a receive-phase decision) the decision is `.none`: not asked for,
    // and not copied around.
    guard context.decided || faults.hasRules else { return afterDelay(context, request) }
    context.decided = true
    let decision = faults.decide(request).merged(withReceive: context.receiveDecision)
    context.decision = decision
    if !decision.isNone, let id = context.journalID {
      journal.annotate(
        id, fault: Self.summary(decision, context.receiveDecision), faultRuleIDs: decision.ruleIDs,
        delayMs: decision.delayMs)
    }
    if decision.delayMs > 0 {
      context.stage = .delaying
      logger.debug("delaying request", metadata: ["path": "\(exchange.path)", "ms": "\(decision.delayMs)"])
      return .sleep(milliseconds: decision.delayMs)
    }
    return afterDelay(context, request)
  }

  /// The fault (if any) and then the real response to `request` (the exchange's,
  /// ``HTTPExchange/completeRequest()``).
  private func afterDelay(_ context: PipelineContext, _ request: DXMockRequest) -> HTTPStep {
    let fault = context.fault
    let receive = context.receiveFault
    if backendRecordsFaults { return awaitBackend(request, context, fault: fault) }
    if let fault, fault.replacesResponse {
      return .send(Self.apply(nil, receive: receive, to: fault.apply(to: .empty)))
    }
    if !hasBackend, Self.mayBeLogPath(request.path), JobLogStream.isLogPath(request.path) {
      return logStream(request)
    }
    if !stubs.isEmpty, let stubbed = stubs.answer(request) {
      return .send(Self.apply(fault, receive: receive, to: .respond(stubbed)))
    }
    if hasBackend { return awaitBackend(request, context, fault: nil) }
    return .send(Self.apply(fault, receive: receive, to: .respond(platformResponse(request))))
  }

  /// Hands `request` to the backend (with `fault` when the backend takes the faults itself). Kept out
  /// of ``afterDelay(_:_:)``, so that a request without a backend never copies the existential.
  @inline(never)
  private func awaitBackend(_ request: DXMockRequest, _ context: PipelineContext, fault: DXFault?) -> HTTPStep
  {
    guard let backend else { return .send(.respond(platformResponse(request))) }
    context.stage = .awaiting
    context.backendAppliedFault = backendRecordsFaults
    let backendContext = DXMockBackendContext(
      fault: fault, platform: { [self] in .respond(mockResponse($0)) })
    return .await { await backend.respond(to: request, context: backendContext) }
  }

  /// Whether `path` ends in `/getLog/websocket`, byte for byte: true of every path
  /// `JobLogStream.isLogPath` accepts (its parts compare as `String`s, and no other bytes are
  /// canonically equal to these ASCII letters), and cheap enough to ask of every request first.
  static func mayBeLogPath(_ path: String) -> Bool {
    let suffix: StaticString = "/getLog/websocket"
    let bytes = path.utf8
    guard bytes.count >= suffix.utf8CodeUnitCount else { return false }
    let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
    return bytes.suffix(suffix.utf8CodeUnitCount).elementsEqual(tail)
  }

  /// A stub's answer, or the platform's (what a hybrid backend falls back to).
  private func mockResponse(_ request: DXMockRequest) -> DXMockResponse {
    (stubs.isEmpty ? nil : stubs.answer(request)) ?? platformResponse(request)
  }

  /// `GET /job-xxxx/getLog/websocket`: a WebSocket upgrade to the job's log stream (`dx watch`), or
  /// 400 for a bad handshake.
  private func logStream(_ request: DXMockRequest) -> HTTPStep {
    let headers: DXHTTPHeaders
    do throws(DXPlatformError) {
      headers = try WebSocketHandshake.responseHeaders(method: request.method, headers: request.headers)
    } catch {
      return .send(.respond(.error(error)))
    }
    let stream = JobLogStream(platform: platform, path: request.path)
    return .upgrade(headers: headers) { channel in stream.run(on: channel) }
  }

  /// A file transfer, or the platform API.
  private func platformResponse(_ request: DXMockRequest) -> DXMockResponse {
    if let transfer = platform.handleTransfer(request) { return transfer }
    if storageOnly {
      return .error(
        .resourceNotFound("The storage origin serves only upload and download URLs, not \(request.path)"))
    }
    return api.respond(to: request)
  }

  /// Breaks a normal response the way a truncate, noContentLength, encoding, trickle or stall fault
  /// says, and paces it for a receive-phase bandwidth fault; other plans (a backend replaying a
  /// recorded fault) pass unchanged.
  static func apply(_ fault: DXFault?, receive: DXFault? = nil, to plan: DXMockWirePlan) -> DXMockWirePlan {
    guard case .respond(let response) = plan else { return plan }
    var bandwidth: Int?
    if case .bandwidth(let rate)? = receive { bandwidth = rate }
    switch fault {
    case .truncate(let sendBytes)?:
      return .truncate(response, sendBytes: sendBytes)
    case .noContentLength?:
      var broken = response
      broken.headers["Content-Type"] = "application/json"
      broken.body = Data(DXFault.noContentLengthBody)
      return .closeDelimited(broken)
    case .encoded(let encoding, let corrupt)?:
      var encoded = response
      encoded.body = FaultBodyEncoder.encode(response.body, as: encoding, corrupt: corrupt)
      encoded.headers["Content-Encoding"] = encoding.rawValue
      return bandwidth.map { .paced(encoded, DXMockPacing(bytesPerSecond: $0)) } ?? .respond(encoded)
    case .trickle(let rate)?:
      return .paced(response, DXMockPacing(bytesPerSecond: min(rate, bandwidth ?? .max)))
    case .stall(let afterBytes, let ms)?:
      return .paced(
        response, DXMockPacing(bytesPerSecond: bandwidth, stallAfterBytes: afterBytes, stallMs: ms))
    default:
      return bandwidth.map { .paced(response, DXMockPacing(bytesPerSecond: $0)) } ?? plan
    }
  }

  // MARK: - Admin

  private func adminResponse(_ request: DXMockRequest) -> DXMockResponse {
    if let adminToken {
      let presented = APIPipeline.bearerToken(request.headers["Authorization"])
      guard presented == adminToken else {
        return .error(
          .invalidAuthentication("The admin API needs the header Authorization: Bearer <admin token>"))
      }
    } else if !Self.isLoopback(request.remoteAddress) {
      return .error(
        DXPlatformError(
          type: "PermissionDenied",
          message: "The admin API answers only on the loopback interface unless an admin token is set",
          status: 403))
    }
    return admin(request)
  }

  static func isLoopback(_ address: String) -> Bool {
    address.hasPrefix("127.") || address == "::1"
  }

  // MARK: - Canned answers

  private func tooLarge(_ limit: Int) -> DXMockResponse {
    .error(
      DXPlatformError(
        type: "InvalidInput",
        message: "The request body is larger than the server's limit of \(limit) bytes for this URL",
        status: 413))
  }

  static let shuttingDown = DXMockResponse.error(
    DXPlatformError(
      type: "ServiceUnavailable", message: "The server is shutting down", status: 503, retryAfter: "1"))

  /// The journal's fault text: the response fault (or the receive-phase one), else the total delay.
  private static func summary(_ decision: FaultDecision, _ receive: FaultDecision) -> String? {
    if let fault = decision.fault ?? receive.fault { return fault.summary }
    return decision.delayMs > 0 ? DXFault.delay(ms: decision.delayMs).summary : nil
  }
}

extension HTTPDelivery.Outcome {
  /// The word the request journal uses.
  var journalWord: String {
    switch self {
    case .responded: return "response"
    case .truncated: return "truncated"
    case .closeDelimited: return "closeDelimited"
    case .reset: return "reset"
    case .closed: return "empty"
    case .failed: return "failed"
    case .paced: return "paced"
    }
  }
}
