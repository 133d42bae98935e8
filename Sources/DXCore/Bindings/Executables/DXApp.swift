/// A handle to an app, by ID or by name and alias (dxpy's `DXApp`).
public struct DXApp: DXGlobalExecutable {
  /// `"app"`.
  public static let idClass = "app"
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

  /// Creates an app version from an applet (dxpy's `DXApp.new`): `app/new` with a nonce.
  /// - Parameters:
  ///   - applet: The applet ID to build from (or give `initializeFrom` in `fields`).
  ///   - version: The version (required).
  ///   - fields: Other `app/new` fields in the API's names (`name`, `title`, `billTo`, `resources`…).
  ///   - client: The client.
  ///   - options: Headers, timeout, retries.
  public static func new(
    applet: String?, version: String, fields: [String: DXJSON] = [:], client: DXClient,
    options: DXRequestOptions = .init()
  ) async throws -> DXApp {
    guard applet != nil || fields["initializeFrom"] != nil else {
      throw DXBindingError.invalidArgument(
        "DXApp: One of the keyword arguments applet and initializeFrom is required")
    }
    var input = fields
    input["version"] = .string(version)
    if let applet { input["applet"] = .string(applet) }
    let reply = try await client.call("/app/new", .object(input), nonce: true, options: options)
    return try DXApp(try reply.requiredString("id"), client: client)
  }

  /// The full app specification (dxpy's `get`).
  public func get(options: DXRequestOptions = .init()) async throws -> DXJSON {
    try await call("get", options: options)
  }

  /// Installs the app for the caller.
  public func install(options: DXRequestOptions = .init()) async throws {
    _ = try await call("install", options: options)
  }

  /// Uninstalls the app for the caller.
  public func uninstall(options: DXRequestOptions = .init()) async throws {
    _ = try await call("uninstall", options: options)
  }

  /// Runs the app (dxpy's `run`): `app-xxxx/run` with a nonce.
  /// - Returns: The new job.
  public func run(_ input: DXJSON, _ run: DXRunOptions = .init(), options: DXRequestOptions = .init())
    async throws
    -> DXJob
  {
    let reply = try await call(
      "run", try run.appletInput(input, client: client), nonce: true, options: options)
    return try DXJob(try reply.requiredString("id"), client: client)
  }
}
