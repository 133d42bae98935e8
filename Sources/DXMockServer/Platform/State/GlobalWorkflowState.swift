import DXWire

/// One version of a global workflow (`globalworkflow-…`), built from one workflow per region.
///
/// What every version of a name shares (developers, authorized users) is an ``AppFamily`` in the
/// ``GlobalWorkflowRegistry``. The underlying workflows are copied into a container of their own at
/// creation, so they outlive the (temporary) projects they were built in.
struct GlobalWorkflowState: Sendable, Codable, Equatable {
  /// `globalworkflow-` + 24 characters.
  var id: String
  var name: String
  var version: String
  /// The tags (aliases other than the version), e.g. `["default"]`; unique among a name's versions.
  var tags: [String] = []
  var created: Int
  var modified: Int
  var createdBy: String
  var billTo: String
  /// When the version was published (ms), or 0 while unpublished.
  var published: Int = 0
  var deleted: Bool = false
  var title: String?
  var summary: String = ""
  var description: String = ""
  var developerNotes: String = ""
  var categories: [String] = []
  var details: DXJSON = .object([:])
  /// Per region: the underlying workflow and the container that keeps it.
  var regionalOptions: [String: Region] = [:]

  /// One region's underlying workflow.
  struct Region: Sendable, Codable, Equatable {
    /// The workflow (`workflow-…`).
    var workflow: String
    /// The container holding the workflow and the applets its stages run.
    var container: String
  }

  /// The version followed by the tags, as describe's `aliases` lists them.
  var aliases: [String] { [version] + tags }
}
