/// A DNAnexus link: the `{"$dnanexus_link": …}` value that inputs, outputs and details use to point at
/// an object or at a job's future output (dxpy's `dxlink`, `is_dxlink`, `get_dxlink_ids`).
///
/// ```swift
/// let input: DXJSON = ["reads": DXLink("file-…").json]
/// let ref = try DXLink.jobOutput(job: "job-…", field: "bam")   // {"$dnanexus_link": {"job": …, "field": "bam"}}
/// ```
public struct DXLink: Sendable, Hashable, CustomStringConvertible {
  /// What a link points at.
  public enum Target: Sendable, Hashable {
    /// An object, optionally in a given project: `"id"` or `{"project": P, "id": I}`.
    case object(id: String, project: String?)
    /// A job's output field: `{"job": J, "field": F}`, with an optional array index and metadata path.
    case jobOutput(job: String, field: String, index: Int?, metadata: String?)
    /// An analysis's output field (``DXAnalysis/outputReference(field:index:metadata:)``):
    /// `{"analysis": A, "field": F}`.
    case analysisOutput(analysis: String, field: String, index: Int?, metadata: String?)
  }

  /// The key every link has.
  public static let key = "$dnanexus_link"

  /// What the link points at.
  public var target: Target

  /// A link to an object, with the project when given (dxpy's `dxlink(object_id, project_id)`).
  public init(_ id: String, project: String? = nil) {
    target = .object(id: id, project: project.flatMap { $0.isEmpty ? nil : $0 })
  }

  /// A link with any target.
  public init(target: Target) { self.target = target }

  /// A reference to the output `field` of `job` (dxpy's `dxlink(job_id, field=…)` and
  /// `DXJob.get_output_ref`).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` when `job` is not a job ID.
  public static func jobOutput(job: String, field: String, index: Int? = nil, metadata: String? = nil)
    throws(DXBindingError) -> DXLink
  {
    try DXID.verify(job, classes: ["job"])
    return DXLink(target: .jobOutput(job: job, field: field, index: index, metadata: metadata))
  }

  /// Parses a link (dxpy's `get_dxlink_ids` accepts what `is_dxlink` accepts; here the analysis form
  /// is accepted too).
  /// - Throws: ``DXBindingError/invalidLink(_:)`` when `json` is not a link.
  public init(json: DXJSON) throws(DXBindingError) {
    guard let link = json[Self.key] else {
      throw .invalidLink("Invalid link: \(json.serializedString(sortedKeys: true))")
    }
    if case .string(let id) = link {
      target = .object(id: id, project: nil)
      return
    }
    let index = link["index"]?.intValue
    let metadata = link["metadata"]?.stringValue
    if let id = link["id"]?.stringValue {
      target = .object(id: id, project: link["project"]?.stringValue)
    } else if let job = link["job"]?.stringValue, let field = link["field"]?.stringValue {
      target = .jobOutput(job: job, field: field, index: index, metadata: metadata)
    } else if let analysis = link["analysis"]?.stringValue, let field = link["field"]?.stringValue {
      target = .analysisOutput(analysis: analysis, field: field, index: index, metadata: metadata)
    } else {
      throw .invalidLink("Invalid link: \(json.serializedString(sortedKeys: true))")
    }
  }

  /// Whether `value` is a link as dxpy's `is_dxlink` decides: an object with `$dnanexus_link` whose
  /// value is a string, or an object with `id` or `job`.
  public static func isLink(_ value: DXJSON) -> Bool {
    guard let link = value[key] else { return false }
    switch link {
    case .string: return true
    case .object(let members): return members["id"] != nil || members["job"] != nil
    default: return false
    }
  }

  /// The JSON value.
  public var json: DXJSON {
    switch target {
    case .object(let id, let project):
      guard let project else { return [Self.key: .string(id)] }
      return [Self.key: ["project": .string(project), "id": .string(id)]]
    case .jobOutput(let job, let field, let index, let metadata):
      return [Self.key: Self.reference("job", job, field, index, metadata)]
    case .analysisOutput(let analysis, let field, let index, let metadata):
      return [Self.key: Self.reference("analysis", analysis, field, index, metadata)]
    }
  }

  /// dxpy's `get_dxlink_ids`: the object ID and project (or `nil`), or the job ID and field.
  public var ids: (id: String, projectOrField: String?) {
    switch target {
    case .object(let id, let project): return (id, project)
    case .jobOutput(let job, let field, _, _): return (job, field)
    case .analysisOutput(let analysis, let field, _, _): return (analysis, field)
    }
  }

  /// The object ID when the link points at an object.
  public var objectID: String? {
    if case .object(let id, _) = target { return id }
    return nil
  }

  /// The JSON text with sorted keys.
  public var description: String { json.serializedString(sortedKeys: true) }

  private static func reference(
    _ kind: String, _ id: String, _ field: String, _ index: Int?, _ metadata: String?
  )
    -> DXJSON
  {
    var members: [String: DXJSON] = [kind: .string(id), "field": .string(field)]
    if let index { members["index"] = .integer(index) }
    if let metadata { members["metadata"] = .string(metadata) }
    return .object(members)
  }
}
