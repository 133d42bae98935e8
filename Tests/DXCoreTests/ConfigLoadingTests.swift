import DXCore
import Foundation
import Testing

@Suite("Config — loading, precedence and parsing")
struct ConfigLoadingTests {
  /// Roots inside `root`: home, /etc/dnanexus and /opt/dnanexus/environment all under it.
  func roots(_ root: String) -> DXConfiguration.FileSystem {
    DXConfiguration.FileSystem(
      homeDirectory: root + "/home", globalConfigDirectory: root + "/etc/dnanexus",
      systemEnvironmentFile: root + "/opt/dnanexus/environment")
  }

  @Test("nothing configured: https://api.dnanexus.com with no port and no credentials")
  func defaults() throws {
    try withTemporaryDirectory { root in
      let config = try DXConfiguration.load(environment: [:], fileSystem: roots(root))
      #expect(config.apiServer == "https://api.dnanexus.com")
      #expect(config.apiServerProtocol == "https")
      #expect(config.apiServerHost == "api.dnanexus.com")
      #expect(config.apiServerPort == "443")
      #expect(config.securityContext == nil)
      #expect(config.jobID == nil)
      #expect(config.workspaceID == nil)
      #expect(config.proxy == nil)
      #expect(config.userAgent.hasPrefix("DXKit/"))
      #expect(config.userAgent.wholeMatch(of: /DXKit\/\d+\.\d+\.\d+ \(.+\) Swift\/\d+\.\d+/) != nil)
    }
  }

  @Test("environment variables win over every file")
  func environmentWins() throws {
    try withTemporaryDirectory { root in
      try write(
        #"{"DX_APISERVER_HOST": "json.example", "DX_APISERVER_PORT": "1111", "DX_APISERVER_PROTOCOL": "http"}"#,
        to: root + "/home/.dnanexus_config/environment.json")
      try write("export DX_APISERVER_HOST=shell.example\n", to: root + "/home/.dnanexus_config/environment")
      try write("DX_APISERVER_HOST=opt.example\n", to: root + "/opt/dnanexus/environment")
      let config = try DXConfiguration.load(
        environment: ["DX_APISERVER_HOST": "env.example", "DX_APISERVER_PORT": "8080"],
        fileSystem: roots(root))
      #expect(config.apiServer == "http://env.example:8080")
      #expect(config.sources["DX_APISERVER_HOST"] == "environment")
      #expect(config.sources["DX_APISERVER_PROTOCOL"] == root + "/home/.dnanexus_config/environment.json")
    }
  }

