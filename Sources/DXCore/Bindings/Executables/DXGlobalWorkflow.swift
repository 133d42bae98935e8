/// A handle to a global workflow, by ID or by name and alias (dxpy's `DXGlobalWorkflow`).
public struct DXGlobalWorkflow: DXGlobalExecutable {
  /// `"globalworkflow"`.
  public static let idClass = "globalworkflow"
  /// The hash ID, when made from one.
  public let hashID: String?
  /// The name, when made from one.
  public let name: String?
  /// The alias (version or tag), when made from a name.
  public let alias: String?
  /// The client calls go through.
  public let client: DXClient

  /// A handle from its parts (see ``DXGlobalExecutable/init(_:client:)`` for IDs and names).
  public init(hashID: String?, name: String?, alias: String?, client: DXClient) {
    self.hashID = hashID
    self.name = name
    self.alias = alias
    self.client = client
  }

  /// Creates a global workflow version (dxpy's `DXGlobalWorkflow.new`): `globalworkflow/new` with a
  /// nonce; `fields` must hold `name` and `regionalOptions`.
  public static func new(
    version: String, fields: [String: DXJSON], client: DXClient, options: DXRequestOptions = .init()
  ) async throws -> DXGlobalWorkflow {
    for required in ["name", "regionalOptions"] where fields[required] == nil {
      throw DXBindingError.invalidArgument("DXGlobalWorkflow: Keyword argument \(required) is required")
    }
    var input = fields
    input["version"] = .string(version)
    let reply = try await client.call("/globalworkflow/new", .object(input), nonce: true, options: options)
    return try DXGlobalWorkflow(try reply.requiredString("id"), client: client)
  }

  /// The workflow behind this global workflow in `region` (dxpy's `get_underlying_workflow`).
  /// - Throws: ``DXBindingError/invalidArgument(_:)`` when it is not enabled in `region`.
  public func underlyingWorkflow(region: String, options: DXRequestOptions = .init()) async throws
    -> DXWorkflow
  {
    let description = try await describe(options: options).raw
    guard let config = description["regionalOptions"]?[region], let workflow = config["workflow"]?.stringValue
    else {
      throw DXBindingError.invalidArgument(
        "DXGlobalWorkflow: the global workflow \(id) is not enabled in region \(region)")
    }
    return try DXWorkflow(workflow, project: config["resources"]?.stringValue, client: client)
  }

  /// Runs the global workflow (dxpy's `run`): stage-qualified inputs are resolved against the
  /// underlying workflow of the project's region, then `globalworkflow-xxxx/run` with a nonce.
  /// - Returns: The new analysis.
  public func run(_ input: DXJSON, _ run: DXRunOptions = .init(), options: DXRequestOptions = .init())
    async throws
    -> DXAnalysis
  {
    let project = run.project ?? client.defaultProject ?? "None"
    let region = try await client.call("/\(project)/describe", ["fields": ["region": true]], options: options)
      .requiredString("region")
    let workflow = try await underlyingWorkflow(region: region, options: options)
    let request = try await workflow.runInput(input, run, options: options)
    let reply = try await call("run", request, nonce: true, options: options)
    return try DXAnalysis(try reply.requiredString("id"), client: client)
  }
}

extension DXClient {
  /// Adds `workflowDescribe` to every region of a global workflow's description: the description of the
  /// underlying workflow there (dxpy's `append_underlying_workflow_describe`). Any other description is
  /// returned unchanged.
  public func appendUnderlyingWorkflowDescribe(_ description: DXJSON, options: DXRequestOptions = .init())
    async throws -> DXJSON
  {
    guard description["class"]?.stringValue == "globalworkflow",
      case .object(var members) = description, case .object(var regions)? = members["regionalOptions"]
    else { return description }
    for (region, config) in regions {
      guard case .object(var settings) = config, let workflow = settings["workflow"]?.stringValue else {
        continue
      }
      settings["workflowDescribe"] = try await call(
        "/\(workflow)/describe", ["project": settings["resources"] ?? .null], options: options)
      regions[region] = .object(settings)
    }
    members["regionalOptions"] = .object(regions)
    return .object(members)
  }
}
