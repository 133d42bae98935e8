/// A named, seeded mix of probabilistic faults over all routes (`--chaos NAME`), the way Toxiproxy's
/// toxics compose.
///
/// Each profile is a list of fault rules with probabilities; every rule draws from its own generator
/// seeded from the server's `--seed`, so a run with the same seed and the same requests fails the same
/// way. The profiles keep to faults a client following dxpy's contract recovers from: nothing breaks
/// a reply after a non-idempotent call ran (cut replies only on describe calls and file transfers),
/// and no fault outlasts dxpy's retry limit except by a very unlikely run of draws.
///
/// | name | what |
/// |---|---|
/// | `flaky-network` | resets (3%), closes without an answer (3%), describe and transfer replies cut short (3%), 0–30 ms of uniform latency on one request in five |
/// | `overloaded` | 503 with `Retry-After: 1` (4%), 429 with `Retry-After: 1` (2%), 500 (2%), normal latency (20 ± 10 ms) on a third |
/// | `slow` | Pareto-tailed latency (5 ms minimum, shape 2.5) on half the requests, downloads trickled at 1 MiB/s and a 200 ms stall in one in ten |
/// | `mixed` | a lighter blend of the three |
public struct DXChaosProfile: Sendable, Hashable {
  /// The profile's name.
  public let name: String
  /// One line about what it does.
  public let summary: String
  /// The rules it installs, in the spec syntax.
  public let specs: [String]

  /// Every named profile.
  public static let all: [DXChaosProfile] = [
    DXChaosProfile(
      name: "flaky-network", summary: "resets, closes without an answer, cut replies on reads, some latency",
      specs: [
        "* reset probability=0.03 id=chaos-reset",
        "* empty probability=0.03 id=chaos-empty",
        "POST */describe truncate sendBytes=0 probability=0.03 id=chaos-cut-describe",
        "GET /F/* truncate sendBytes=100 probability=0.03 id=chaos-cut-download",
        "* latency=uniform min=0 max=30 probability=0.2 id=chaos-latency",
      ]),
    DXChaosProfile(
      name: "overloaded", summary: "503 and 429 with Retry-After: 1, some 500s, some latency",
      specs: [
        "* status=503 retryAfter=1 probability=0.04 id=chaos-503",
        "* status=429 retryAfter=1 probability=0.02 id=chaos-429",
        "* status=500 probability=0.02 id=chaos-500",
        "* latency=normal mean=20 stddev=10 probability=0.33 id=chaos-latency",
      ]),
    DXChaosProfile(
      name: "slow", summary: "heavy-tailed latency, trickled downloads and stalls",
      specs: [
        "* latency=pareto scale=5 shape=2.5 probability=0.5 id=chaos-latency",
        "GET /F/download/* trickle=1048576 probability=0.5 id=chaos-trickle",
        "* stall afterBytes=0 ms=200 probability=0.1 id=chaos-stall",
      ]),
    DXChaosProfile(
      name: "mixed", summary: "a lighter blend of flaky-network, overloaded and slow",
      specs: [
        "* reset probability=0.015 id=chaos-reset",
        "* empty probability=0.015 id=chaos-empty",
        "POST */describe truncate sendBytes=0 probability=0.015 id=chaos-cut-describe",
        "* status=503 retryAfter=1 probability=0.02 id=chaos-503",
        "* status=500 probability=0.01 id=chaos-500",
        "* latency=pareto scale=2 shape=3 probability=0.3 id=chaos-latency",
      ]),
  ]

  /// The profile named `name`, or `nil`.
  public static func named(_ name: String) -> DXChaosProfile? {
    all.first { $0.name == name }
  }

  /// The profile's rules.
  /// - Throws: ``DXFaultRule/ParseError`` only if a built-in spec were wrong (a test parses them all).
  public func rules() throws(DXFaultRule.ParseError) -> [DXFaultRule] {
    var rules: [DXFaultRule] = []
    for spec in specs { rules.append(try DXFaultRule(spec: spec)) }
    return rules
  }
}
