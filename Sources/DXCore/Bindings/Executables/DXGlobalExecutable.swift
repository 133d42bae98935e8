/// An app or a global workflow: addressed by ID (`app-xxxx`) or by name and alias (`app-bwa/1.0.0`,
/// alias `default` when none is given), with the routes those share.
public protocol DXGlobalExecutable: DXHandle {
  /// `"app"` or `"globalworkflow"`.
  static var idClass: String { get }
  /// The hash ID, when the handle was made from one.
  var hashID: String? { get }
  /// The name, when the handle was made from a name.
  var name: String? { get }
  /// The version or tag, when the handle was made from a name (default `"default"`).
  var alias: String? { get }
  /// A handle from its parts: a hash ID, or a name and an alias.
  init(hashID: String?, name: String?, alias: String?, client: DXClient)
}

extension DXGlobalExecutable {
  /// A handle from `<class>-xxxx` or `<class>-<name>[/<alias>]` (dxpy's `get_handler`).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` when it is neither.
  public init(_ idOrName: String, client: DXClient) throws(DXBindingError) {
    let (hashID, name, alias) = try Self.parse(idOrName)
    self.init(hashID: hashID, name: name, alias: alias, client: client)
  }

  /// A handle from a name and alias (default `"default"`).
  public init(name: String, alias: String? = nil, client: DXClient) {
    self.init(hashID: nil, name: name, alias: alias ?? "default", client: client)
  }

  /// The ID, or `<class>-<name>/<alias>` for a handle made from a name (dxpy's `get_id`).
  public var id: String { hashID ?? "\(Self.idClass)-\(name ?? "")/\(alias ?? "default")" }

  /// Splits an ID or `<class>-name[/alias]` into a hash ID or a name and alias (dxpy's `get_handler`
  /// for apps and global workflows).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` when the class is wrong or the name empty.
  static func parse(_ idOrName: String) throws(DXBindingError) -> (
    hashID: String?, name: String?, alias: String?
  ) {
    if DXID.isValid(idOrName, classes: [idClass]) { return (idOrName, nil, nil) }
    let prefix = idClass + "-"
    guard idOrName.hasPrefix(prefix), idOrName.count > prefix.count else {
      throw .invalidID(idOrName, classes: [idClass])
    }
    let rest = idOrName.dropFirst(prefix.count)
    guard let slash = rest.firstIndex(of: "/") else { return (nil, String(rest), "default") }
    return (nil, String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
  }

  /// The route for `method`: `/<id>/<method>` or `/<class>-<name>/<alias>/<method>`.
  func path(_ method: String) -> String {
    if let hashID { return "/\(hashID)/\(method)" }
    return DXClient.aliasPath("\(Self.idClass)-\(name ?? "")", alias, method)
  }

  func call(_ method: String, _ input: DXJSON = [:], nonce: Bool = false, options: DXRequestOptions)
    async throws
    -> DXJSON
  {
    try await client.call(path(method), input, nonce: nonce, options: options)
  }

  /// Describes it (dxpy's `describe`), limited to `fields` when given.
  public func describe(fields: Set<String>? = nil, options: DXRequestOptions = .init()) async throws
    -> DXRawDescription
  {
    var input: [String: DXJSON] = [:]
    if let fields, !fields.isEmpty {
      input["fields"] = .object(Dictionary(uniqueKeysWithValues: fields.map { ($0, true) }))
    }
    return DXRawDescription(json: try await call("describe", .object(input), options: options))
  }

  /// Updates it; `changes` in the API's names.
  public func update(_ changes: [String: DXJSON], options: DXRequestOptions = .init()) async throws {
    _ = try await call("update", .object(changes), options: options)
  }

  /// Adds tags.
  public func addTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addTags", ["tags": .strings(tags)], options: options)
  }

  /// Removes tags.
  public func removeTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeTags", ["tags": .strings(tags)], options: options)
  }

  /// Publishes this version, making it the default when `makeDefault`.
  @discardableResult
  public func publish(makeDefault: Bool? = nil, options: DXRequestOptions = .init()) async throws -> DXJSON {
    try await call("publish", makeDefault.map { ["makeDefault": .bool($0)] } ?? [:], options: options)
  }

  /// Deletes this version.
  public func delete(options: DXRequestOptions = .init()) async throws {
    _ = try await call("delete", options: options)
  }

  /// Adds users or orgs allowed to run it.
  public func addAuthorizedUsers(_ users: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addAuthorizedUsers", ["authorizedUsers": .strings(users)], options: options)
  }

  /// Removes users or orgs allowed to run it.
  public func removeAuthorizedUsers(_ users: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeAuthorizedUsers", ["authorizedUsers": .strings(users)], options: options)
  }

  /// The users and orgs allowed to run it.
  public func authorizedUsers(options: DXRequestOptions = .init()) async throws -> [String] {
    try await call("listAuthorizedUsers", options: options).stringArray("authorizedUsers")
  }

  /// Adds categories.
  public func addCategories(_ categories: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addCategories", ["categories": .strings(categories)], options: options)
  }

  /// Removes categories.
  public func removeCategories(_ categories: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeCategories", ["categories": .strings(categories)], options: options)
  }

  /// The categories.
  public func categories(options: DXRequestOptions = .init()) async throws -> [String] {
    try await call("listCategories", options: options).stringArray("categories")
  }

  /// Adds developers.
  public func addDevelopers(_ developers: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addDevelopers", ["developers": .strings(developers)], options: options)
  }

  /// Removes developers.
  public func removeDevelopers(_ developers: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeDevelopers", ["developers": .strings(developers)], options: options)
  }

  /// The developers.
  public func developers(options: DXRequestOptions = .init()) async throws -> [String] {
    try await call("listDevelopers", options: options).stringArray("developers")
  }
}
