import DXCore
import Foundation

extension DXCassetteTool {
  /// What `verify` found.
  public struct VerifyReport: Sendable {
    /// The check's result.
    public var report: DXCassetteDriftCheck.Report
    /// The text to print.
    public var text: String
    /// Whether any answer drifted (exit status 1).
    public var hasDrift: Bool { report.hasDrift }
  }

  /// `dxcassette verify FILE --against URL`: replays the cassette's read-only requests against a live
  /// server and reports every answer that drifted from the recording (see ``DXCassetteDriftCheck``).
  /// - Parameters:
  ///   - path: The cassette (read only).
  ///   - base: The server, e.g. `http://127.0.0.1:8124` or `https://api.dnanexus.com`.
  ///   - options: What to send and ignore.
  ///   - transport: The transport to send with; default a new `DXLiveTransport`, shut down after.
  /// - Throws: ``DXCassetteToolError`` for an unreadable cassette or a base that is not an http(s) URL.
  public static func verify(
    _ path: String, against base: String, options: DXCassetteDriftCheck.Options = .init(),
    transport: (any DXTransport)? = nil
  ) async throws(DXCassetteToolError) -> VerifyReport {
    guard let url = URL(string: base), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https",
      url.host?.isEmpty == false
    else {
      throw .invalidArgument("--against must be an http(s) URL like http://127.0.0.1:8124, got \"\(base)\"")
    }
    let interactions = try readOnly(path)
    let check = DXCassetteDriftCheck(options: options)
    let report: DXCassetteDriftCheck.Report
    if let transport {
      report = await check.run(interactions, base: base, transport: transport)
    } else {
      let live: DXLiveTransport
      do {
        live = try DXLiveTransport()
      } catch {
        throw .invalidArgument("cannot create an HTTP client: \(error)")
      }
      report = await check.run(interactions, base: base, transport: live)
      try? await live.shutdown()
    }
    return VerifyReport(report: report, text: report.text(cassette: path, against: base))
  }
}
