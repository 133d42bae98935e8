import ArgumentParser
import DXCore
import Foundation

/// `dxkit-bench bindings …`: DXFile transfers and findDataObjects against one server, each printing
/// one line of `key=value` figures (rate, seconds, the process's peak RSS). Also used by the dxpy
/// cross-check interop script to upload and download with DXFile.
struct BindingsBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bindings",
    abstract: "DXFile upload/download and findDataObjects, timed.",
    subcommands: [Upload.self, Download.self, Populate.self, Find.self]
  )

  /// What every subcommand needs: the server, the token and the project.
  struct Connection: ParsableArguments {
    @Option(help: "The API server's base URL, e.g. http://127.0.0.1:8080.")
    var url: String

    @Option(help: "The API token.")
    var token: String

    @Option(help: "The project to work in.")
    var project: String

    /// Runs `body` with a client on a live transport, always shut down.
    func withClient<T: Sendable>(_ body: (DXClient) async throws -> T) async throws -> T {
      guard let components = URLComponents(string: url), let host = components.host,
        let scheme = components.scheme
      else { throw ValidationError("--url must be an http(s) URL, got '\(url)'") }
      var platform = DXConfiguration()
      platform.setAPIServerInfo(host: host, port: components.port.map(String.init), protocol: scheme)
      platform.setSecurityContext(DXSecurityContext(token: token))
      return try await DXLiveTransport.withTransport(.init(from: platform)) { transport in
        try await body(try DXClient(platform: platform, transport: transport).withProjectContext(project))
      }
    }
  }

  /// The peak resident set of this process in KiB (`VmHWM`), or 0 where /proc is missing.
  static func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
    return 0
  }

  static func figures(_ what: String, bytes: Int, seconds: Double, extra: String = "") -> String {
    let rate = Double(bytes) / 1_000_000 / max(seconds, 1e-9)
    return "\(what) bytes=\(bytes) seconds=\(String(format: "%.3f", seconds)) "
      + "rate=\(String(format: "%.1f", rate))MB/s peak_rss_kib=\(peakRSSKiB())\(extra)"
  }

  /// `upload`: DXFile.upload(contentsOf:) of a local file; prints the figures and the new file's ID.
  struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Upload a local file with DXFile.")

    @OptionGroup var connection: Connection

    @Option(help: "The local file.")
    var file: String

    @Option(help: "Parts uploaded at once.")
    var parallel: Int = 4

    @Option(help: "The part size hint in bytes (default dxpy's 16 MiB).")
    var partSize: Int = DXUploadOptions.defaultPartSize

    func run() async throws {
      let url = URL(fileURLWithPath: file)
      let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
      let options = DXUploadOptions(partSizeHint: partSize, parallelParts: parallel)
      let (id, elapsed) = try await connection.withClient { client in
        let start = ContinuousClock.now
        let uploaded = try await DXFile.upload(contentsOf: url, options, client: client)
        return (uploaded.id, ContinuousClock.now - start)
      }
      print(BindingsBenchmark.figures("upload", bytes: size, seconds: elapsed.seconds, extra: " id=\(id)"))
    }
  }

  /// `download`: DXFile.download(to:) into a local file.
  struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Download a file with DXFile.")

    @OptionGroup var connection: Connection

    @Option(help: "The file ID.")
    var id: String

    @Option(help: "The local file to write.")
    var out: String

    @Option(help: "Chunks fetched at once.")
    var parallel: Int = 4

    func run() async throws {
      let target = URL(fileURLWithPath: out)
      try? FileManager.default.removeItem(at: target)
      let elapsed = try await connection.withClient { client in
        let file = try DXFile(id, client: client)
        let start = ContinuousClock.now
        try await file.download(to: target, DXDownloadOptions(parallelChunks: parallel))
        return ContinuousClock.now - start
      }
      let size = (try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
      print(BindingsBenchmark.figures("download", bytes: size, seconds: elapsed.seconds))
    }
  }

  /// `populate`: creates N closed records in the project, several calls at once.
  struct Populate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create N records for the find benchmark.")

    @OptionGroup var connection: Connection

    @Option(name: [.customShort("n"), .long], help: "How many records.")
    var count: Int = 100_000

    @Option(help: "Calls in flight.")
    var concurrency: Int = 16

    func run() async throws {
      let total = count
      let width = max(1, concurrency)
      let elapsed = try await connection.withClient { client in
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
          var next = 0
          while next < total {
            if next >= width { try await group.next() }
            let index = next
            group.addTask {
              _ = try await DXRecord.new(DXNewObjectOptions(name: "r\(index)"), close: true, client: client)
            }
            next += 1
          }
          try await group.waitForAll()
        }
        return ContinuousClock.now - start
      }
      print("populate records=\(total) seconds=\(String(format: "%.3f", elapsed.seconds))")
    }
  }

  /// `find`: iterates findDataObjects over the project, counting results.
  struct Find: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Iterate findDataObjects over the project.")

    @OptionGroup var connection: Connection

    @Flag(help: "Ask for each result's description (describe: true).")
    var describe = false

    @Flag(
      help: """
        The floor: the same pages (100, 200, … 1000) with client.systemFindDataObjects, counting the \
        results in the JSON without making typed results.
        """)
    var raw = false

    func run() async throws {
      let project = connection.project
      let (describe, raw) = (self.describe, self.raw)
      let (count, elapsed) = try await connection.withClient { client in
        var query = DXDataObjectQuery(project: project)
        if describe { query.describe = true }
        let start = ContinuousClock.now
        var count = 0
        if raw {
          var input: [String: DXJSON] = ["scope": ["project": .string(project)], "limit": 100]
          if describe { input["describe"] = true }
          while true {
            let page = try await client.systemFindDataObjects(.object(input))
            count += page["results"]?.arrayValue?.count ?? 0
            guard let next = page["next"], !next.isNull else { break }
            input["starting"] = next
            input["limit"] = .integer(min((input["limit"]?.intValue ?? 100) * 2, 1000))
          }
        } else {
          for try await _ in try client.findDataObjects(query) { count += 1 }
        }
        return (count, ContinuousClock.now - start)
      }
      let rate = Double(count) / max(elapsed.seconds, 1e-9)
      print(
        "find results=\(count) seconds=\(String(format: "%.3f", elapsed.seconds)) "
          + "rate=\(String(format: "%.1f", rate))/s peak_rss_kib=\(BindingsBenchmark.peakRSSKiB())")
    }
  }
}
