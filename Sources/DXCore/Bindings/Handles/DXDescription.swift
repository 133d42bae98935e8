/// A typed description read from a `describe` reply (or a search result's `describe`), keeping the
/// reply in ``raw``.
public protocol DXDescription: Sendable, Hashable {
  /// Reads the description.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when required members are missing.
  init(json: DXJSON) throws(DXBindingError)
  /// The whole reply.
  var raw: DXJSON { get }
}

/// A description kept as the reply itself, for classes with no typed fields here (apps, orgs, users…).
public struct DXRawDescription: DXDescription {
  /// The whole reply.
  public var raw: DXJSON

  /// Keeps `json`.
  public init(json: DXJSON) { raw = json }

  /// The `id` member, when there is one.
  public var id: String? { raw["id"]?.stringValue }

  /// The member `key` of the reply.
  public subscript(key: String) -> DXJSON? { raw[key] }
}
