import Foundation

/// Which API server to talk to and as whom: dxpy's module-level configuration as a value.
///
/// Load it with ``load(environment:fileSystem:)`` (environment variables, then the user's config
/// directory, then the system files, then the defaults), or start from ``init()`` (the defaults) and
/// use the setters. The process-wide default is ``shared``; a ``DXClient`` made without a
/// configuration reads it at every request, so the setters on ``updateShared(_:)`` take effect at once.
///
/// Fields follow dxpy's quirks on purpose: the port is a string, and ``apiServer`` is recomputed only
/// by ``setAPIServerInfo(host:port:protocol:)-(_,String?,_)``, without a port when the port argument was absent or
/// empty (so a configuration without `DX_APISERVER_PORT` gives `https://api.dnanexus.com`).
public struct DXConfiguration: Sendable, Hashable {
  /// `https`.
  public static let defaultProtocol = "https"
  /// `api.dnanexus.com`.
  public static let defaultHost = "api.dnanexus.com"
  /// `"443"` (a string, as in dxpy).
  public static let defaultPort = "443"
  /// `1.0.0`, sent as the `DNAnexus-API` header.
  public static let apiVersion = "1.0.0"
  /// DXKit's version, as it appears in the user agent.
  public static let dxkitVersion = "0.1.0"

  /// The protocol, `http` or `https` (dxpy's `APISERVER_PROTOCOL`).
  public private(set) var apiServerProtocol: String = defaultProtocol
  /// The API server's host name (`APISERVER_HOST`).
  public private(set) var apiServerHost: String = defaultHost
  /// The API server's port as a string (`APISERVER_PORT`).
  public private(set) var apiServerPort: String = defaultPort
  /// The base URL requests are sent to (`APISERVER`), e.g. `http://127.0.0.1:8080`.
  public private(set) var apiServer: String = "\(defaultProtocol)://\(defaultHost)"
  /// The credentials, or `nil` for none (no `Authorization` header is sent).
  public private(set) var securityContext: DXSecurityContext?
  /// The running job's ID, or `nil` outside the Execution Environment.
  public private(set) var jobID: String?
  /// The default data container: the job's workspace inside a job, else the project context.
  public private(set) var workspaceID: String?
  /// The project context of a running job, or the user's default project.
  public private(set) var projectContextID: String?
  /// `DX_WATCH_PORT`, or `nil`.
  public var watchPort: String?
  /// `DX_CLI_WD`, the CLI's working folder, or `nil`.
  public var cliWorkingDirectory: String?
  /// `DX_USERNAME`, or `nil`.
  public var username: String?
  /// `DX_PROJECT_CONTEXT_NAME`, or `nil`.
  public var projectContextName: String?
  /// `DX_CA_CERT`: a CA bundle path or `NOVERIFY`, or `nil` for the system's trust roots.
  public var caCertificate: CACertificate?
  /// The proxy from `http_proxy`/`HTTP_PROXY`/`https_proxy`/`HTTPS_PROXY`, or `nil`.
  public var proxy: DXProxy?
  /// `DX_AUTHSERVER_HOST`, used by ``authServerName(hostOverride:portOverride:protocol:)-(String?,_,_)``
  /// for local API servers.
  public var authServerHost: String?
  /// `DX_AUTHSERVER_PORT`.
  public var authServerPort: String?
  /// The `User-Agent` sent with every request: `DXKit/<version> (<OS>) Swift/<version>`.
  public var userAgent: String = DXConfiguration.defaultUserAgent
  /// Where each loaded variable came from (`"environment"` or a file path), for diagnostics.
  public var sources: [String: String] = [:]

  /// The trust setting from `DX_CA_CERT`.
  public enum CACertificate: Sendable, Hashable {
    /// Trust the certificates in this PEM bundle instead of the system's.
    case bundle(path: String)
    /// `NOVERIFY`: do not verify the server's certificate.
    case noVerify
  }

  /// The hard-coded defaults: `https://api.dnanexus.com`, no credentials, no job, no project.
  public init() {}

  // MARK: - Setters (dxpy's set_* functions)

  /// Overrides the API server; arguments left `nil` keep their current value.
  ///
  /// ``apiServer`` becomes `protocol://host` when `port` is `nil` or empty, and `protocol://host:port`
  /// otherwise (dxpy's `set_api_server_info`, including its quirk that the stored port is not used).
  public mutating func setAPIServerInfo(host: String? = nil, port: String? = nil, protocol: String? = nil) {
    if let host { apiServerHost = host }
    if let port { apiServerPort = port }
    if let `protocol` { apiServerProtocol = `protocol` }
    if let port, !port.isEmpty {
      apiServer = "\(apiServerProtocol)://\(apiServerHost):\(port)"
    } else {
      apiServer = "\(apiServerProtocol)://\(apiServerHost)"
    }
  }

