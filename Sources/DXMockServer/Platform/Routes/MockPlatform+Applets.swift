import DXWire
import Foundation

// MARK: - /applet/new and /applet-xxxx/get (the run routes are in MockPlatform+Jobs)

extension MockPlatform {
  func registerAppletRoutes(into router: inout PlatformRouter) {
    router.register("/applet/new") { call throws(DXPlatformError) in
      let input = try Self.input(call)
      let common = try NewObjectInput(input)
      guard common.initializeFrom == nil else {
        throw .invalidInput("applet/new does not accept \"initializeFrom\"")
      }
      var spec = try Self.executableSpec(input)
      return try self.withNonce(call, route: "/applet/new") {
        (state: inout PlatformState) throws(DXPlatformError) in
        // The platform records the bundled dependencies and system requirements per region, keyed by
        // the project's region (`dx get` reads them), and shows its run defaults.
        if var runSpec = spec.runSpec.objectValue {
          let region = state.projects[common.project]?.region ?? PlatformRegions.defaultRegion
          if runSpec["bundledDependsByRegion"] == nil {
            runSpec["bundledDependsByRegion"] = [region: runSpec["bundledDepends"] ?? []]
          }
          if runSpec["systemRequirementsByRegion"] == nil {
            runSpec["systemRequirementsByRegion"] = [region: runSpec["systemRequirements"] ?? [:]]
          }
          if runSpec["headJobOnDemand"] == nil { runSpec["headJobOnDemand"] = false }
          if runSpec["inheritParentRestartOnPolicy"] == nil {
            runSpec["inheritParentRestartOnPolicy"] = false
          }
          spec.runSpec = .object(runSpec)
        }
        let id = try self.createObject(common, klass: "applet", caller: call.caller, state: &state) {
          object, _ throws(DXPlatformError) in
          object.applet = spec
          object.state = "closed"
        }
        return ["id": .string(id)]
      }
    }
    router.register("/applet-xxxx/get") { call throws(DXPlatformError) in
      let hint = try Self.input(call).string("project")
      return try self.store.read { (state: PlatformState) throws(DXPlatformError) in
        let object = try state.object(call.target, klass: "applet")
        let project = try state.copyProject(of: object, for: call.caller, hint: hint, atLeast: .view)
        guard
          var members = state.describe(object, in: project, options: try PlatformState.DescribeOptions(nil))
            .objectValue
        else {
          return .null
        }
        members["runSpec"] = object.applet?.runSpec ?? .null
        return .object(members)
      }
    }
  }

  /// The interpreters `runSpec.interpreter` accepts.
  static let interpreters: Set<String> = ["bash", "python2.7", "python3"]

  /// The executable fields of an `applet/new` input: `runSpec` and `dxapi` (required), `inputSpec`,
  /// `outputSpec`, `access`, `title`, `summary`, `description`, `developerNotes`, `ignoreReuse` and
  /// `treeTurnaroundTimeThreshold`.
  /// - Throws: InvalidInput naming the first field that is missing or malformed.
  static func executableSpec(_ input: PlatformInput) throws(DXPlatformError) -> AppletData {
    guard let runSpec = try input.object("runSpec") else {
      throw .invalidInput("Expected input to have the field \"runSpec\"")
    }
    let run = try PlatformInput(.object(runSpec))
    guard let interpreter = try run.string("interpreter") else {
      throw .invalidInput("Expected \"runSpec\" to have the field \"interpreter\"")
    }
    guard interpreters.contains(interpreter) else {
      throw .invalidInput(
        "\"runSpec.interpreter\" must be one of \(interpreters.sorted().joined(separator: ", ")), not \"\(interpreter)\""
      )
    }
    guard try run.string("code") != nil else {
      throw .invalidInput("Expected \"runSpec\" to have the field \"code\" (a string)")
    }
    var spec = AppletData(dxapi: try input.requiredString("dxapi"), runSpec: .object(runSpec))
    spec.inputSpec = try ioSpec(input, "inputSpec")
    spec.outputSpec = try ioSpec(input, "outputSpec")
    if let access = try input.object("access") { spec.access = .object(access) }
    spec.title = try input.string("title")
    spec.summary = try input.string("summary") ?? ""
    spec.description = try input.string("description") ?? ""
    spec.developerNotes = try input.string("developerNotes") ?? ""
    spec.ignoreReuse = try input.bool("ignoreReuse") ?? false
    spec.treeTurnaroundTimeThreshold = try input.int("treeTurnaroundTimeThreshold")
    return spec
  }

  /// An input or output specification: an array of objects with a non-empty `name` and a `class`.
  static func ioSpec(_ input: PlatformInput, _ key: String) throws(DXPlatformError) -> DXJSON? {
    guard let value = try optionalArray(input, key) else { return nil }
    var names: Set<String> = []
    for (position, element) in (value.arrayValue ?? []).enumerated() {
      guard let parameter = element.objectValue else {
        throw .invalidInput("Expected \"\(key)[\(position)]\" to be an object, but got \(element.typeName)")
      }
      guard let name = parameter["name"]?.stringValue, !name.isEmpty else {
        throw .invalidInput("Expected \"\(key)[\(position)]\" to have a non-empty string \"name\"")
      }
      // The platform takes identifiers only: a letter or "_", then letters, digits and "_".
      guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
        throw .invalidInput(
          "The name \"\(name)\" in \"\(key)[\(position)]\" is not a valid identifier (letters, digits and _, "
            + "not starting with a digit)")
      }
      guard parameter["class"]?.stringValue != nil else {
        throw .invalidInput("Expected \"\(key)[\(position)]\" (\(name)) to have a string \"class\"")
      }
      guard names.insert(name).inserted else {
        throw .invalidInput("\"\(key)\" has more than one parameter named \"\(name)\"")
      }
    }
    return value
  }
}
