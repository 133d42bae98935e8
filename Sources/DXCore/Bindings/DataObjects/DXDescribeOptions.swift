/// What a data object's `describe` asks for (dxpy's `incl_properties`, `incl_details`, `fields` and
/// `default_fields`).
public struct DXDescribeOptions: Sendable, Hashable {
  /// Include `properties`. Default `false`.
  public var includeProperties: Bool
  /// Include `details`. Default `false`.
  public var includeDetails: Bool
  /// Only these fields (sent as `{"fields": {name: true}}`), or `nil` for the default set.
  public var fields: Set<String>?
  /// Whether the default fields come too when `fields` is given, or `nil` to leave it to the platform.
  public var defaultFields: Bool?

  /// Creates options; every default leaves the platform's default description.
  public init(
    includeProperties: Bool = false, includeDetails: Bool = false, fields: Set<String>? = nil,
    defaultFields: Bool? = nil
  ) {
    self.includeProperties = includeProperties
    self.includeDetails = includeDetails
    self.fields = fields
    self.defaultFields = defaultFields
  }

  /// Only the given fields.
  public static func fields(_ names: Set<String>) -> DXDescribeOptions { DXDescribeOptions(fields: names) }

  /// The describe input, with `project` when given.
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` when properties or details are asked for together
  ///   with fields (dxpy raises `ValueError`).
  func input(project: String?) throws(DXBindingError) -> DXJSON {
    var input: [String: DXJSON] = [:]
    if includeProperties || includeDetails {
      guard fields == nil, defaultFields == nil else {
        throw .invalidArgument(
          "Cannot specify properties or details in conjunction with fields or default_fields")
      }
      input["properties"] = .bool(includeProperties)
      input["details"] = .bool(includeDetails)
    } else {
      if let defaultFields { input["defaultFields"] = .bool(defaultFields) }
      if let fields { input["fields"] = .object(Dictionary(uniqueKeysWithValues: fields.map { ($0, true) })) }
    }
    if let project { input["project"] = .string(project) }
    return .object(input)
  }
}
