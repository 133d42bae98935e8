import ArgumentParser
import DXCassette
import Foundation

/// `dxkit-bench cassette-import --vcrpy FILE --har FILE`: how long `dxcassette import` takes for a VCR.py
/// cassette and a HAR file (parse, redact and scan, write the indexed SQLite cassette), best of a few
/// runs, with the parse alone beside it. Prints `key=value` lines for `scripts/bench-cassette-import.sh`.
struct CassetteImportBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cassette-import", abstract: "Time importing a VCR.py cassette and a HAR file.")

  @Option(name: .long, help: "A VCR.py YAML cassette.")
  var vcrpy: String

  @Option(name: .long, help: "A HAR 1.2 file.")
  var har: String

  @Option(name: .long, help: "Runs per file (the best is printed).")
  var runs = 3

  func run() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "dxkit-import-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, path, format) in [
      ("vcrpy", vcrpy, DXCassetteInterchangeFormat.vcrpy), ("har", har, DXCassetteInterchangeFormat.har),
    ] {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read \(path)")
      }
      let clock = ContinuousClock()
      var parse = Duration.seconds(1_000_000)
      var total = Duration.seconds(1_000_000)
      var count = 0
      for run in 0..<max(1, runs) {
        let started = clock.now
        switch format {
        case .vcrpy: count = try DXCassetteVCR.interactions(fromYAML: data).value.count
        default: count = try DXCassetteHAR.interactions(fromHAR: data).value.count
        }
        parse = min(parse, clock.now - started)
        let target = directory.appendingPathComponent("\(name)-\(run).dxcassette").path
        let importStarted = clock.now
        _ = try DXCassetteTool.importFile(data, from: format, to: target)
        total = min(total, clock.now - importStarted)
      }
      print(
        "\(name)_interactions=\(count) \(name)_bytes=\(data.count) \(name)_parse_s=\(String(format: "%.3f", parse.seconds)) "
          + "\(name)_import_s=\(String(format: "%.3f", total.seconds))")
    }
  }
}
