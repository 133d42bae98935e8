/// DNAnexus object IDs: `<class>-<24 characters>`, checked as dxpy checks them.
public enum DXID {
  /// The classes whose IDs are hashes (dxpy's resolver `hash_pattern`).
  public static let hashClasses: Set<String> = [
    "record", "app", "applet", "workflow", "globalworkflow", "job", "analysis", "project", "container",
    "file",
    "database",
  ]

  /// The data-object classes (dxpy's resolver `data_obj_pattern`).
  public static let dataObjectClasses: Set<String> = ["record", "applet", "file", "workflow", "database"]

  /// Whether `id` is `<one of classes>-` followed by exactly 24 ASCII letters or digits (dxpy's
  /// `verify_string_dxid` pattern `^(<classes>)-[0-9a-zA-Z]{24}$`).
  public static func isValid(_ id: String, classes: [String]) -> Bool {
    guard let dash = id.firstIndex(of: "-") else { return false }
    let prefix = id[..<dash]
    guard classes.contains(where: { $0 == prefix }) else { return false }
    let hash = id.utf8[id.utf8.index(after: dash)...]
    return hash.count == 24 && hash.allSatisfy(Self.isAlphanumeric)
  }

  /// Checks `id` against `classes`.
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` with dxpy's message.
  public static func verify(_ id: String, classes: [String]) throws(DXBindingError) {
    guard isValid(id, classes: classes) else { throw .invalidID(id, classes: classes) }
  }

  /// Whether `id` is a hash ID of any class dxpy's resolver knows (`is_hashid`).
  public static func isHashID(_ id: String) -> Bool {
    guard let idClass = idClass(of: id), hashClasses.contains(idClass) else { return false }
    return isValid(id, classes: [idClass])
  }

  /// Whether `id` is a data-object ID (`is_data_obj_id`).
  public static func isDataObjectID(_ id: String) -> Bool {
    guard let idClass = idClass(of: id), dataObjectClasses.contains(idClass) else { return false }
    return isValid(id, classes: [idClass])
  }

  /// Whether `id` is a project or container ID (`is_container_id`).
  public static func isContainerID(_ id: String) -> Bool { isValid(id, classes: ["project", "container"]) }

  /// Whether `id` is a job ID.
  public static func isJobID(_ id: String) -> Bool { isValid(id, classes: ["job"]) }

  /// The class part of `id` (before the first `-`), or `nil` when there is no `-`.
  public static func idClass(of id: String) -> String? {
    guard let dash = id.firstIndex(of: "-"), dash != id.startIndex else { return nil }
    return String(id[..<dash])
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
  }
}
