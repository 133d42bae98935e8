import DXWire

/// Checks a run's input against an executable's `inputSpec` as the platform does, and fills in
/// defaults.
///
/// A missing required field, a value of the wrong class and a field the specification does not name
/// are InvalidInput. Data-object links must name an object of the field's class; job- and
/// analysis-based references are accepted for any class (they resolve later). Without a specification
/// any input object is accepted as it is.
enum ExecutionInputCheck {
  /// The input with defaults filled in (`originalInput`).
  /// - Parameters:
  ///   - input: The run's `input`.
  ///   - spec: The executable's `inputSpec`, or `nil` when it has none.
  /// - Throws: InvalidInput naming the field.
  static func check(_ input: [String: DXJSON], against spec: DXJSON?) throws(DXPlatformError) -> [String:
    DXJSON]
  {
    guard let parameters = spec?.arrayValue else { return input }
    var result = input
    var known: Set<String> = []
    for parameter in parameters {
      guard let name = parameter["name"]?.stringValue, let klass = parameter["class"]?.stringValue else {
        continue
      }
      known.insert(name)
      guard let value = input[name], !value.isNull else {
        if let defaultValue = parameter["default"] {
          result[name] = defaultValue
        } else if parameter["optional"]?.boolValue != true {
          throw .invalidInput(
            "Expected input to have the field \"\(name)\" (class \(klass)), which is required")
        } else {
          result[name] = nil
        }
        continue
      }
      guard matches(value, klass: klass) else {
        throw .invalidInput(
          "Expected input field \"\(name)\" to be of class \(klass), but got \(describe(value))")
      }
      if let choices = parameter["choices"]?.arrayValue, !isReference(value),
        !choices.contains(value) && !(value.arrayValue?.allSatisfy { choices.contains($0) } ?? false)
      {
        throw .invalidInput("The value of input field \"\(name)\" is not one of its choices")
      }
    }
    for name in input.keys.sorted() where !known.contains(name) {
      throw .invalidInput("The input field \"\(name)\" is not in the executable's inputSpec")
    }
    return result
  }

  /// Whether `value` can be given for an input or output of `klass`.
  static func matches(_ value: DXJSON, klass: String) -> Bool {
    if isReference(value) { return true }
    if klass.hasPrefix("array:") {
      guard let elements = value.arrayValue else { return false }
      let element = String(klass.dropFirst("array:".count))
      return elements.allSatisfy { matches($0, klass: element) }
    }
    switch klass {
    case "int": return value.intValue != nil && !isBool(value)
    case "float": return value.doubleValue != nil && !isBool(value)
    case "string": return value.stringValue != nil
    case "boolean": return isBool(value)
    case "hash": return value.objectValue != nil
    case "file", "record", "applet", "workflow", "database", "gtable":
      guard let id = linkedID(value) else { return false }
      return IDGenerator.klass(of: id) == klass
    default:
      return true
    }
  }

  /// Whether `value` is a job- or analysis-based reference (`{"$dnanexus_link": {"job": …}}`).
  static func isReference(_ value: DXJSON) -> Bool {
    guard let link = value.objectValue?["$dnanexus_link"]?.objectValue, value.objectValue?.count == 1 else {
      return false
    }
    return link["job"] != nil || link["analysis"] != nil
  }

  /// The object ID a data-object link names, or `nil`.
  static func linkedID(_ value: DXJSON) -> String? {
    guard let members = value.objectValue, members.count == 1, let link = members["$dnanexus_link"] else {
      return nil
    }
    return link.stringValue ?? link["id"]?.stringValue
  }

  private static func isBool(_ value: DXJSON) -> Bool {
    if case .bool = value { return true }
    return false
  }

  private static func describe(_ value: DXJSON) -> String {
    let text = value.serializedString(sortedKeys: true)
    return text.count > 80 ? String(text.prefix(77)) + "..." : text
  }
}
