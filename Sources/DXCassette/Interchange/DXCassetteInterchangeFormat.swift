/// A file format a cassette is imported from or exported to (`dxcassette import --from`,
/// `dxcassette export --to`).
public enum DXCassetteInterchangeFormat: String, Sendable, Hashable, CaseIterable {
  /// DXKit's own readable JSON (``DXCassetteExport``): holds everything a cassette holds.
  case json
  /// HAR 1.2, the HTTP Archive that browsers, Polly.js and Swift's Replay write (``DXCassetteHAR``).
  case har
  /// A VCR.py 4+ YAML cassette (``DXCassetteVCR``).
  case vcrpy
}
