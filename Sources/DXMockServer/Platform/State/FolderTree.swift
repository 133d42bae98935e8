/// A project's folders, stored by parent: each folder is a node holding its name and its children.
///
/// A set of whole paths stores every ancestor of a deep folder in full (a chain of `d` folders costs
/// O(d²) bytes, and creating it O(d²) time); here each folder costs its name and one dictionary
/// entry, and a path is looked up by walking its segments. Paths given to and returned by the
/// methods are normalised (``PlatformState/normalizeFolder(_:field:)``); `"/"` always exists.
///
/// Stored (Codable) as `{"names": […], "parents": […]}`: the folders other than the root in an order
/// where each parent comes before its children, with each parent's position (0 for the root, `i + 1`
/// for the `i`-th entry). The older form, an array of every path, is still read.
struct FolderTree: Sendable, Codable, Equatable {
  private struct Node: Sendable {
    var name: String
    var parent: Int
    var children: [String: Int] = [:]
  }

  private static let root = 0
  private var nodes: [Int: Node] = [Self.root: Node(name: "", parent: Self.root)]
  private var nextID = 1

  /// A tree holding only `"/"`.
  init() {}

  /// A tree holding `paths` (and their ancestors).
  init(_ paths: some Sequence<String>) {
    for path in paths { insert(path) }
  }

  /// How many folders there are, `"/"` included.
  var count: Int { nodes.count }

  /// Whether the folder exists.
  func contains(_ path: String) -> Bool { node(at: path) != nil }

  /// Creates the folder and its missing ancestors.
  mutating func insert(_ path: String) {
    var current = Self.root
    for segment in Self.segments(path) { current = child(named: segment, of: current) }
  }

  /// The full paths of the folder's direct children, sorted.
  func children(of path: String) -> [String] {
    guard let id = node(at: path), let node = nodes[id] else { return [] }
    let prefix = path == "/" ? "/" : path + "/"
    return node.children.keys.map { prefix + $0 }.sorted()
  }

  /// The folder and every folder inside it, as full paths (parents before children); empty when the
  /// folder does not exist.
  func subtree(of path: String) -> [String] {
    guard let id = node(at: path) else { return [] }
    var result: [String] = []
    var stack: [(Int, String)] = [(id, path)]
    while let (current, currentPath) = stack.popLast() {
      result.append(currentPath)
      guard let node = nodes[current] else { continue }
      let prefix = currentPath == "/" ? "/" : currentPath + "/"
      for (name, child) in node.children { stack.append((child, prefix + name)) }
    }
    return result
  }

  /// Every folder path, sorted.
  var paths: [String] { subtree(of: "/").sorted() }

  /// Removes the folder and everything inside it (not `"/"`).
  mutating func remove(_ path: String) {
    guard let id = node(at: path), id != Self.root, let node = nodes[id] else { return }
    nodes[node.parent]?.children[node.name] = nil
    var stack = [id]
    while let current = stack.popLast() {
      if let removed = nodes.removeValue(forKey: current) {
        stack.append(contentsOf: removed.children.values)
      }
    }
  }

  /// Moves the folder `from` (with its subtree) to the path `to`, creating `to`'s missing ancestors;
  /// when `to` exists already the two subtrees are merged.
  mutating func move(_ from: String, to: String) {
    guard let id = node(at: from), id != Self.root, from != to, let node = nodes[id] else { return }
    let source = FolderTree(subtreeOf: from, in: self)
    if contains(to) {
      remove(from)
      graft(source, at: to)
      return
    }
    nodes[node.parent]?.children[node.name] = nil
    var parent = Self.root
    let segments = Self.segments(to)
    for segment in segments.dropLast() { parent = child(named: segment, of: parent) }
    let name = segments.last.map(String.init) ?? ""
    nodes[id]?.name = name
    nodes[id]?.parent = parent
    nodes[parent]?.children[name] = id
  }

  /// Adds the folders of `other` under `path`: `other`'s root becomes `path` (created if missing).
  mutating func graft(_ other: FolderTree, at path: String) {
    var target = Self.root
    for segment in Self.segments(path) { target = child(named: segment, of: target) }
    var stack: [(Int, Int)] = [(Self.root, target)]
    while let (source, destination) = stack.popLast() {
      for (name, child) in other.nodes[source]?.children ?? [:] {
        stack.append((child, self.child(named: name, of: destination)))
      }
    }
  }

  /// The subtree of `path` in `tree` as a tree of its own (`path` becomes the root).
  init(subtreeOf path: String, in tree: FolderTree) {
    guard let start = tree.node(at: path) else { return }
    var stack: [(Int, Int)] = [(start, Self.root)]
    while let (source, destination) = stack.popLast() {
      for (name, child) in tree.nodes[source]?.children ?? [:] {
        stack.append((child, self.child(named: name, of: destination)))
      }
    }
  }

  // MARK: - Nodes

  private static func segments(_ path: String) -> [Substring] {
    path.split(separator: "/", omittingEmptySubsequences: true)
  }

  private func node(at path: String) -> Int? {
    var current = Self.root
    for segment in Self.segments(path) {
      guard let next = nodes[current]?.children[String(segment)] else { return nil }
      current = next
    }
    return current
  }

  /// The child `name` of `parent`, created if missing.
  private mutating func child(named name: some StringProtocol, of parent: Int) -> Int {
    let name = String(name)
    if let existing = nodes[parent]?.children[name] { return existing }
    let id = nextID
    nextID += 1
    nodes[id] = Node(name: name, parent: parent)
    nodes[parent]?.children[name] = id
    return id
  }

  // MARK: - Equatable, Codable

  static func == (lhs: Self, rhs: Self) -> Bool { lhs.count == rhs.count && lhs.paths == rhs.paths }

  private enum CodingKeys: String, CodingKey {
    case names, parents
  }

  init(from decoder: any Decoder) throws {
    if let paths = try? decoder.singleValueContainer().decode([String].self) {
      self.init(paths)
      return
    }
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let names = try container.decode([String].self, forKey: .names)
    let parents = try container.decode([Int].self, forKey: .parents)
    guard names.count == parents.count else {
      throw DecodingError.dataCorruptedError(
        forKey: .parents, in: container, debugDescription: "names and parents differ in length")
    }
    self.init()
    // Position i + 1 is the i-th entry; position 0 the root.
    var ids = [Self.root]
    for (name, parent) in zip(names, parents) {
      guard parent >= 0, parent < ids.count else {
        throw DecodingError.dataCorruptedError(
          forKey: .parents, in: container, debugDescription: "a parent comes after its child")
      }
      ids.append(child(named: name, of: ids[parent]))
    }
  }

  func encode(to encoder: any Encoder) throws {
    var names: [String] = []
    var parents: [Int] = []
    // Breadth first, children by name, so the same folders always encode the same way.
    var queue: [(Int, Int)] = [(Self.root, 0)]
    var head = 0
    while head < queue.count {
      let (id, position) = queue[head]
      head += 1
      guard let node = nodes[id] else { continue }
      for name in node.children.keys.sorted() {
        guard let child = node.children[name] else { continue }
        names.append(name)
        parents.append(position)
        queue.append((child, names.count))
      }
    }
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(names, forKey: .names)
    try container.encode(parents, forKey: .parents)
  }
}
