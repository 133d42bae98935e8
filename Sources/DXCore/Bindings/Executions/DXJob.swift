/// A handle to a job (dxpy's `DXJob`).
public struct DXJob: DXExecution {
  /// `"job"`.
  public static let idClass = "job"
  /// `"Job"`.
  public static let noun = "Job"
  /// `failed`.
  public static let failedStates: Set<String> = ["failed"]
  /// The job ID.
  public let id: String
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id`.
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` for a malformed ID.
  public init(_ id: String, client: DXClient) throws(DXBindingError) {
    try DXID.verify(id, classes: [Self.idClass])
    self.id = id
    self.client = client
  }

  /// Describes the job with dxpy's job options (`fields`, `defaultFields`, `io`).
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` when both `fields` and `io` are given.
  public func describe(
    fields: Set<String>?, defaultFields: Bool?, io: Bool?, options: DXRequestOptions = .init()
  ) async throws -> DXExecutionDescription {
    if fields != nil, io != nil {
      throw DXBindingError.invalidArgument(
        "DXJob.describe: cannot provide non-None values for both fields and io")
    }
    var input: [String: DXJSON] = [:]
    if let fields { input["fields"] = .object(Dictionary(uniqueKeysWithValues: fields.map { ($0, true) })) }
    if let defaultFields { input["defaultFields"] = .bool(defaultFields) }
    if let io { input["io"] = .bool(io) }
    return try DXExecutionDescription(json: try await call("describe", .object(input), options: options))
  }

  /// Allows or stops SSH to the job (dxpy's `update(allow_ssh)`).
  public func update(allowSSH: [String], options: DXRequestOptions = .init()) async throws {
    _ = try await call("update", ["allowSSH": .strings(allowSSH)], options: options)
  }

  /// Starts a subjob running `function` of the current job's executable (dxpy's `new_dxjob`, inside a
  /// job: `job/new` with a nonce).
  /// - Parameters:
  ///   - function: The entry point.
  ///   - input: Its input.
  ///   - name: Sent when given.
  ///   - tags: Sent when given.
  ///   - properties: Sent when given.
  ///   - details: Sent when given.
  ///   - instanceType: Sent as `systemRequirements` `{"<function>": {"instanceType": …}}`.
  ///   - dependsOn: IDs of jobs or data objects to wait for.
  ///   - client: The client (its configuration must say it runs inside a job).
  ///   - options: Headers, timeout, retries.
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` outside a job (dxpy then queues a local job,
  ///   which DXKit does not emulate).
  public static func new(
    function: String, input: DXJSON, name: String? = nil, tags: [String]? = nil,
    properties: [String: String]? = nil, details: DXJSON? = nil, instanceType: String? = nil,
    dependsOn: [String]? = nil, client: DXClient, options: DXRequestOptions = .init()
  ) async throws -> DXJob {
    guard client.isInsideJob else {
      throw DXBindingError.invalidArgument("DXJob.new runs only inside a job (DX_JOB_ID is not set)")
    }
    var request: [String: DXJSON] = ["input": input, "function": .string(function)]
    if let name { request["name"] = .string(name) }
    if let tags { request["tags"] = .strings(tags) }
    if let properties { request["properties"] = .object(properties.mapValues(DXJSON.string)) }
    if let instanceType {
      request["systemRequirements"] = [function: ["instanceType": .string(instanceType)]]
    }
    if let dependsOn { request["dependsOn"] = .strings(dependsOn) }
    if let details { request["details"] = details }
    let reply = try await client.call("/job/new", .object(request), nonce: true, options: options)
    return try DXJob(try reply.requiredString("id"), client: client)
  }
}
