import DXWire
import Logging

/// A log handler that keeps every message, for asserting dxpy's log lines.
struct CapturingLogHandler: LogHandler {
  let store: DXLock<[(Logger.Level, String)]>
  var logLevel: Logger.Level = .trace
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    store.withLock { $0.append((event.level, "\(event.message)")) }
  }

  /// A logger and the store its messages go to.
  static func make() -> (Logger, DXLock<[(Logger.Level, String)]>) {
    let store = DXLock<[(Logger.Level, String)]>([])
    return (Logger(label: "dxpy", factory: { _ in CapturingLogHandler(store: store) }), store)
  }
}
