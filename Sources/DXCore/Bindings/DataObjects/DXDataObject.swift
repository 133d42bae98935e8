/// A handle to a data object in a project: records, files, applets, workflows, databases (dxpy's
/// `DXDataObject`).
///
/// The project defaults to ``DXClient/defaultProject`` (the job's workspace inside a job, else the
/// project context), as dxpy's `WORKSPACE_ID` does.
public protocol DXDataObject: DXHandle {
  /// The class in the object's IDs, e.g. `"record"`.
  static var idClass: String { get }
  /// The project the handle refers to the object in, or `nil`.
  var project: String? { get }
  /// A handle to `id` in `project` (default ``DXClient/defaultProject``).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` when `id` is not of ``idClass`` or `project`
  ///   is not a project or container ID.
  init(_ id: String, project: String?, client: DXClient) throws(DXBindingError)
}

/// A data object that can be typed, given details, hidden and closed: records, files, workflows and
/// databases. Applets cannot (dxpy's wrappers for those raise "Wrapper for … does not exist"; here the
/// methods are simply not there).
public protocol DXEditableDataObject: DXDataObject {}

extension DXDataObject {
  /// Checks `id` and `project` and fills in the default project (dxpy's `set_ids`).
  static func checkedIDs(_ id: String, _ project: String?, _ client: DXClient) throws(DXBindingError) -> (
    String, String?
  ) {
    try DXID.verify(id, classes: [idClass])
    guard let project = project ?? client.defaultProject else { return (id, nil) }
    try DXID.verify(project, classes: ["project", "container"])
    return (id, project)
  }

  /// A handle from a link; the link's project is used unless `project` is given (dxpy's `set_ids` with
  /// a link).
  /// - Throws: ``DXBindingError`` when the link does not point at an object of this class.
  public init(link: DXLink, project: String? = nil, client: DXClient) throws(DXBindingError) {
    guard case .object(let id, let linkProject) = link.target else {
      throw .invalidLink("\(link) does not point at a data object")
    }
    try self.init(id, project: project ?? linkProject, client: client)
  }

  /// A link to the object: `{"$dnanexus_link": id}`, or with the project when `includingProject`.
  public func link(includingProject: Bool = false) -> DXLink {
    DXLink(id, project: includingProject ? project : nil)
  }

  /// The same object in another project.
  /// - Throws: ``DXBindingError`` when `project` is not a project or container ID.
  public func inProject(_ project: String) throws(DXBindingError) -> Self {
    try Self(id, project: project, client: client)
  }

  func call(_ method: String, _ input: DXJSON = [:], options: DXRequestOptions) async throws -> DXJSON {
    try await client.call("/\(id)/\(method)", input, options: options)
  }

  private func requireProject(_ what: String) throws(DXBindingError) -> String {
    guard let project else {
      throw .invalidArgument("\(what) called when a project ID was not associated with this object handler")
    }
    return project
  }

  // MARK: - Describe

  /// Describes the object, in ``project`` when there is one (dxpy's `describe`).
  /// - Throws: ``DXBindingError`` for options that cannot go together; the platform's errors.
  public func describe(_ describe: DXDescribeOptions = .init(), options: DXRequestOptions = .init())
    async throws -> DXDataObjectDescription
  {
    let reply = try await call("describe", try describe.input(project: project), options: options)
    return try DXDataObjectDescription(json: reply)
  }

  /// The object's state: `open`, `closing` or `closed`.
  public func state(options: DXRequestOptions = .init()) async throws -> String {
    let description = try await describe(.fields(["state"]), options: options)
    guard let state = description.state else {
      throw DXBindingError.malformedReply("describe returned no state")
    }
    return state
  }

  /// The properties (dxpy's `get_properties`).
  public func properties(options: DXRequestOptions = .init()) async throws -> [String: String] {
    try await describe(DXDescribeOptions(includeProperties: true), options: options).properties ?? [:]
  }

  /// Sets properties; a `nil` value removes the property (dxpy's `set_properties`).
  public func setProperties(_ properties: [String: String?], options: DXRequestOptions = .init()) async throws
  {
    _ = try await call(
      "setProperties",
      ["project": project.map(DXJSON.string) ?? .null, "properties": .properties(properties)],
      options: options)
  }

