import Foundation

/// The cassette importers as fuzz entry points (see `DXMockServerFuzzing` for the pattern): HAR 1.2
/// and VCR.py YAML files from other tools; and the replay key's one-pass body hasher, checked against
/// the general code.
package enum DXCassetteFuzzing {
  /// A HAR file (``DXCassetteHAR/interactions(fromHAR:)``).
  package static func harImport(_ bytes: [UInt8]) {
    _ = try? DXCassetteHAR.interactions(fromHAR: Data(bytes))
  }

  /// A VCR.py cassette (``DXCassetteVCR/interactions(fromYAML:now:)``).
  package static func vcrImport(_ bytes: [UInt8]) {
    _ = try? DXCassetteVCR.interactions(
      fromYAML: Data(bytes), now: Date(timeIntervalSince1970: 1_700_000_000))
  }

  /// A request body: the one-pass key (``DXCanonicalJSONHasher``) must be the general code's, with the
  /// default settings and with more ignored fields; traps on a difference.
  package static func replayKey(_ bytes: [UInt8]) {
    if let problem = replayKeyProblem(bytes) { preconditionFailure(problem) }
  }

  /// How the one-pass key of body `bytes` differs from the general code's, or `nil`.
  package static func replayKeyProblem(_ bytes: [UInt8]) -> String? {
    let body = Data(bytes)
    let placeholder = DXSecretScanner.defaultPlaceholder
    for matching in [DXCassetteMatching.default, DXCassetteMatching(ignoredBodyFields: ["nonce", "a", ""])] {
      let plan = DXCanonicalJSONHasher.Plan(matching: matching, placeholder: placeholder)
      let fast = matching.bodyKey(body, placeholder: placeholder, plan: plan)
      let general = matching.bodyKey(body, placeholder: placeholder)
      if fast != general {
        return
          "one-pass key \(fast) differs from the general key \(general) for \(String(decoding: bytes, as: UTF8.self))"
      }
    }
    return nil
  }
}
