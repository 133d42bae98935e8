import Foundation

/// The cassette importers as fuzz entry points (see `DXMockServerFuzzing` for the pattern): HAR 1.2
/// and VCR.py YAML files from other tools.
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
}