  /// Overrides the API server with an integer port. See ``setAPIServerInfo(host:port:protocol:)``.
  public mutating func setAPIServerInfo(host: String? = nil, port: Int, protocol: String? = nil) {
    setAPIServerInfo(host: host, port: String(port), protocol: `protocol`)
  }

  /// Sets the credentials; `nil` sends none. Nothing is validated until a request is made.
  public mutating func setSecurityContext(_ context: DXSecurityContext?) { securityContext = context }

  /// Sets the running job's ID (only useful to test job code outside a job).
  public mutating func setJobID(_ id: String?) { jobID = id }

  /// Sets the default data container for new objects and name resolution.
  public mutating func setWorkspaceID(_ id: String?) { workspaceID = id }

  /// Sets the project context. It does not change ``workspaceID``.
  public mutating func setProjectContext(_ id: String?) { projectContextID = id }

  /// Sets the watch port.
  public mutating func setWatchPort(_ port: String?) { watchPort = port }

  // MARK: - Auth server

  /// The auth server that goes with the configured API server (dxpy's `get_auth_server_name`).
  ///
  /// - Overrides: when either is given both are required, and the result is
  ///   `protocol://host:port`.
  /// - `stagingapi.dnanexus.com` → `https://stagingauth.dnanexus.com`; `api.dnanexus.com` →
  ///   `https://auth.dnanexus.com`; `stagingapi.cn.dnanexus.com` →
  ///   `https://stagingauth.cn.dnanexus.com:7001`; `api.cn.dnanexus.com` →
  ///   `https://auth.cn.dnanexus.com:8001`.
  /// - `localhost`, `127.0.0.1` and `apiserver` need `DX_AUTHSERVER_HOST` and `DX_AUTHSERVER_PORT`,
  ///   and give `host:port` with no scheme, exactly as dxpy does.
  /// - Parameters:
  ///   - hostOverride: The auth server's host, or `nil` (the default) to derive it.
  ///   - portOverride: The auth server's port, or `nil` (the default) to derive it.
  ///   - protocol: The scheme for the overrides. Defaults to `https`.
  /// - Throws: ``DXError`` with dxpy's message when the name cannot be determined.
  public func authServerName(
    hostOverride: String? = nil, portOverride: String? = nil, protocol: String = "https"
  )
    throws(DXError) -> String
  {
    if hostOverride != nil || portOverride != nil {
      guard let hostOverride, let portOverride else {
        throw DXError.authServer("Both host and port must be specified if either is specified")
      }
      return "\(`protocol`)://\(hostOverride):\(portOverride)"
    }
    switch apiServerHost {
    case "stagingapi.dnanexus.com": return "https://stagingauth.dnanexus.com"
    case "api.dnanexus.com": return "https://auth.dnanexus.com"
    case "stagingapi.cn.dnanexus.com": return "https://stagingauth.cn.dnanexus.com:7001"
    case "api.cn.dnanexus.com": return "https://auth.cn.dnanexus.com:8001"
    case "localhost", "127.0.0.1", "apiserver":
      guard let authServerHost, let authServerPort else {
        throw DXError.authServer(
          "Must set authserver env vars (DX_AUTHSERVER_HOST, DX_AUTHSERVER_PORT) if apiserver is "
            + "\(apiServerHost).")
      }
      return "\(authServerHost):\(authServerPort)"
    default:
      throw DXError.authServer("Could not determine which auth server is associated with \(apiServerHost).")
    }
  }

  /// The overrides variant with an integer port.
  public func authServerName(hostOverride: String, portOverride: Int, protocol: String = "https")
    throws(DXError) -> String
  {
    try authServerName(hostOverride: hostOverride, portOverride: String(portOverride), protocol: `protocol`)
  }

  // MARK: - User agent

  /// `DXKit/<version> (<OS>) Swift/<version>`, e.g. `DXKit/0.1.0 (Linux-6.1.0-x86_64) Swift/6.3`.
  public static let defaultUserAgent: String = {
    "DXKit/\(dxkitVersion) (\(operatingSystemDescription())) Swift/\(swiftVersion)"
  }()

  static var swiftVersion: String {
    #if swift(>=6.4)
      return "6.4"
    #elseif swift(>=6.3)
      return "6.3"
    #elseif swift(>=6.2)
      return "6.2"
    #elseif swift(>=6.1)
      return "6.1"
    #else
      return "6.0"
    #endif
  }

  private static func operatingSystemDescription() -> String {
    var info = utsname()
    guard uname(&info) == 0 else { return ProcessInfo.processInfo.operatingSystemVersionString }
    func field<T>(_ value: T) -> String {
      withUnsafeBytes(of: value) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
    }
    return "\(field(info.sysname))-\(field(info.release))-\(field(info.machine))"
  }
}
