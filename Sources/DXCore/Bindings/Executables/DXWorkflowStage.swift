/// A workflow stage named by ID, name or index, as dxpy's workflow methods accept (`_get_stage_id`).
public enum DXWorkflowStage: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
  /// A stage ID or name (a string of digits counts as an index, as in dxpy).
  case named(String)
  /// A position in the workflow's stage list.
  case index(Int)

  /// A stage ID or name.
  public init(stringLiteral value: String) { self = .named(value) }
  /// A stage index.
  public init(integerLiteral value: Int) { self = .index(value) }

  /// The stage ID among `stages` (the `stages` of a workflow description).
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` with dxpy's messages when the index is out of
  ///   range, no stage has the ID or name, or several have the name.
  func resolve(in stages: [DXJSON]) throws(DXBindingError) -> String {
    var index: Int?
    switch self {
    case .index(let value): index = value
    case .named(let text): index = Int(text)
    }
    if let index {
      guard index >= 0, index < stages.count, let id = stages[index]["id"]?.stringValue else {
        throw .invalidArgument(
          "DXWorkflow: the workflow contains \(stages.count) stage(s), and the numerical value of the given "
            + "stage identifier is out of range")
      }
      return id
    }
    guard case .named(let text) = self else { throw .invalidArgument("DXWorkflow: bad stage identifier") }
    if Self.looksLikeID(text), stages.contains(where: { $0["id"]?.stringValue == text }) { return text }
    let matching = stages.filter { $0["name"]?.stringValue == text }.compactMap { $0["id"]?.stringValue }
    guard let first = matching.first else {
      throw .invalidArgument(
        "DXWorkflow: the given stage identifier \(text) could not be found as a stage ID nor as a stage name")
    }
    guard matching.count == 1 else {
      throw .invalidArgument(
        "DXWorkflow: more than one workflow stage was found to have the name \"\(text)\"")
    }
    return first
  }

  /// dxpy's `^([a-zA-Z_]|stage-)[0-9a-zA-Z_]*$`.
  static func looksLikeID(_ text: String) -> Bool {
    var rest = Substring(text)
    if rest.hasPrefix("stage-") {
      rest = rest.dropFirst(6)
    } else {
      guard let first = rest.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
      rest = rest.dropFirst()
    }
    return rest.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
  }
}
