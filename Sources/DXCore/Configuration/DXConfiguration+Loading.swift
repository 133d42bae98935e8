import Foundation

extension DXConfiguration {
  /// Where configuration files are looked for. Tests point these at temporary folders.
  public struct FileSystem: Sendable, Hashable {
    /// The home folder; `~/.dnanexus_config` lives here unless `DX_USER_CONF_DIR` says otherwise.
    public var homeDirectory: String
    /// dxpy's global config folder, read like the user folder but with lower priority.
    /// Defaults to `/etc/dnanexus`.
    public var globalConfigDirectory: String
    /// The seed's system file (shell style). Defaults to `/opt/dnanexus/environment`.
    public var systemEnvironmentFile: String

    /// Creates roots; by default the process's home and the system paths.
    public init(
      homeDirectory: String = NSHomeDirectory(), globalConfigDirectory: String = "/etc/dnanexus",
      systemEnvironmentFile: String = "/opt/dnanexus/environment"
    ) {
      self.homeDirectory = homeDirectory
      self.globalConfigDirectory = globalConfigDirectory
      self.systemEnvironmentFile = systemEnvironmentFile
    }
  }

  /// The variables dxpy keeps in its configuration (`VAR_NAMES`).
  public static let variableNames = [
    "DX_APISERVER_HOST", "DX_APISERVER_PORT", "DX_APISERVER_PROTOCOL", "DX_PROJECT_CONTEXT_ID",
    "DX_WORKSPACE_ID", "DX_SECURITY_CONTEXT", "DX_JOB_ID", "DX_CLI_WD", "DX_USERNAME",
    "DX_PROJECT_CONTEXT_NAME",
  ]

  /// The variables `dx` keeps in plain files of their own name (`STANDALONE_VAR_NAMES`).
  public static let standaloneVariableNames = ["DX_CLI_WD", "DX_USERNAME", "DX_PROJECT_CONTEXT_NAME"]

  /// The proxy variables, in dxpy's scanning order (the last one present wins).
  public static let proxyVariableNames = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"]

  /// Loads the configuration.
  ///
  /// Sources, highest priority first:
  /// 1. `environment` (the process's variables);
  /// 2. the user config folder (`DX_USER_CONF_DIR`, default `<home>/.dnanexus_config`):
  ///    `environment.json` and the standalone files `DX_CLI_WD`, `DX_USERNAME`,
  ///    `DX_PROJECT_CONTEXT_NAME` (whole content, not stripped, over the JSON's values), then the
  ///    shell-style `environment` file of the seed;
  /// 3. `/etc/dnanexus` (`environment.json` and standalone files, as dxpy reads them);
  /// 4. `/opt/dnanexus/environment` (shell style);
  /// 5. the hard-coded defaults.
  ///
  /// Then, as dxpy's `_sync_dxpy_state`: the API server is set from the three `DX_APISERVER_*` values
  /// (no port in the URL when none is configured), the security context is parsed, and the workspace
  /// is `DX_WORKSPACE_ID` inside a job (`DX_JOB_ID` set) and `DX_PROJECT_CONTEXT_ID` otherwise.
  ///
  /// - Throws: ``DXConfigurationError`` naming the file (or `environment`) and the key for a malformed
  ///   file or value: a shell line that does not parse, `environment.json` that is not a JSON object of
  ///   strings, a port that is not a number in 1…65535, a protocol other than http/https, a security
  ///   context that is not a JSON object with `auth_token_type` and `auth_token`, a bad proxy URL.
  public static func load(
    environment: [String: String] = ProcessInfo.processInfo.environment, fileSystem: FileSystem = FileSystem()
  ) throws(DXConfigurationError) -> DXConfiguration {
    var merged: [String: (value: String, source: String)] = [:]
    func apply(_ values: [String: String], source: String) {
      for (key, value) in values { merged[key] = (value, source) }
    }

    apply(try readShellFile(at: fileSystem.systemEnvironmentFile), source: fileSystem.systemEnvironmentFile)
    for (values, source) in try readConfigDirectory(fileSystem.globalConfigDirectory) {
      apply(values, source: source)
    }
    let userDirectory = userConfigDirectory(environment: environment, homeDirectory: fileSystem.homeDirectory)
    let shellPath = (userDirectory as NSString).appendingPathComponent("environment")
    apply(try readShellFile(at: shellPath), source: shellPath)
    for (values, source) in try readConfigDirectory(userDirectory) {
      apply(values, source: source)
    }
    apply(environment, source: "environment")

    var configuration = DXConfiguration()
    configuration.sources = merged.mapValues(\.source)
    func value(_ key: String) -> String? { merged[key]?.value }
    func source(_ key: String) -> String { merged[key]?.source ?? "environment" }

    if let host = value("DX_APISERVER_HOST"), host.isEmpty {
      throw .invalidValue(source: source("DX_APISERVER_HOST"), key: "DX_APISERVER_HOST", reason: "empty host")
    }
    if let port = value("DX_APISERVER_PORT"), !port.isEmpty {
      guard let number = Int(port), (1...65535).contains(number) else {
        throw .invalidValue(
          source: source("DX_APISERVER_PORT"), key: "DX_APISERVER_PORT",
          reason: "'\(port)' is not a port number (1-65535)")
      }
    }
    if let scheme = value("DX_APISERVER_PROTOCOL"), scheme != "http", scheme != "https" {
      throw .invalidValue(
        source: source("DX_APISERVER_PROTOCOL"), key: "DX_APISERVER_PROTOCOL",
        reason: "'\(scheme)' is neither http nor https")
    }
    configuration.setAPIServerInfo(
      host: value("DX_APISERVER_HOST"), port: value("DX_APISERVER_PORT"),
      protocol: value("DX_APISERVER_PROTOCOL"))

    if let context = value("DX_SECURITY_CONTEXT") {
      configuration.setSecurityContext(
        try DXSecurityContext(json: context, source: source("DX_SECURITY_CONTEXT")))
    }
    if let job = value("DX_JOB_ID") {
      configuration.setJobID(job)
      configuration.setWorkspaceID(value("DX_WORKSPACE_ID"))
    } else {
      configuration.setJobID(nil)
      configuration.setWorkspaceID(value("DX_PROJECT_CONTEXT_ID"))
    }
    configuration.setProjectContext(value("DX_PROJECT_CONTEXT_ID"))
    configuration.watchPort = value("DX_WATCH_PORT")
    configuration.cliWorkingDirectory = value("DX_CLI_WD")
    configuration.username = value("DX_USERNAME")
    configuration.projectContextName = value("DX_PROJECT_CONTEXT_NAME")
    configuration.authServerHost = value("DX_AUTHSERVER_HOST")
    configuration.authServerPort = value("DX_AUTHSERVER_PORT")

    if let certificate = value("DX_CA_CERT") {
      if certificate == "NOVERIFY" {
        configuration.caCertificate = .noVerify
      } else if certificate.isEmpty {
        throw .invalidValue(
          source: source("DX_CA_CERT"), key: "DX_CA_CERT", reason: "empty; give a CA bundle path or NOVERIFY")
      } else {
        configuration.caCertificate = .bundle(path: certificate)
      }
    }

    var proxyVariable: String?
    for name in proxyVariableNames where merged[name] != nil { proxyVariable = name }
    if let proxyVariable, let proxyValue = value(proxyVariable), !proxyValue.isEmpty {
      configuration.proxy = try DXProxy(
        parsing: proxyValue, variable: proxyVariable, source: source(proxyVariable))
    }
    return configuration
  }

