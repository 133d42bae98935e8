import ArgumentParser

/// Benchmarks that print figures: `dxkit-bench client …` and `dxkit-bench cassette …`.
@main
struct DXKitBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dxkit-bench",
    abstract: "Print DXKit's performance figures.",
    subcommands: [
      ClientBenchmark.self, CassetteBenchmark.self, CassetteImportBenchmark.self,
      CassetteTimingBenchmark.self,
    ]
  )
}
