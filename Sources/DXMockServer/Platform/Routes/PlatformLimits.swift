import DXWire

/// The bounds the mock puts on one request's work, each refused with 422 InvalidInput naming the
/// field and the bound (docs/hardening.md lists them beside the platform's own where it documents
/// them).
///
/// Without them one request could hold the state lock for seconds or take hundreds of MiB: 100,000
/// tags on one object, a folder path of 16,000 segments, a search over every name with a
/// catastrophic regular expression (``NameMatcher``).
enum PlatformLimits {
  /// Tags on one object (per project) or project, and in one call.
  static let maxTags = 1000
  /// Types on one object, and in one call.
  static let maxTypes = 1000
  /// The longest tag or type, in UTF-8 bytes.
  static let maxTagLength = 1024
  /// Properties on one object (per project) or project, and in one call.
  static let maxProperties = 1000
  /// The longest property key, in UTF-8 bytes.
  static let maxPropertyKeyLength = 1024
  /// The longest property value, in UTF-8 bytes.
  static let maxPropertyValueLength = 16 * 1024
  /// The largest `details`, serialized, in bytes.
  static let maxDetailsBytes = 2 << 20
  /// The longest object, project or folder name, in UTF-8 bytes.
  static let maxNameLength = 2048
  /// The longest folder path, in UTF-8 bytes.
  static let maxFolderPathLength = 4096
  /// The deepest folder path, in segments.
  static let maxFolderDepth = 256
  /// The most elements of an array input (object IDs, folders, describe requests).
  static let maxListLength = 10_000
  /// The largest JSON body of an API call (file parts go to upload URLs, bounded by the server's
  /// `maxBodyBytes`).
  static let maxAPIBodyBytes = 16 << 20
  /// The longest download URL lifetime, in seconds (ten years).
  static let maxDownloadDuration = 315_360_000
  /// The largest count a request may give where the platform names no bound (log lines to replay, …):
  /// 2³¹ − 1, a Java `int` as on the platform.
  static let maxCount = 2_147_483_647
  /// The longest scripted job duration, in ms (ten years).
  static let maxDurationMs = 315_360_000_000
  /// The job priorities (`rank`) the platform accepts.
  static let rankRange = -1024...1023
  /// The latest timestamp accepted, in ms since 1970 (the end of the year 9999).
  static let maxTimestamp = 253_402_300_799_999

  /// Checks a name's length.
  /// - Throws: InvalidInput naming `field` and the bound.
  static func checkName(_ name: String, field: String) throws(DXPlatformError) {
    guard name.utf8.count <= maxNameLength else {
      throw .invalidInput(
        "\"\(field)\" must be at most \(maxNameLength) bytes long, not \(name.utf8.count)")
    }
  }

  /// Checks a list of tags or types given in one call.
  /// - Throws: InvalidInput naming `field` and the bound.
  static func checkTags(_ tags: [String], field: String) throws(DXPlatformError) {
    let maximum = field == "types" ? maxTypes : maxTags
    guard tags.count <= maximum else {
      throw .invalidInput("\"\(field)\" must have at most \(maximum) elements, not \(tags.count)")
    }
    for tag in tags where tag.utf8.count > maxTagLength {
      throw .invalidInput(
        "Every element of \"\(field)\" must be at most \(maxTagLength) bytes long, not \(tag.utf8.count)")
    }
  }

  /// Checks how many tags, types or properties an entity would have after a change.
  /// - Throws: InvalidInput naming `field` and the bound.
  static func checkTotal(_ count: Int, of field: String, maximum: Int) throws(DXPlatformError) {
    guard count <= maximum else {
      throw .invalidInput(
        "An object or project can have at most \(maximum) \(field); this would make \(count)")
    }
  }

  /// Checks the size of `details`.
  /// - Throws: InvalidInput naming `field` and the bound.
  static func checkDetails(_ details: DXJSON, field: String = "details") throws(DXPlatformError) {
    let size = details.serialized().count
    guard size <= maxDetailsBytes else {
      throw .invalidInput("\"\(field)\" must be at most \(maxDetailsBytes) bytes serialized, not \(size)")
    }
  }
}