  /// Adds tags (dxpy's `add_tags`).
  public func addTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call(
      "addTags", ["project": project.map(DXJSON.string) ?? .null, "tags": .strings(tags)], options: options)
  }

  /// Removes tags (dxpy's `remove_tags`).
  public func removeTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call(
      "removeTags", ["project": project.map(DXJSON.string) ?? .null, "tags": .strings(tags)], options: options
    )
  }

  /// Renames the object in ``project`` (dxpy's `rename`).
  public func rename(_ name: String, options: DXRequestOptions = .init()) async throws {
    _ = try await call(
      "rename", ["project": project.map(DXJSON.string) ?? .null, "name": .string(name)], options: options)
  }

  /// The details (dxpy's `get_details`).
  public func details(options: DXRequestOptions = .init()) async throws -> DXJSON {
    try await call("getDetails", options: options)
  }

  /// The projects the object is in, with the caller's access level in each (dxpy's `list_projects`).
  public func listProjects(options: DXRequestOptions = .init()) async throws -> [String: String] {
    try await call("listProjects", options: options).objectValue?.compactMapValues(\.stringValue) ?? [:]
  }

  // MARK: - Moving and copying

  /// Removes the object from ``project`` (dxpy's `remove`: `project-xxxx/removeObjects`).
  /// - Throws: ``DXBindingError`` when the handle has no project.
  public func remove(options: DXRequestOptions = .init()) async throws {
    let project = try requireProject("Remove")
    _ = try await client.call(
      "/\(project)/removeObjects", ["objects": [.string(id)]], alwaysRetry: false, options: options)
  }

  /// Moves the object to `folder` in ``project`` (dxpy's `move`).
  /// - Throws: ``DXBindingError`` when the handle has no project.
  public func move(to folder: String, options: DXRequestOptions = .init()) async throws {
    let project = try requireProject("Move")
    _ = try await client.call(
      "/\(project)/move", ["objects": [.string(id)], "destination": .string(folder)], alwaysRetry: false,
      options: options)
  }

  /// Clones the object into `folder` of `destination` and returns a handle to the copy there (dxpy's
  /// `clone`).
  /// - Throws: ``DXBindingError`` when the handle has no project or `destination` is not a container.
  public func clone(into destination: String, folder: String = "/", options: DXRequestOptions = .init())
    async throws -> Self
  {
    let project = try requireProject("Clone")
    let copy = try inProject(destination)
    _ = try await client.call(
      "/\(project)/clone",
      ["objects": [.string(id)], "project": .string(destination), "destination": .string(folder)],
      alwaysRetry: false, options: options)
    return copy
  }
}

extension DXEditableDataObject {
  /// Adds types (dxpy's `add_types`).
  public func addTypes(_ types: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addTypes", ["types": .strings(types)], options: options)
  }

  /// Removes types (dxpy's `remove_types`).
  public func removeTypes(_ types: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeTypes", ["types": .strings(types)], options: options)
  }

  /// Replaces the details (dxpy's `set_details`).
  public func setDetails(_ details: DXJSON, options: DXRequestOptions = .init()) async throws {
    _ = try await call("setDetails", details, options: options)
  }

  /// Hides the object (dxpy's `hide`).
  public func hide(options: DXRequestOptions = .init()) async throws {
    _ = try await call("setVisibility", ["hidden": true], options: options)
  }

  /// Makes the object visible (dxpy's `unhide`).
  public func unhide(options: DXRequestOptions = .init()) async throws {
    _ = try await call("setVisibility", ["hidden": false], options: options)
  }

  /// Asks the platform to close the object (dxpy's `close` without `block`).
  public func closeWithoutWaiting(options: DXRequestOptions = .init()) async throws {
    _ = try await call("close", options: options)
  }

  /// Waits until the object is `closed`, describing its state with a backoff of 1, 2, 4… up to 128
  /// seconds between polls on the client's clock (dxpy's `_wait_on_close`).
  /// - Parameters:
  ///   - timeout: How long to wait in all. Default one day (dxpy's default).
  ///   - options: Headers, timeout, retries for each describe.
  /// - Throws: ``DXBindingError/unexpectedState(_:)`` when the state is neither `closing` nor `closed`;
  ///   ``DXBindingError/timeout(_:)`` past `timeout`.
  public func waitUntilClosed(timeout: Duration = .seconds(86_400), options: DXRequestOptions = .init())
    async throws
  {
    var elapsed = Duration.zero
    var exponent = 0
    while true {
      let current = try await state(options: options)
      if current == "closed" { return }
      guard current == "closing" else { throw DXBindingError.unexpectedState("Unexpected state: \(current)") }
      guard elapsed < timeout else {
        throw DXBindingError.timeout("Reached timeout while waiting for the remote object to close")
      }
      let wait = Duration.seconds(1 << min(7, exponent))
      try await client.clock.sleep(for: wait)
      exponent += 1
      elapsed += wait
    }
  }

  /// Closes the object and, when `wait`, waits until it is `closed` (dxpy's `close(block=…)`).
  public func close(wait: Bool = false, options: DXRequestOptions = .init()) async throws {
    try await closeWithoutWaiting(options: options)
    if wait { try await waitUntilClosed(options: options) }
  }
}
