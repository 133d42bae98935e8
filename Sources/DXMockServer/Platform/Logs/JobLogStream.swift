import DXWire
import Foundation

/// A job's log as `dx watch` streams it (`dxpy/utils/job_log_client.py`): over a WebSocket at
/// `/job-xxxx/getLog/websocket`.
///
/// The client's first message is `{"access_token", "token_type": "Bearer", "numRecentMessages"?,
/// "recurseJobs"?, "tail"?, "levels"?}`. The server then sends each log line as
/// `{"job", "line", "timestamp", "source", "level", "msg"}`, and when the job has ended (or at once
/// with `"tail": false`) `{"source": "SYSTEM", "msg": "END_LOG", …}` and a normal close (1000). A
/// missing or unknown token, an unknown job or no access closes with code 1008 and the platform's
/// error (`{"type", "message"}`) as the reason, which dxpy prints.
struct JobLogStream: Sendable {
  let platform: MockPlatform
  /// The job ID from the path (empty when the path has none).
  let jobID: String
  /// How often the stream looks for new lines while the job runs (real milliseconds).
  var pollMs = 50
  /// How long the client has to send its first message.
  var helloTimeoutMs = 30_000

  init(platform: MockPlatform, path: String) {
    self.platform = platform
    let parts = path.split(separator: "/").map(String.init)
    jobID = parts.first ?? ""
  }

  /// Whether `path` is a job's log-stream path.
  static func isLogPath(_ path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0].isEmpty && parts[1].hasPrefix("job-") && parts[2] == "getLog"
      && parts[3] == "websocket"
  }

  /// Runs the stream on `channel` until the job ends, the client goes, or the server stops.
  func run(on channel: WebSocketChannel) {
    guard case .text(let hello) = channel.receive(timeoutMs: helloTimeoutMs) else {
      channel.close(
        code: 1008, reason: Self.reason("InvalidInput", "Expected a first message with access_token"))
      return
    }
    let options: Options
    do throws(DXPlatformError) {
      options = try authorize(hello)
    } catch {
      channel.close(code: 1008, reason: Self.reason(error.type, error.message))
      return
    }
    var sent: [String: Int] = [:]
    var first = true
    while true {
      let snapshot: Snapshot
      do throws(DXPlatformError) {
        snapshot = try platform.store.read { (state: PlatformState) throws(DXPlatformError) in
          Self.snapshot(of: jobID, recurse: options.recurse, in: state)
        }
      } catch {
        channel.close(code: 1011, reason: Self.reason(error.type, error.message))
        return
      }
      for (job, lines) in snapshot.lines {
        var start = sent[job] ?? 0
        if first, let recent = options.recent { start = max(start, lines.count - recent) }
        for (offset, line) in lines.enumerated().dropFirst(start)
        where options.levels?.contains(line.level) ?? true {
          guard channel.send(text: Self.message(job: job, number: offset + 1, line: line)) else { return }
        }
        sent[job] = lines.count
      }
      first = false
      if snapshot.ended || !options.tail {
        let end: DXJSON = [
          "job": .string(jobID), "source": "SYSTEM", "level": "INFO", "msg": "END_LOG",
          "timestamp": .integer(snapshot.time), "line": .integer((sent[jobID] ?? 0) + 1),
        ]
        channel.send(text: end.serializedString(sortedKeys: true))
        channel.close(code: 1000, reason: "")
        return
      }
      if channel.receive(timeoutMs: pollMs) == .closed { return }
    }
  }

  // MARK: - Steps

  /// What the client asked for.
  struct Options: Sendable {
    var tail = true
    var recurse = false
    var recent: Int?
    var levels: Set<String>?
  }

  /// Checks the first message: the token authenticates a user with VIEW in the job's project.
  private func authorize(_ hello: String) throws(DXPlatformError) -> Options {
    let json: DXJSON
    do {
      json = try DXJSON(parsing: Data(hello.utf8))
    } catch {
      throw .invalidInput("The first message must be a JSON object with access_token")
    }
    let input = try PlatformInput(json)
    guard let token = try input.string("access_token"), !token.isEmpty else {
      throw .invalidAuthentication("No access_token was given")
    }
    if let type = try input.string("token_type"), type.lowercased() != "bearer" {
      throw .invalidAuthentication("The token type must be Bearer, not \(type)")
    }
    guard let user = platform.userID(forToken: token) else {
      throw .invalidAuthentication("The token could not be found or is not valid")
    }
    var options = Options()
    options.tail = try input.bool("tail") ?? true
    options.recurse = try input.bool("recurseJobs") ?? false
    options.recent = try input.int("numRecentMessages", in: 0...PlatformLimits.maxCount)
    options.levels = try input.strings("levels").map(Set.init)
    try platform.store.read { (state: PlatformState) throws(DXPlatformError) in
      guard let job = state.executions[jobID], job.klass == "job" else {
        throw .resourceNotFound("The job \(jobID) could not be found")
      }
      try MockPlatform.requireAccess(to: job, for: user, atLeast: .view, state: state)
    }
    return options
  }

  /// The log lines of the job (and its sub-jobs with `recurse`), and whether the job ended.
  struct Snapshot: Sendable {
    var lines: [(String, [ExecutionLogLine])] = []
    var ended = false
    var time = 0
  }

  static func snapshot(of id: String, recurse: Bool, in state: PlatformState) -> Snapshot {
    var snapshot = Snapshot()
    guard let job = state.executions[id] else {
      snapshot.ended = true
      return snapshot
    }
    snapshot.ended = job.isTerminal
    snapshot.time = job.transitions.last?.setAt ?? job.created
    var queue = [id]
    while !queue.isEmpty {
      let next = queue.removeFirst()
      guard let execution = state.executions[next] else { continue }
      snapshot.lines.append((next, execution.log))
      if recurse { queue += execution.children }
    }
    return snapshot
  }

  /// One log line as the platform sends it.
  static func message(job: String, number: Int, line: ExecutionLogLine) -> String {
    let json: DXJSON = [
      "job": .string(job), "line": .integer(number), "timestamp": .integer(line.timestamp),
      "source": .string(line.source), "level": .string(line.level), "msg": .string(line.msg),
    ]
    return json.serializedString(sortedKeys: true)
  }

  /// A close reason dxpy parses: `{"type", "message"}` (cut to fit a close frame).
  static func reason(_ type: String, _ message: String) -> String {
    var text = DXJSON.object(["type": .string(type), "message": .string(message)]).serializedString(
      sortedKeys: true)
    var shortened = message
    while text.utf8.count > 123, !shortened.isEmpty {
      // Characters, not bytes, are removed: never more than the message has (a message of multi-byte
      // or escaped characters is longer in bytes than in characters).
      shortened.removeLast(min(shortened.count, max(1, text.utf8.count - 123)))
      text = DXJSON.object(["type": .string(type), "message": .string(shortened)]).serializedString(
        sortedKeys: true)
    }
    return text
  }
}
