/// A platform path as the `dx` command line writes it — `project:/folder/name`, `:/folder`,
/// `/folder/name` (in the current project), a bare ID, `job-xxxx:field` — split as dxpy's resolver
/// `resolve_path` splits it, with its backslash escapes.
///
/// Parsing is pure; a project given by name is resolved by ``DXClient/resolvePath(_:expected:)``.
public struct DXPath: Sendable, Hashable {
  /// Where the path points before any lookup.
  public enum Project: Sendable, Hashable {
    /// A project or container ID.
    case id(String)
    /// A project name to look up.
    case name(String)
    /// A job whose output field ``DXPath/name`` names the object (`job-xxxx:field`).
    case job(String)
  }

  /// What the last component of a path is taken as (dxpy's `expected`).
  public enum Expected: Sendable, Hashable {
    /// A folder: the last component is never a name.
    case folder
    /// An object: the last component is a name unless the path ends in `/`, `.` or `..`.
    case entity
  }

  /// The project part.
  public var project: Project
  /// The folder, or `nil` for a bare object ID.
  public var folder: String?
  /// The object name or ID, or `nil` for a folder.
  public var name: String?

  /// Parses `path`.
  /// - Parameters:
  ///   - path: The path; a stringified link (`{"$dnanexus_link": …}`) is accepted too.
  ///   - expected: How to read the last component; `nil` decides from the path (dxpy's default).
  ///   - workspace: The current project (``DXClient/defaultProject``).
  ///   - workingDirectory: The current folder (`DX_CLI_WD`). Default `/`.
  /// - Throws: ``DXBindingError/resolution(_:)`` with dxpy's messages.
  public init(
    parsing path: String, expected: Expected? = nil, workspace: String?, workingDirectory: String = "/"
  ) throws(DXBindingError) {
    let path = Self.unwrapLink(path)
    func current(_ message: String) throws(DXBindingError) -> String {
      guard let workspace else { throw .resolution(message) }
      return workspace
    }
    if path == ":" {
      project = .id(
        try current(
          "Cannot resolve \":\": expected a project name or ID to the left of the colon, or for a current project "
            + "to be set"))
      folder = "/"
      return
    }
    if path.isEmpty {
      project = .id(
        try current(
          "Expected a project name or ID to the left of a colon, or for a current project to be set"))
      folder = workingDirectory
      return
    }
    if DXID.isContainerID(path) {
      project = .id(path)
      folder = "/"
      return
    }
    if DXID.isHashID(path) {
      project = .id(
        try current("Cannot resolve \"\(path)\": expected a current project to be set for a bare object ID"))
      name = path
      return
    }
    let lastColon = Self.lastUnescaped(":", in: path)
    if let lastColon, Self.lastUnescaped(":", in: String(path[..<lastColon])) != nil {
      throw .resolution("Cannot parse \"\(path)\" as a path; at most one unescaped colon can be present")
    }
    let parts = Self.splitUnescaped(":", path)
    var workingDirectory = workingDirectory
    var folderPath: String?
    if parts.count == 2 {
      if DXID.isJobID(parts[0]) {
        project = .job(parts[0])
        name = parts[1]
        return
      }
      project = Self.projectReference(parts[0])
      workingDirectory = "/"
    } else if lastColon != nil {
      workingDirectory = "/"
      if path.hasPrefix(":") {
        project = .id(
          try current(
            "Cannot resolve \"\(path)\": expected a project name or ID to the left of the colon, or for a current "
              + "project to be set"))
      } else {
        project = Self.projectReference(parts.first ?? "")
        folderPath = "/"
      }
    } else {
      project = .id(
        try current(
          "Cannot resolve \"\(path)\": expected the path to be qualified with a project name or ID, and a colon; "
            + "or for a current project to be set"))
    }
    if let folderPath {
      folder = folderPath
      return
    }
    let last = parts.last ?? ""
    (folder, name) = Self.cleanFolderPath(
      (last.hasPrefix("/") ? "" : workingDirectory + "/") + last, expected)
  }

