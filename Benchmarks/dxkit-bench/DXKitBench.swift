import ArgumentParser

/// Benchmarks that print figures: `dxkit-bench client …`, `dxkit-bench cassette …` and
/// `dxkit-bench bindings …`.
@main
struct DXKitBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dxkit-bench",
    abstract: "Print DXKit's performance figures.",
    subcommands: [
      ClientBenchmark.self, CassetteBenchmark.self, CassetteImportBenchmark.self,
      CassetteTimingBenchmark.self, BindingsBenchmark.self,
    ]
  )
}