  @Test(
    "precedence: environment.json > user shell file > /etc/dnanexus > /opt/dnanexus/environment > defaults")
  func filePrecedence() throws {
    try withTemporaryDirectory { root in
      try write(
        "export DX_APISERVER_HOST=opt.example\nexport DX_JOB_ID=job-opt\nexport DX_APISERVER_PORT=1\n",
        to: root + "/opt/dnanexus/environment")
      try write(
        #"{"DX_JOB_ID": "job-etc", "DX_USERNAME": "etc-user"}"#, to: root + "/etc/dnanexus/environment.json")
      try write(
        "DX_APISERVER_HOST='shell.example'\nDX_USERNAME=shell-user\n",
        to: root + "/home/.dnanexus_config/environment")
      try write(#"{"DX_USERNAME": "json-user"}"#, to: root + "/home/.dnanexus_config/environment.json")
      let config = try DXConfiguration.load(environment: [:], fileSystem: roots(root))
      #expect(config.apiServerHost == "shell.example")
      #expect(config.apiServerPort == "1")
      #expect(config.jobID == "job-etc")
      #expect(config.username == "json-user")
    }
  }

  @Test("standalone files override environment.json, unstripped; DX_USER_CONF_DIR is honoured")
  func standaloneFiles() throws {
    try withTemporaryDirectory { root in
      let conf = root + "/custom-conf"
      try write(#"{"DX_CLI_WD": "/json", "DX_PROJECT_CONTEXT_NAME": "json"}"#, to: conf + "/environment.json")
      try write("/from/file\n", to: conf + "/DX_CLI_WD")
      try write("alice", to: conf + "/DX_USERNAME")
      try write("My Project", to: conf + "/DX_PROJECT_CONTEXT_NAME")
      // The default folder must be ignored when DX_USER_CONF_DIR is set.
      try write(#"{"DX_USERNAME": "ignored"}"#, to: root + "/home/.dnanexus_config/environment.json")
      let config = try DXConfiguration.load(environment: ["DX_USER_CONF_DIR": conf], fileSystem: roots(root))
      #expect(config.cliWorkingDirectory == "/from/file\n")
      #expect(config.username == "alice")
      #expect(config.projectContextName == "My Project")
      let tilde = try DXConfiguration.load(
        environment: ["DX_USER_CONF_DIR": "~/elsewhere"], fileSystem: roots(root))
      #expect(tilde.username == nil)
      #expect(
        DXConfiguration.userConfigDirectory(environment: ["DX_USER_CONF_DIR": "~/x"], homeDirectory: "/h")
          == "/h/x")
    }
  }

  @Test("what dx login writes: security context, project, API server")
  func dxLoginFiles() throws {
    try withTemporaryDirectory { root in
      let json = """
        {
            "DX_APISERVER_HOST": "127.0.0.1",
            "DX_APISERVER_PORT": "5000",
            "DX_APISERVER_PROTOCOL": "http",
            "DX_SECURITY_CONTEXT": "{\\"auth_token_type\\": \\"Bearer\\", \\"auth_token\\": \\"secret\\"}",
            "DX_PROJECT_CONTEXT_ID": "project-aB3456789012345678901234",
            "EXTRA_KEY": "kept out of the way",
            "DX_WORKSPACE_ID": null
        }

        """
      try write(json, to: root + "/home/.dnanexus_config/environment.json")
      let config = try DXConfiguration.load(environment: [:], fileSystem: roots(root))
      #expect(config.apiServer == "http://127.0.0.1:5000")
      #expect(config.securityContext == DXSecurityContext(tokenType: "Bearer", token: "secret"))
      #expect(config.projectContextID == "project-aB3456789012345678901234")
      #expect(config.workspaceID == "project-aB3456789012345678901234")
    }
  }

  @Test("shell syntax: export, quotes, escapes, comments, unset, continuation")
  func shellSyntax() throws {
    try withTemporaryDirectory { root in
      let text = #"""
        # a comment
        export DX_APISERVER_HOST="host.example"   # trailing comment

        DX_SECURITY_CONTEXT='{"auth_token_type": "Bearer", "auth_token": "t0k"}'
        export DX_PROJECT_CONTEXT_ID=project-1; export DX_USERNAME="a \"quoted\" \$name"
        DX_CLI_WD=/a\ b
        DX_PROJECT_CONTEXT_NAME="multi\
        line"
        export DX_JOB_ID=job-x
        unset DX_JOB_ID
        """#
      try write(text, to: root + "/home/.dnanexus_config/environment")
      let config = try DXConfiguration.load(environment: [:], fileSystem: roots(root))
      #expect(config.apiServerHost == "host.example")
      #expect(config.securityContext?.token == "t0k")
      #expect(config.projectContextID == "project-1")
      #expect(config.username == #"a "quoted" $name"#)
      #expect(config.cliWorkingDirectory == "/a b")
      #expect(config.projectContextName == "multiline")
      #expect(config.jobID == nil)
    }
  }

  struct MalformedCase: Sendable, CustomStringConvertible {
    var name: String
    var file: String
    var contents: String
    var key: String?
    var description: String { name }
  }

  static let malformed: [MalformedCase] = [
    .init(name: "JSON syntax", file: "environment.json", contents: "{not json", key: nil),
    .init(name: "JSON array", file: "environment.json", contents: "[1]", key: nil),
    .init(
      name: "JSON number value", file: "environment.json", contents: #"{"DX_APISERVER_PORT": 443}"#,
      key: "DX_APISERVER_PORT"),
    .init(
      name: "shell unterminated quote", file: "environment", contents: "export DX_USERNAME=\"abc\n",
      key: "DX_USERNAME"),
    .init(name: "shell no equals", file: "environment", contents: "export DX_USERNAME\n", key: "DX_USERNAME"),
    .init(name: "shell garbage", file: "environment", contents: "this is not shell\n", key: "this"),
    .init(
      name: "shell trailing text", file: "environment", contents: "DX_USERNAME=a b\n", key: "DX_USERNAME"),
  ]

  @Test("malformed files are typed errors naming the file and the key", arguments: malformed)
  func malformedFile(_ testCase: MalformedCase) throws {
    try withTemporaryDirectory { root in
      let path = root + "/home/.dnanexus_config/" + testCase.file
      try write(testCase.contents, to: path)
      #expect {
        try DXConfiguration.load(environment: [:], fileSystem: roots(root))
      } throws: { error in
        guard let error = error as? DXConfigurationError else { return false }
        return error.isMalformedFile && error.source == path && error.key == testCase.key
          && error.description.hasPrefix(path)
      }
    }
  }

  struct ValueCase: Sendable, CustomStringConvertible {
    var key: String
    var value: String
    var description: String { "\(key)=\(value)" }
  }

  static let badValues: [ValueCase] = [
    .init(key: "DX_APISERVER_PORT", value: "eighty"),
    .init(key: "DX_APISERVER_PORT", value: "70000"),
    .init(key: "DX_APISERVER_PROTOCOL", value: "ftp"),
    .init(key: "DX_APISERVER_HOST", value: ""),
    .init(key: "DX_SECURITY_CONTEXT", value: "not json"),
    .init(key: "DX_SECURITY_CONTEXT", value: #"{"auth_token": "x"}"#),
    .init(key: "DX_SECURITY_CONTEXT", value: "[]"),
    .init(key: "HTTPS_PROXY", value: "http://:3128"),
    .init(key: "HTTPS_PROXY", value: "http://proxy:port"),
    .init(key: "https_proxy", value: "socks5://proxy:1080"),
    .init(key: "DX_CA_CERT", value: ""),
  ]

  @Test("bad values are typed errors naming the source and the key", arguments: badValues)
  func badValue(_ testCase: ValueCase) throws {
    try withTemporaryDirectory { root in
      #expect {
        try DXConfiguration.load(environment: [testCase.key: testCase.value], fileSystem: roots(root))
      } throws: { error in
        guard let error = error as? DXConfigurationError else { return false }
        return error.isInvalidValue && error.key == testCase.key && error.source == "environment"
      }
    }
  }

  @Test("a bad value in a file names that file")
  func badValueInFile() throws {
    try withTemporaryDirectory { root in
      let path = root + "/home/.dnanexus_config/environment.json"
      try write(#"{"DX_SECURITY_CONTEXT": "{oops"}"#, to: path)
      #expect {
        try DXConfiguration.load(environment: [:], fileSystem: roots(root))
      } throws: { error in
        (error as? DXConfigurationError).map { $0.source == path && $0.key == "DX_SECURITY_CONTEXT" } ?? false
      }
    }
  }

  @Test("workspace: DX_WORKSPACE_ID only inside a job, else the project context")
  func workspaceDefault() throws {
    try withTemporaryDirectory { root in
      let outside = try DXConfiguration.load(
        environment: ["DX_WORKSPACE_ID": "container-w", "DX_PROJECT_CONTEXT_ID": "project-p"],
        fileSystem: roots(root))
      #expect(outside.jobID == nil)
      #expect(outside.workspaceID == "project-p")
      let inside = try DXConfiguration.load(
        environment: [
          "DX_JOB_ID": "job-j", "DX_WORKSPACE_ID": "container-w", "DX_PROJECT_CONTEXT_ID": "project-p",
        ],
        fileSystem: roots(root))
      #expect(inside.jobID == "job-j")
      #expect(inside.workspaceID == "container-w")
      #expect(inside.projectContextID == "project-p")
      let jobWithoutWorkspace = try DXConfiguration.load(
        environment: ["DX_JOB_ID": "job-j"], fileSystem: roots(root))
      #expect(jobWithoutWorkspace.workspaceID == nil)
    }
  }

  @Test("proxy: the last present variable wins; credentials are split off")
  func proxies() throws {
    try withTemporaryDirectory { root in
      let config = try DXConfiguration.load(
        environment: [
          "http_proxy": "http://first:1", "HTTP_PROXY": "http://second:2",
          "https_proxy": "http://us%40er:p%3Ass@third.example:3128/",
        ], fileSystem: roots(root))
      #expect(config.proxy?.variable == "https_proxy")
      #expect(config.proxy?.host == "third.example")
      #expect(config.proxy?.port == 3128)
      #expect(config.proxy?.username == "us@er")
      #expect(config.proxy?.password == "p:ss")
      #expect(config.proxy?.url == "http://third.example:3128")
      // An empty last variable means no proxy, as in dxpy (`if proxy:`).
      let empty = try DXConfiguration.load(
        environment: ["http_proxy": "http://first:1", "HTTPS_PROXY": ""], fileSystem: roots(root))
      #expect(empty.proxy == nil)
      let bare = try DXProxy(parsing: "proxy.local", variable: "HTTP_PROXY")
      #expect(bare.url == "http://proxy.local:80")
    }
  }

  @Test("DX_CA_CERT: a bundle path or NOVERIFY")
  func caCert() throws {
    try withTemporaryDirectory { root in
      let noVerify = try DXConfiguration.load(
        environment: ["DX_CA_CERT": "NOVERIFY"], fileSystem: roots(root))
      #expect(noVerify.caCertificate == .noVerify)
      let bundle = try DXConfiguration.load(
        environment: ["DX_CA_CERT": "/etc/ca.pem"], fileSystem: roots(root))
      #expect(bundle.caCertificate == .bundle(path: "/etc/ca.pem"))
    }
  }

  @Test("an empty DX_APISERVER_PORT gives a URL without a port")
  func emptyPort() throws {
    try withTemporaryDirectory { root in
      let config = try DXConfiguration.load(
        environment: ["DX_APISERVER_PORT": "", "DX_APISERVER_HOST": "h.example"], fileSystem: roots(root))
      #expect(config.apiServer == "https://h.example")
    }
  }
}
