import DXWire

/// A call's JSON input with typed accessors that answer 422 InvalidInput naming the field.
struct PlatformInput: Sendable {
  /// The members of the input object.
  let fields: [String: DXJSON]

  /// Reads `json`, which must be an object.
  /// - Throws: InvalidInput when it is not an object.
  init(_ json: DXJSON) throws(DXPlatformError) {
    guard let fields = json.objectValue else {
      throw .invalidInput("The input must be a JSON object, not \(json.typeName)")
    }
    self.fields = fields
  }

  /// Whether `key` is present and not null.
  func has(_ key: String) -> Bool {
    guard let value = fields[key] else { return false }
    return !value.isNull
  }

  private static func wrongType(_ key: String, _ expected: String, _ value: DXJSON) -> DXPlatformError {
    .invalidInput("Expected input field \"\(key)\" to be \(expected), but got \(value.typeName)")
  }

  /// The string at `key`, or `nil` when absent.
  func string(_ key: String) throws(DXPlatformError) -> String? {
    guard let value = fields[key], !value.isNull else { return nil }
    guard let text = value.stringValue else { throw Self.wrongType(key, "a string", value) }
    return text
  }

  /// The string at `key`, which must be present.
  func requiredString(_ key: String) throws(DXPlatformError) -> String {
    guard let text = try string(key) else {
      throw .invalidInput("Expected input to have the field \"\(key)\"")
    }
    return text
  }

  /// The Boolean at `key`, or `nil` when absent.
  func bool(_ key: String) throws(DXPlatformError) -> Bool? {
    guard let value = fields[key], !value.isNull else { return nil }
    guard let flag = value.boolValue else { throw Self.wrongType(key, "a boolean", value) }
    return flag
  }

  /// The integer at `key`, or `nil` when absent.
  func int(_ key: String) throws(DXPlatformError) -> Int? {
    guard let value = fields[key], !value.isNull else { return nil }
    guard let number = value.intValue else { throw Self.wrongType(key, "an integer", value) }
    return number
  }

  /// The integer at `key`, which must lie in `range`; `nil` when absent.
  /// - Throws: InvalidInput naming the field and the bounds (checked before any arithmetic).
  func int(_ key: String, in range: ClosedRange<Int>) throws(DXPlatformError) -> Int? {
    guard let value = fields[key], !value.isNull else { return nil }
    guard let number = value.intValue, range.contains(number) else {
      let shown = value.intValue.map(String.init) ?? (value.doubleValue.map { "\($0)" } ?? value.typeName)
      throw .invalidInput(
        "Expected input field \"\(key)\" to be an integer from \(range.lowerBound) to \(range.upperBound), "
          + "but got \(shown)")
    }
    return number
  }

  /// The page size `limit`: a positive integer, at most 1000 (the platform's cap); `nil` when absent.
  func pageLimit() throws(DXPlatformError) -> Int? {
    guard let limit = try int("limit") else { return nil }
    guard limit > 0 else { throw .invalidInput("\"limit\" must be a positive integer, not \(limit)") }
    return min(limit, 1000)
  }

  /// Whether `describe` asks for descriptions: present and neither `null` nor `false`.
  var wantsDescribe: Bool {
    guard let value = fields["describe"] else { return false }
    return !(value.isNull || value.boolValue == false)
  }

  /// The object at `key`, or `nil` when absent.
  func object(_ key: String) throws(DXPlatformError) -> [String: DXJSON]? {
    guard let value = fields[key], !value.isNull else { return nil }
    guard let members = value.objectValue else { throw Self.wrongType(key, "an object", value) }
    return members
  }

  /// The array of strings at `key`, or `nil` when absent.
  func strings(_ key: String) throws(DXPlatformError) -> [String]? {
    guard let value = fields[key], !value.isNull else { return nil }
    guard let elements = value.arrayValue else { throw Self.wrongType(key, "an array of strings", value) }
    guard elements.count <= PlatformLimits.maxListLength else {
      throw .invalidInput(
        "\"\(key)\" must have at most \(PlatformLimits.maxListLength) elements, not \(elements.count)")
    }
    var result: [String] = []
    for element in elements {
      guard let text = element.stringValue else {
        throw .invalidInput(
          "Expected every element of \"\(key)\" to be a string, but got \(element.typeName)")
      }
      result.append(text)
    }
    return result
  }

  /// The string-to-string map at `key` (a properties object), or `nil` when absent.
  /// - Parameter allowNull: Whether values may be null (meaning "remove").
  func properties(_ key: String, allowNull: Bool = false) throws(DXPlatformError) -> [String: String?]? {
    guard let members = try object(key) else { return nil }
    guard members.count <= PlatformLimits.maxProperties else {
      throw .invalidInput(
        "\"\(key)\" must have at most \(PlatformLimits.maxProperties) properties, not \(members.count)")
    }
    var result: [String: String?] = [:]
    for (name, value) in members {
      if value.isNull, allowNull {
        result[name] = .some(nil)
        continue
      }
      guard let text = value.stringValue else {
        throw .invalidInput("Expected the value of property \"\(name)\" in \"\(key)\" to be a string")
      }
      guard !name.isEmpty else { throw .invalidInput("Property names in \"\(key)\" must not be empty") }
      guard name.utf8.count <= PlatformLimits.maxPropertyKeyLength,
        text.utf8.count <= PlatformLimits.maxPropertyValueLength
      else {
        throw .invalidInput(
          "Property names in \"\(key)\" must be at most \(PlatformLimits.maxPropertyKeyLength) bytes and values at "
            + "most \(PlatformLimits.maxPropertyValueLength)")
      }
      result[name] = .some(text)
    }
    return result
  }
}
