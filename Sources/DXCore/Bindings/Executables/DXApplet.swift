/// A handle to an applet (dxpy's `DXApplet`): a data object that runs as a job.
///
/// Applets have no types, settable details, visibility or close; those methods are not offered.
public struct DXApplet: DXDataObject {
  /// `"applet"`.
  public static let idClass = "applet"
  /// The applet ID.
  public let id: String
  /// The project, or `nil`.
  public let project: String?
  /// The client calls go through.
  public let client: DXClient

  /// A handle to `id` in `project` (default ``DXClient/defaultProject``).
  /// - Throws: ``DXBindingError/invalidID(_:classes:)`` for a malformed ID.
  public init(_ id: String, project: String? = nil, client: DXClient) throws(DXBindingError) {
    (self.id, self.project) = try Self.checkedIDs(id, project, client)
    self.client = client
  }

  /// Creates an applet (dxpy's `DXApplet.new`): `applet/new` with a nonce.
  /// - Parameters:
  ///   - runSpec: The run specification (required).
  ///   - dxapi: The API version, e.g. `"1.0.0"` (required).
  ///   - inputSpec: Sent when given.
  ///   - outputSpec: Sent when given.
  ///   - access: Sent when given.
  ///   - title: Sent when given.
  ///   - summary: Sent when given.
  ///   - description: Sent when given.
  ///   - options: The common creation fields.
  ///   - client: The client.
  ///   - requestOptions: Headers, timeout, retries.
  public static func new(
    runSpec: DXJSON, dxapi: String, inputSpec: DXJSON? = nil, outputSpec: DXJSON? = nil,
    access: DXJSON? = nil,
    title: String? = nil, summary: String? = nil, description: String? = nil,
    options: DXNewObjectOptions = .init(),
    client: DXClient, requestOptions: DXRequestOptions = .init()
  ) async throws -> DXApplet {
    var (input, project) = options.input(client: client)
    input["runSpec"] = runSpec
    input["dxapi"] = .string(dxapi)
    if let inputSpec { input["inputSpec"] = inputSpec }
    if let outputSpec { input["outputSpec"] = outputSpec }
    if let access { input["access"] = access }
    if let title { input["title"] = .string(title) }
    if let summary { input["summary"] = .string(summary) }
    if let description { input["description"] = .string(description) }
    let reply = try await client.call("/applet/new", .object(input), nonce: true, options: requestOptions)
    return try DXApplet(try reply.requiredString("id"), project: project, client: client)
  }

  /// The full applet specification, code included (dxpy's `get`).
  public func get(options: DXRequestOptions = .init()) async throws -> DXJSON {
    try await call("get", options: options)
  }

  /// Runs the applet (dxpy's `run`): `applet-xxxx/run` with a nonce.
  /// - Parameters:
  ///   - input: The input, links made with ``DXLink``.
  ///   - run: Where and how to run.
  ///   - options: Headers, timeout, retries.
  /// - Returns: The new job.
  public func run(_ input: DXJSON, _ run: DXRunOptions = .init(), options: DXRequestOptions = .init())
    async throws
    -> DXJob
  {
    let reply = try await client.call(
      "/\(id)/run", try run.appletInput(input, client: client), nonce: true, options: options)
    return try DXJob(try reply.requiredString("id"), client: client)
  }
}
