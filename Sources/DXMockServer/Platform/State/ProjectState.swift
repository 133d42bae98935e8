import DXWire

/// A project or container: its settings, folders and members.
struct ProjectState: Sendable, Codable, Equatable {
  /// `project-…` or `container-…`.
  var id: String
  /// `"project"` or `"container"`.
  var klass: String
  var name: String
  var summary: String = ""
  var description: String = ""
  var tags: OrderedStringSet = []
  var properties: [String: String] = [:]
  var created: Int
  var modified: Int
  var createdBy: String
  var billTo: String
  var region: String = "aws:us-east-1"
  /// The boolean settings (`protected`, `restricted`, `downloadRestricted`, …), absent ones false.
  var flags: [String: Bool] = [:]
  /// `databaseResultsRestricted`, `allowedExecutables` and other settings kept as given (or null).
  var settings: [String: DXJSON] = [:]
  /// The folders, `"/"` included.
  var folders = FolderTree()
  /// The members and their levels.
  var members: [String: AccessLevel] = [:]

  /// The boolean settings a project has, all false by default.
  static let flagNames = [
    "protected", "restricted", "downloadRestricted", "previewViewerRestricted", "containsPHI",
    "databaseUIViewOnly", "externalUploadRestricted",
  ]
}