  private static func projectReference(_ text: String) -> Project {
    let unescaped = unescape(text, name: true)
    return DXID.isContainerID(unescaped) ? .id(unescaped) : .name(unescaped)
  }

  /// A stringified link becomes its ID (or `project:id`), as dxpy's `_maybe_convert_stringified_dxlink`.
  static func unwrapLink(_ path: String) -> String {
    guard path.hasPrefix("{"), let value = try? DXJSON(parsing: path), let link = value[DXLink.key] else {
      return path
    }
    if let id = link.stringValue { return id }
    if let project = link["project"]?.stringValue, let id = link["id"]?.stringValue {
      return project + ":" + id
    }
    return path
  }

  // MARK: - Escapes (dxpy's resolver)

  /// The index of the last `character` not escaped by an odd number of backslashes.
  static func lastUnescaped(_ character: Character, in text: String) -> String.Index? {
    var index = text.endIndex
    while index > text.startIndex {
      guard let found = text[..<index].lastIndex(of: character) else { return nil }
      var backslashes = 0
      var probe = found
      while probe > text.startIndex {
        probe = text.index(before: probe)
        guard text[probe] == "\\" else { break }
        backslashes += 1
      }
      if backslashes % 2 == 0 { return found }
      index = found
    }
    return nil
  }

  /// dxpy's `split_unescaped`: splits on unescaped `character`, dropping empty pieces.
  static func splitUnescaped(_ character: Character, _ text: String) -> [String] {
    var words: [String] = []
    var rest = text
    while let position = lastUnescaped(character, in: rest) {
      let word = String(rest[rest.index(after: position)...])
      if !word.isEmpty { words.append(word) }
      rest = String(rest[..<position])
    }
    if !rest.isEmpty { words.append(rest) }
    return words.reversed()
  }

  /// dxpy's `unescape_name_str` (with `/`) and `unescape_folder_str` (without).
  static func unescape(_ text: String, name: Bool) -> String {
    let special = Set(#"#?*: ;&`"'!$(){[<>|~"#).union(name ? ["/"] : [])
    var result = ""
    var iterator = text.makeIterator()
    while let character = iterator.next() {
      guard character == "\\" else {
        result.append(character)
        continue
      }
      guard let following = iterator.next() else {
        result.append(character)
        break
      }
      if special.contains(following) || following == "\\" {
        result.append(following)
      } else {
        result.append(character)
        result.append(following)
      }
    }
    return result
  }

  /// dxpy's `clean_folder_path`: the folder with `.` and `..` applied, and the name (unless the path
  /// ends in `/`, `.`, `..` or a folder is expected).
  static func cleanFolderPath(_ path: String, _ expected: Expected?) -> (String, String?) {
    var folders = splitUnescaped("/", path)
    guard let last = folders.last else { return ("/", nil) }
    var name: String?
    let endsInSlash = lastUnescaped("/", in: path).map { path.index(after: $0) == path.endIndex } ?? false
    if !(expected == .folder || last == "." || last == ".." || endsInSlash) {
      name = unescape(folders.removeLast(), name: true)
    }
    var clean: [String] = []
    for folder in folders {
      switch folder {
      case ".": continue
      case "..": if !clean.isEmpty { clean.removeLast() }
      default: clean.append(unescape(folder, name: false))
      }
    }
    return ("/" + clean.joined(separator: "/"), name)
  }

  /// dxpy's `escape_name_str`: backslashes before the characters paths treat specially.
  public static func escapeName(_ name: String) -> String {
    let special = Set(#"#?*: ;&`"'/!$(){[<>|~"#)
    var result = ""
    for character in name {
      if character == "\\" {
        result += "\\\\"
      } else {
        if special.contains(character) { result.append("\\") }
        result.append(character)
      }
    }
    return result
  }

  /// Whether `name` has an unescaped `*` or `?` (dxpy's `is_glob_pattern`).
  public static func isGlob(_ name: String) -> Bool {
    lastUnescaped("*", in: name) != nil || lastUnescaped("?", in: name) != nil
  }
}
