/// A handle to a job or an analysis: describe, tags, properties, terminate, wait until done, output
/// references.
public protocol DXExecution: DXHandle {
  /// `"job"` or `"analysis"`.
  static var idClass: String { get }
  /// What the wait's failure messages call it: `"Job"` or `"Analysis"`.
  static var noun: String { get }
  /// The failed states (`failed`; for analyses also `partially_failed`).
  static var failedStates: Set<String> { get }
  /// A handle to `id`.
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` for a malformed ID.
  init(_ id: String, client: DXClient) throws(DXBindingError)
}

extension DXExecution {
  func call(_ method: String, _ input: DXJSON = [:], options: DXRequestOptions) async throws -> DXJSON {
    try await client.call("/\(id)/\(method)", input, options: options)
  }

  /// Describes the execution; `fields` limits the reply (dxpy's `describe(fields=…)`).
  public func describe(fields: Set<String>? = nil, options: DXRequestOptions = .init()) async throws
    -> DXExecutionDescription
  {
    var input: [String: DXJSON] = [:]
    if let fields { input["fields"] = .object(Dictionary(uniqueKeysWithValues: fields.map { ($0, true) })) }
    return try DXExecutionDescription(json: try await call("describe", .object(input), options: options))
  }

  /// The current state.
  public func state(options: DXRequestOptions = .init()) async throws -> String {
    guard let state = try await describe(fields: ["state"], options: options).state else {
      throw DXBindingError.malformedReply("describe of \(id) returned no state")
    }
    return state
  }

  /// Adds tags.
  public func addTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("addTags", ["tags": .strings(tags)], options: options)
  }

  /// Removes tags.
  public func removeTags(_ tags: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("removeTags", ["tags": .strings(tags)], options: options)
  }

  /// Sets properties; a `nil` value removes one.
  public func setProperties(_ properties: [String: String?], options: DXRequestOptions = .init()) async throws
  {
    _ = try await call("setProperties", ["properties": .properties(properties)], options: options)
  }

  /// Terminates the execution.
  public func terminate(options: DXRequestOptions = .init()) async throws {
    _ = try await call("terminate", options: options)
  }

  /// A reference to the output `field`, to pass as another execution's input before this one is done
  /// (dxpy's `get_output_ref`).
  public func outputReference(field: String, index: Int? = nil, metadata: String? = nil) -> DXLink {
    if Self.idClass == "analysis" {
      return DXLink(target: .analysisOutput(analysis: id, field: field, index: index, metadata: metadata))
    }
    return DXLink(target: .jobOutput(job: id, field: field, index: index, metadata: metadata))
  }

  /// Waits until the execution is `done`, polling its state every `interval` on the client's clock
  /// (dxpy's `wait_on_done`).
  /// - Parameters:
  ///   - interval: Between polls. Default 2 s.
  ///   - timeout: In all. Default 7 days.
  ///   - options: Headers, timeout, retries for each describe.
  /// - Throws: ``DXBindingError/jobFailure(_:execution:)`` when it failed (with `failureReason` and
  ///   `failureMessage`), was terminated, or the wait timed out.
  public func waitUntilDone(
    interval: Duration = .seconds(2), timeout: Duration = .seconds(604_800),
    options: DXRequestOptions = .init()
  ) async throws {
    var elapsed = Duration.zero
    while true {
      let current = try await state(options: options)
      if current == "done" { return }
      if Self.failedStates.contains(current) {
        let description = try await describe(options: options)
        var message =
          "\(Self.noun) has failed because of \(description.failureReason ?? "None"): "
          + (description.failureMessage ?? "None")
        if let from = description.failureFrom, from != description.id { message += " (failure from \(from))" }
        throw DXBindingError.jobFailure(
          message,
          execution: .init(
            id: id, state: current, failureReason: description.failureReason,
            failureMessage: description.failureMessage, failureFrom: description.failureFrom))
      }
      if current == "terminated" {
        throw DXBindingError.jobFailure(
          "\(Self.noun) was terminated.", execution: .init(id: id, state: current))
      }
      guard elapsed < timeout else {
        throw DXBindingError.jobFailure(
          "Reached timeout while waiting for the \(Self.noun.lowercased()) to finish",
          execution: .init(id: id, state: current))
      }
      try await client.clock.sleep(for: interval)
      elapsed += max(interval, .milliseconds(1))
    }
  }
}
