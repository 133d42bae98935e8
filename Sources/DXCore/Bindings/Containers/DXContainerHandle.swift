/// A handle to a data container: a project or a job's temporary container (dxpy's `DXContainer`).
///
/// ``DXProject`` adds what only projects have (new, update, invite, …).
public protocol DXContainerHandle: DXHandle {
  /// The class in the IDs: `"project"` or `"container"`.
  static var idClass: String { get }
}

extension DXContainerHandle {
  func call(_ method: String, _ input: DXJSON = [:], alwaysRetry: Bool = true, options: DXRequestOptions)
    async throws -> DXJSON
  {
    try await client.call("/\(id)/\(method)", input, alwaysRetry: alwaysRetry, options: options)
  }

  /// Describes the container (dxpy's `describe`); `input` is the describe input, e.g.
  /// `["fields": ["fileUploadParameters": true]]`.
  public func describe(_ input: DXJSON = [:], options: DXRequestOptions = .init()) async throws
    -> DXContainerDescription
  {
    try DXContainerDescription(json: try await call("describe", input, options: options))
  }

  /// Creates `folder`, and its missing parents when `parents` (dxpy's `new_folder`).
  public func newFolder(_ folder: String, parents: Bool = false, options: DXRequestOptions = .init())
    async throws
  {
    _ = try await call("newFolder", ["folder": .string(folder), "parents": .bool(parents)], options: options)
  }

  /// Lists `folder` (dxpy's `list_folder`).
  /// - Parameters:
  ///   - folder: Default `/`.
  ///   - describe: `false`, `true` or describe options for each object. Default `false`.
  ///   - only: `"all"`, `"objects"` or `"folders"`. Default `"all"`.
  ///   - includeHidden: Include hidden objects. Default `false`.
  ///   - options: Headers, timeout, retries.
  public func listFolder(
    _ folder: String = "/", describe: DXJSON = false, only: String = "all", includeHidden: Bool = false,
    options: DXRequestOptions = .init()
  ) async throws -> DXFolderListing {
    let input: DXJSON = [
      "folder": .string(folder), "describe": describe, "only": .string(only),
      "includeHidden": .bool(includeHidden),
    ]
    return try DXFolderListing(json: try await call("listFolder", input, options: options))
  }

  /// Moves objects and folders into `destination` (dxpy's `move`).
  public func move(
    to destination: String, objects: [String] = [], folders: [String] = [],
    options: DXRequestOptions = .init()
  ) async throws {
    let input: DXJSON = [
      "objects": .strings(objects), "folders": .strings(folders), "destination": .string(destination),
    ]
    _ = try await call("move", input, alwaysRetry: false, options: options)
  }

  /// Moves `folder` into `destination` (dxpy's `move_folder`).
  public func moveFolder(_ folder: String, to destination: String, options: DXRequestOptions = .init())
    async throws
  {
    _ = try await call(
      "move", ["folders": [.string(folder)], "destination": .string(destination)], alwaysRetry: false,
      options: options)
  }

  /// Renames `folder` (its last path component becomes `name`).
  public func renameFolder(_ folder: String, to name: String, options: DXRequestOptions = .init())
    async throws
  {
    _ = try await call(
      "renameFolder", ["folder": .string(folder), "name": .string(name)], alwaysRetry: false, options: options
    )
  }

  /// Removes `folder`, asking with `partial: true` and repeating until the platform says `completed`
  /// (dxpy's `remove_folder`; retried after failures only when `force`, as dxpy passes
  /// `always_retry=force`).
  /// - Parameters:
  ///   - folder: The folder to remove.
  ///   - recurse: Remove what it holds too. Default `false`.
  ///   - force: Do not fail for objects that are missing; also allows retries. Default `false`.
  ///   - maximumRounds: A bound on the repetitions. Default 100,000.
  ///   - options: Headers, timeout, retries.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when a reply has no `completed` ("Error removing
  ///   folder"); ``DXBindingError/timeout(_:)`` past `maximumRounds`.
  public func removeFolder(
    _ folder: String, recurse: Bool = false, force: Bool = false, maximumRounds: Int = 100_000,
    options: DXRequestOptions = .init()
  ) async throws {
    let input: DXJSON = [
      "folder": .string(folder), "recurse": .bool(recurse), "force": .bool(force), "partial": true,
    ]
    for _ in 0..<max(1, maximumRounds) {
      let reply = try await call("removeFolder", input, alwaysRetry: force, options: options)
      guard let completed = reply["completed"]?.boolValue else {
        throw DXBindingError.malformedReply("Error removing folder")
      }
      if completed { return }
    }
    throw DXBindingError.timeout("removeFolder of \(folder) did not complete in \(maximumRounds) rounds")
  }

  /// Removes objects (dxpy's `remove_objects`; retried after failures only when `force`).
  public func removeObjects(_ objects: [String], force: Bool = false, options: DXRequestOptions = .init())
    async throws
  {
    _ = try await call(
      "removeObjects", ["objects": .strings(objects), "force": .bool(force)], alwaysRetry: force,
      options: options)
  }

  /// Clones objects and folders into `destination` of `container` (dxpy's `clone`); returns the reply
  /// (`id`, `project`, `exists`).
  @discardableResult
  public func clone(
    into container: String, destination: String = "/", objects: [String] = [], folders: [String] = [],
    parents: Bool = false, options: DXRequestOptions = .init()
  ) async throws -> DXJSON {
    let input: DXJSON = [
      "objects": .strings(objects), "folders": .strings(folders), "project": .string(container),
      "destination": .string(destination), "parents": .bool(parents),
    ]
    return try await call("clone", input, alwaysRetry: false, options: options)
  }

  /// Destroys the container (dxpy's `DXProject.destroy`).
  public func destroy(terminateJobs: Bool? = nil, options: DXRequestOptions = .init()) async throws {
    let input: DXJSON = terminateJobs.map { ["terminateJobs": .bool($0)] } ?? [:]
    _ = try await call("destroy", input, options: options)
  }

  /// The container's upload limits (`describe` with `fileUploadParameters`).
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when the reply has none.
  public func fileUploadParameters(options: DXRequestOptions = .init()) async throws -> DXFileUploadParameters
  {
    let description = try await describe(["fields": ["fileUploadParameters": true]], options: options)
    guard let parameters = description.fileUploadParameters else {
      throw DXBindingError.malformedReply("the container description has no fileUploadParameters")
    }
    return parameters
  }
}
