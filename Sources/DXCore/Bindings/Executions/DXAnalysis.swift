/// A handle to an analysis: a run of a workflow (dxpy's `DXAnalysis`).
public struct DXAnalysis: DXExecution {
  /// `"analysis"`.
  public static let idClass = "analysis"
  /// `"Analysis"`.
  public static let noun = "Analysis"
  /// `failed` and `partially_failed`.
  public static let failedStates: Set<String> = ["failed", "partially_failed"]
  /// The analysis ID.
  public let id: String
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id`.
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` for a malformed ID.
  public init(_ id: String, client: DXClient) throws(DXBindingError) {
    try DXID.verify(id, classes: [Self.idClass])
    self.id = id
    self.client = client
  }
}
