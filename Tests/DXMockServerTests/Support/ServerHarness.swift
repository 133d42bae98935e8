import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// Starts a server on 127.0.0.1 port 0 for one test and always stops it.
func withServer<T: Sendable>(
  _ configure: (inout DXMockServer.Configuration) -> Void = { _ in },
  _ body: (DXMockServer) async throws -> T
) async throws -> T {
  var configuration = DXMockServer.Configuration()
  configuration.threads = 2
  configuration.shutdownGracePeriod = 2
  configure(&configuration)
  return try await DXMockServer.withRunning(configuration, body)
}

/// The default token every server test uses.
let serverToken = DXMockServer.Configuration.defaultToken

extension DXMockServer {
  /// Sends one request on a fresh connection and reads the whole response, off the cooperative pool.
  func rawExchange(
    method: String = "POST", path: String, token: String? = serverToken, headers: [(String, String)] = [],
    body: String = "{}", timeout: Double = 30
  ) async throws -> RawHTTPClient.Response {
    let port = self.port
    return try await onDedicatedThread {
      try RawHTTPClient.exchange(
        port: port, method: method, path: path, token: token, headers: headers, body: body, timeout: timeout)
    }
  }

  /// Waits (bounded: `seconds`, default 60, and 200 polls a second; on a machine with a load average
  /// of 20 a request can take over 10 s to be sent) until the journal has a pending entry for `path`,
  /// and returns it.
  func waitForPendingRequest(path: String, seconds: Int = 60) async throws -> DXJournalEntry? {
    let deadline = ContinuousClock.now + .seconds(seconds)
    for _ in 0..<(seconds * 200) {
      if let entry = journal().first(where: { $0.path == path && $0.isPending }) { return entry }
      // Checked after looking, not before: a task starved past the deadline still looks once.
      if ContinuousClock.now >= deadline { break }
      try await Task.sleep(for: .milliseconds(5))
    }
    return nil
  }

  /// Adds a fault from its spec, failing the test on a bad spec.
  @discardableResult
  func addFault(spec: String) throws -> String {
    addFault(try DXFaultRule(spec: spec))
  }
}

/// Checks the headers every response must carry.
func expectStandardHeaders(
  _ response: RawHTTPClient.Response, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(response.header("X-Request-ID")?.isEmpty == false, sourceLocation: sourceLocation)
  #expect(response.header("X-Content-Type-Options") == "nosniff", sourceLocation: sourceLocation)
  #expect(response.header("Content-Encoding") == nil, sourceLocation: sourceLocation)
  #expect(response.header("Location") == nil, sourceLocation: sourceLocation)
}

/// Checks a complete JSON response with an exact Content-Length.
func expectExactJSON(_ response: RawHTTPClient.Response, sourceLocation: SourceLocation = #_sourceLocation) {
  expectStandardHeaders(response, sourceLocation: sourceLocation)
  #expect(response.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
  #expect(response.contentLength == response.body.count, sourceLocation: sourceLocation)
  #expect(response.json != nil, "body is a JSON object: \(response.bodyText)", sourceLocation: sourceLocation)
}
