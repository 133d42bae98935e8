import DXWire

/// What the retry-contract verifier found in the journal (``DXMockServer/retryContractReport(_:)``,
/// `GET /__admin/verify`).
public struct DXRetryContractReport: Sendable, Hashable, CustomStringConvertible {
  /// Every violation, operation by operation.
  public var violations: [DXRetryViolation]
  /// The logical operations found.
  public var operations: Int
  /// The journal entries looked at.
  public var attempts: Int

  /// Whether the client kept the contract.
  public var isClean: Bool { violations.isEmpty }

  /// One line per violation, or a line saying there were none.
  public var description: String {
    if violations.isEmpty {
      return "retry contract kept: \(operations) operations, \(attempts) requests, no violations"
    }
    return
      (["retry contract broken \(violations.count) times (\(operations) operations, \(attempts) requests):"]
      + violations.map { "  - \($0)" }).joined(separator: "\n")
  }

  /// `{"ok":…,"operations":…,"requests":…,"violations":[…]}`.
  public var json: DXJSON {
    .object([
      "ok": .bool(isClean), "operations": .integer(operations), "requests": .integer(attempts),
      "violations": .array(violations.map(\.json)),
    ])
  }
}
