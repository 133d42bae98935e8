extension DXClient {
  /// The default data container for new objects and handles without a project: the job's workspace
  /// inside a job, else the project context (dxpy's `WORKSPACE_ID`); `nil` when neither is set or the
  /// shared configuration failed to load.
  public var defaultProject: String? { (try? currentPlatform())?.workspaceID }

  /// This client with `project` as its project context and workspace, so that new objects, handles
  /// and searches default to it (dxpy's `set_project_context` and `set_workspace_id`); `nil` clears
  /// both.
  /// - Throws: ``DXConfigurationError`` when the shared configuration failed to load.
  public func withProjectContext(_ project: String?) throws(DXConfigurationError) -> DXClient {
    var copy = self
    var platform = try currentPlatform()
    platform.setProjectContext(project)
    platform.setWorkspaceID(project)
    copy.platform = platform
    return copy
  }

  /// Whether the configuration says this code runs inside a job (`DX_JOB_ID` is set).
  var isInsideJob: Bool { (try? currentPlatform())?.jobID != nil }

  /// One bindings call: a POST of `input` to `path` with dxpy's retry flag and nonce, decoded as JSON.
  func call(
    _ path: String, _ input: DXJSON = [:], alwaysRetry: Bool = true, nonce: Bool = false,
    options: DXRequestOptions = .init()
  ) async throws -> DXJSON {
    let response = try await callAPI(
      path, input: input, alwaysRetry: alwaysRetry, nonce: nonce, options: options)
    return try Self.decodedJSON(response)
  }

  /// `response.decodedJSON()`, its typed `DXError` boxed here, outside any async function.
  ///
  /// Do not fold this back into `call(_:_:alwaysRetry:nonce:options:)`: Swift 6.3's release build
  /// crashed (signal 11 in LLVM's coroutine splitting, "While splitting coroutine
  /// @$s6DXCore9DXProjectV3new...", in `emitSetAndGetSwiftErrorValueAround`) when the typed error was
  /// boxed into `any Error` inside the async functions this helper is inlined into: the optimizer merged
  /// the box's last field store with the store that clears the swifterror slot after an `await`, into
  /// one store through a `phi` of the two addresses, which coroutine splitting cannot rewrite. A
  /// synchronous untyped-throws function that is never inlined keeps the boxing out of async code.
  @inline(never)
  static func decodedJSON(_ response: DXResponse) throws -> DXJSON {
    try response.decodedJSON()
  }
}

extension DXJSON {
  /// The string member `key` of this reply.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when it is missing or not a string.
  func requiredString(_ key: String) throws(DXBindingError) -> String {
    guard let value = self[key]?.stringValue else {
      throw .malformedReply(
        "the reply has no string '\(key)': \(serializedString(sortedKeys: true).prefix(200))")
    }
    return value
  }

  /// A JSON array of strings.
  static func strings(_ values: [String]) -> DXJSON { .array(values.map(DXJSON.string)) }

  /// A JSON object of strings, with `nil` values as `null` (a property to remove).
  static func properties(_ values: [String: String?]) -> DXJSON {
    .object(values.mapValues { $0.map(DXJSON.string) ?? .null })
  }

  /// The strings of an array member, or `[]`.
  func stringArray(_ key: String) -> [String] { self[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }

  /// The string-valued members of an object member, or `nil`.
  func stringDictionary(_ key: String) -> [String: String]? {
    self[key]?.objectValue?.compactMapValues(\.stringValue)
  }
}
