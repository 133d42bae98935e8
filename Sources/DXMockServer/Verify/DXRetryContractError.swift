/// Thrown by ``DXMockServer/verifyRetryContract(_:)`` when the client broke the retry contract; lists
/// every violation.
public struct DXRetryContractError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The report, with every violation.
  public var report: DXRetryContractReport

  /// The report's lines.
  public var description: String { report.description }
}
