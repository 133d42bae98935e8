import DXCassette

extension DXCassetteRecordMode {
  /// The environment variable that overrides every cassette session's record mode:
  /// `DXKIT_CASSETTE_RECORD_MODE` (`once`, `newEpisodes`, `none`, `all` or `passthrough`).
  public static let environmentVariable = "DXKIT_CASSETTE_RECORD_MODE"

  /// The mode a cassette session uses when the test asks for `self`.
  ///
  /// A test that asks for `none` always gets `none`: a cassette declared replay-only (a fixture
  /// recorded by a script, say) is never recorded by a test. Otherwise ``environmentVariable``, when
  /// set, wins (`all` re-records every cassette); otherwise, when `CI` is set to `true`, `yes` or `1`
  /// (as CI services set it), the mode is `none`: CI replays and never records, as Ruby VCR's
  /// `record: :none` is used there. Elsewhere, `self`.
  /// - Parameter environment: The process environment.
  /// - Throws: ``DXKitTestingError`` when the variable holds no mode name.
  public func effective(in environment: [String: String]) throws(DXKitTestingError) -> DXCassetteRecordMode {
    if self == .none { return .none }
    if let value = environment[Self.environmentVariable], !value.isEmpty {
      guard let mode = Self.allCases.first(where: { $0.rawValue.lowercased() == value.lowercased() }) else {
        let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
        throw DXKitTestingError("\(Self.environmentVariable)=\(value) is not a record mode (\(names))")
      }
      return mode
    }
    if let ci = environment["CI"], ["true", "yes", "1"].contains(ci.lowercased()) { return .none }
    return self
  }
}
