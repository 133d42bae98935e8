import DXWire

/// A data object (record, file, workflow, applet, database, dbcluster): what is shared by every project it lives in.
///
/// Name, folder, tags and properties are per project (``ObjectCopy``); a clone keeps the ID.
struct DataObjectState: Sendable, Codable, Equatable {
  var id: String
  /// `"record"`, `"file"`, `"workflow"`, `"applet"`, `"database"`, `"dbcluster"`.
  var klass: String
  var created: Int
  var modified: Int
  var createdBy: String
  /// `"open"`, `"closing"` or `"closed"`.
  var state: String = "open"
  var hidden: Bool = false
  var types: OrderedStringSet = []
  var details: DXJSON = .object([:])
  /// File: the media type.
  var media: String?
  /// File: the uploaded parts by index.
  var parts: [Int: FilePart] = [:]
  /// File: the total size once closed.
  var size: Int?
  /// Workflow: its own fields.
  var workflow: WorkflowData?
  /// Applet: its own fields.
  var applet: AppletData?
  /// Database: its own fields.
  var database: DatabaseData?
  /// Database cluster: its own fields.
  var dbcluster: DBClusterData?
  /// The copies, by project ID.
  var copies: [String: ObjectCopy] = [:]

  /// The distinct object IDs named by `$dnanexus_link`s inside `details`, in first-seen order.
  var links: [String] {
    var found: [String] = []
    func visit(_ value: DXJSON) {
      switch value {
      case .object(let members):
        if members.count == 1, let link = members["$dnanexus_link"] {
          if let id = link.stringValue {
            if !found.contains(id) { found.append(id) }
            return
          }
          if let id = link["id"]?.stringValue {
            if !found.contains(id) { found.append(id) }
            return
          }
        }
        for key in members.keys.sorted() {
          if let member = members[key] { visit(member) }
        }
      case .array(let elements): elements.forEach(visit)
      default: break
      }
    }
    visit(details)
    return found
  }
}

/// One project's view of a data object.
struct ObjectCopy: Sendable, Codable, Equatable {
  var name: String
  var folder: String
  var tags: OrderedStringSet = []
  var properties: [String: String] = [:]
  /// When the object was added to this project (used for ordering).
  var added: Int
  /// File: `archival`, `archived` or `unarchiving` in this project; `nil` is `live`.
  var archivalState: String?
}

/// One uploaded part of a file.
struct FilePart: Sendable, Codable, Equatable {
  var size: Int
  var md5: String
  var state: String = "complete"
}

/// A workflow's own fields.
struct WorkflowData: Sendable, Codable, Equatable {
  var title: String?
  var summary: String = ""
  var description: String = ""
  var outputFolder: String?
  var inputs: DXJSON?
  var outputs: DXJSON?
  var stages: [DXJSON] = []
  var editVersion: Int = 0
  /// `ignoreReuse` as given (stage IDs, or `["*"]`).
  var ignoreReuse: DXJSON?
  var treeTurnaroundTimeThreshold: Int?
  /// The workflow this one was initialized from (`initializeFrom`).
  var initializedFrom: String?
}
