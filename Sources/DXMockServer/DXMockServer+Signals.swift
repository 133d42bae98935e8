import Dispatch
import Foundation

extension DXMockServer {
  /// Serves until the process receives SIGINT or SIGTERM, then stops gracefully (as ``stop()`` does) and
  /// returns. For the `dx-mock-server` executable; start the server first.
  ///
  /// SIGPIPE is ignored for the rest of the process (a client closing early must not kill the server).
  /// - Throws: ``DXMockServerError/notRunning(_:)`` when the server was not started.
  public func runUntilSignalled() throws {
    guard port != 0 else { throw DXMockServerError.notRunning("runUntilSignalled()") }
    signal(SIGPIPE, SIG_IGN)
    let received = DispatchSemaphore(value: 0)
    let queue = DispatchQueue(label: "dxmockserver.signals")
    var sources: [any DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM] {
      // The default action would end the process at once; the dispatch source gets the signal instead.
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { received.signal() }
      source.resume()
      sources.append(source)
    }
    received.wait()
    stopSynchronously()
    for source in sources { source.cancel() }
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