  /// The user config folder: `DX_USER_CONF_DIR` (with `~` expanded), or `<home>/.dnanexus_config`.
  public static func userConfigDirectory(environment: [String: String], homeDirectory: String) -> String {
    if let directory = environment["DX_USER_CONF_DIR"], !directory.isEmpty {
      if directory == "~" { return homeDirectory }
      if directory.hasPrefix("~/") {
        return (homeDirectory as NSString).appendingPathComponent(String(directory.dropFirst(2)))
      }
      return directory
    }
    return (homeDirectory as NSString).appendingPathComponent(".dnanexus_config")
  }

  // MARK: - Files

  /// Reads `environment.json` and the standalone files of one folder, lowest priority first.
  static func readConfigDirectory(_ directory: String) throws(DXConfigurationError)
    -> [([String: String], String)]
  {
    var layers: [([String: String], String)] = []
    let jsonPath = (directory as NSString).appendingPathComponent("environment.json")
    if let data = try readFileIfPresent(jsonPath) {
      layers.append((try parseEnvironmentJSON(data, path: jsonPath), jsonPath))
    }
    for name in standaloneVariableNames {
      let path = (directory as NSString).appendingPathComponent(name)
      if let data = try readFileIfPresent(path) {
        guard let text = String(data: data, encoding: .utf8) else {
          throw .malformedFile(path: path, key: name, reason: "not UTF-8 text")
        }
        layers.append(([name: text], path))
      }
    }
    return layers
  }

  /// Parses `environment.json`: a JSON object whose values are strings (or `null`, meaning unset).
  static func parseEnvironmentJSON(_ data: Data, path: String) throws(DXConfigurationError) -> [String:
    String]
  {
    let value: DXJSON
    do {
      value = try DXJSON(parsing: data)
    } catch {
      throw .malformedFile(path: path, reason: "not valid JSON (\(error))")
    }
    guard let members = value.objectValue else {
      throw .malformedFile(path: path, reason: "expected a JSON object, got \(value.typeName)")
    }
    var values: [String: String] = [:]
    for (key, member) in members {
      switch member {
      case .string(let text): values[key] = text
      case .null: continue
      default:
        throw .malformedFile(path: path, key: key, reason: "expected a string value, got \(member.typeName)")
      }
    }
    return values
  }

  /// Reads a shell-style file if it exists.
  static func readShellFile(at path: String) throws(DXConfigurationError) -> [String: String] {
    guard let data = try readFileIfPresent(path) else { return [:] }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .malformedFile(path: path, reason: "not UTF-8 text")
    }
    return try DXShellEnvironmentParser.parse(text, path: path)
  }

  private static func readFileIfPresent(_ path: String) throws(DXConfigurationError) -> Data? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
    if isDirectory.boolValue { throw .unreadableFile(path: path, reason: "is a directory") }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .unreadableFile(path: path, reason: "\(error.localizedDescription)")
    }
  }
}
