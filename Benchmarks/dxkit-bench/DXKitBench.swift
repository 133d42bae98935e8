import ArgumentParser
import NIOCore
import NIOPosix

/// Benchmarks that print figures: `dxkit-bench client …` and `dxkit-bench cassette …`.
struct DXKitBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dxkit-bench",
    abstract: "Print DXKit's performance figures.",
    subcommands: [ClientBenchmark.self, CassetteBenchmark.self]
  )
}

/// The entry point: installs NIO's event loops as Swift's global executor first when asked
/// (`client --nio-executor`), which must happen before any task runs on the default executor.
@main
enum DXKitBenchMain {
  static func main() async {
    if CommandLine.arguments.contains(ClientBenchmark.nioExecutorFlag) {
      NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
    await DXKitBench.main()
  }
}
