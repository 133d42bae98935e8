import Foundation

extension DXConfiguration {
  private enum SharedState: Sendable {
    case notLoaded
    case loaded(DXConfiguration)
    case failed(DXConfigurationError)
  }

  private static let sharedStorage = DXLock<SharedState>(.notLoaded)

  /// The process-wide configuration, loaded from the process's environment and the real home folder on
  /// first use (dxpy loads at import).
  ///
  /// - Throws: The ``DXConfigurationError`` of that load, every time, until ``setShared(_:)`` replaces
  ///   it: a malformed file is never silently replaced by defaults.
  public static var shared: DXConfiguration {
    get throws(DXConfigurationError) {
      try updateShared { $0 }
    }
  }

  /// Replaces the process-wide configuration.
  public static func setShared(_ configuration: DXConfiguration) {
    sharedStorage.withLock { $0 = .loaded(configuration) }
  }

  /// Changes the process-wide configuration atomically, e.g.
  /// `try DXConfiguration.updateShared { $0.setProjectContext("project-…") }`.
  /// - Returns: What `body` returns.
  /// - Throws: The load error (see ``shared``), or nothing else: `body` does not throw.
  @discardableResult
  public static func updateShared<T>(_ body: (inout DXConfiguration) -> T) throws(DXConfigurationError) -> T {
    let outcome: Result<T, DXConfigurationError> = sharedStorage.withLock { state in
      if case .notLoaded = state {
        do throws(DXConfigurationError) {
          state = .loaded(try DXConfiguration.load())
        } catch {
          state = .failed(error)
        }
      }
      switch state {
      case .loaded(var configuration):
        let result = body(&configuration)
        state = .loaded(configuration)
        return .success(result)
      case .failed(let error):
        return .failure(error)
      case .notLoaded:
        return .failure(.unreadableFile(path: "<shared>", reason: "configuration not loaded"))
      }
    }
    return try outcome.get()
  }

  /// Forgets the process-wide configuration so the next use loads it again.
  public static func resetShared() {
    sharedStorage.withLock { $0 = .notLoaded }
  }
}
