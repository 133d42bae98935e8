import DXCore
import Foundation

extension DXCassetteTool {
  /// What `import` or `export` produced: the text to print and the per-interaction notes (printed as
  /// warnings on standard error).
  public struct ConversionReport: Sendable {
    /// The summary line (`import`) or the document (`export`).
    public var text: String
    /// What could not be carried over whole, one line per note (`entries[3]: …`, `#12: …`).
    public var notes: [String]
  }

  /// `dxcassette export --to FORMAT`: the cassette as export JSON, HAR 1.2 or VCR.py YAML.
  /// - Throws: ``DXCassetteToolError``.
  public static func export(_ path: String, to format: DXCassetteInterchangeFormat)
    throws(DXCassetteToolError)
    -> ConversionReport
  {
    let interactions = try readOnly(path)
    switch format {
    case .json:
      return ConversionReport(text: DXCassetteExport.json(for: interactions), notes: [])
    case .har:
      let document = DXCassetteHAR.document(for: interactions)
      return ConversionReport(text: document.value, notes: document.notes.map(\.description))
    case .vcrpy:
      let document = DXCassetteVCR.document(for: interactions)
      return ConversionReport(text: document.value, notes: document.notes.map(\.description))
    }
  }

  /// `dxcassette import --from FORMAT FILE CASSETTE`: creates a cassette from export JSON, a HAR file
  /// or a VCR.py cassette.
  ///
  /// Every interaction is redacted and scanned as a recording is: the `Authorization` credential (and
  /// every value of `secrets`) is replaced wherever it appears, and a file that still holds a secret is
  /// refused whole, naming the interaction and the field. HAR and VCR.py interactions get new ids in
  /// file order and their attempt positions are computed as a recording does.
  /// - Parameters:
  ///   - data: The file's contents.
  ///   - format: Its format.
  ///   - path: The cassette to create.
  ///   - replace: Whether an existing file may be replaced (atomically); default `false`.
  ///   - secrets: Literal secrets to redact besides the `Authorization` credential; default none.
  ///   - now: The recording time of VCR.py interactions (the format keeps none); default now.
  /// - Returns: The summary line and the per-interaction notes.
  /// - Throws: ``DXCassetteToolError`` — an invalid file, an existing cassette, a secret in the data.
  public static func importFile(
    _ data: Data, from format: DXCassetteInterchangeFormat, to path: String, replace: Bool = false,
    secrets: [String] = [], now: Date = Date()
  ) throws(DXCassetteToolError) -> ConversionReport {
    let converted: DXCassetteConversion<[DXCassetteInteraction]>
    switch format {
    case .json: converted = DXCassetteConversion(value: try DXCassetteExport.interactions(fromJSON: data))
    case .har: converted = try DXCassetteHAR.interactions(fromHAR: data)
    case .vcrpy: converted = try DXCassetteVCR.interactions(fromYAML: data, now: now)
    }
    if FileManager.default.fileExists(atPath: path) && !replace { throw .fileExists(path) }
    let scanner = DXSecretScanner(tokens: secrets)
    do {
      try rewrite(path, secrets: scanner, with: converted.value, keepSequences: format == .json)
    } catch  where error.underlying?.kind == .secretDetected {
      // The store refused the batch; name the first interaction that holds a secret (the scan runs
      // again only on this path, so an import pays for one scan).
      let location = format == .har ? "entries" : "interactions"
      for (index, interaction) in converted.value.enumerated() {
        let findings = scanner.scan(scanner.redact(interaction))
        guard findings.isEmpty else {
          var refusal = DXCassetteError.secretDetected(findings, path: path)
          refusal.message = "\(location)[\(index)]: " + refusal.message
          throw .cassette(refusal)
        }
      }
      throw error
    }
    let notes = converted.notes.map(\.description)
    var text = "imported \(converted.value.count) interactions into \(path)"
    if !notes.isEmpty { text += " (\(notes.count) notes)" }
    return ConversionReport(text: text, notes: notes)
  }
}
