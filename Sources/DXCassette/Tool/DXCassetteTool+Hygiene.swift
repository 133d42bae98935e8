import DXCore
import Foundation

extension DXCassetteTool {
  /// How `split` groups interactions.
  public enum SplitKey: String, Sendable, Hashable, CaseIterable {
    /// By method and route, object IDs generalized (`POST /file-xxxx/describe`).
    case route
    /// By tag; an interaction with several tags goes to each tag's cassette, one without any to
    /// `untagged`.
    case tag
  }

  /// `dxcassette merge OUT IN…`: one cassette holding every interaction of the inputs, in input order
  /// (within an input, in recording order). Interactions get new ids; identical requests keep their
  /// recorded order, so a request recorded in two inputs replays the first input's answer first. The
  /// result takes the first input's maximum age that is set.
  /// - Parameters:
  ///   - inputs: The cassettes to merge (read only).
  ///   - output: The cassette to create.
  ///   - replace: Whether `output` may be replaced (atomically); default `false`.
  /// - Returns: A summary line.
  /// - Throws: ``DXCassetteToolError`` — a missing or unreadable input, an existing output.
  public static func merge(_ inputs: [String], into output: String, replace: Bool = false)
    throws(DXCassetteToolError) -> String
  {
    guard !inputs.isEmpty else { throw .invalidArgument("give at least one cassette to merge") }
    if FileManager.default.fileExists(atPath: output) && !replace {
      guard inputs.contains(output) else { throw .fileExists(output) }
    }
    var merged: [DXCassetteInteraction] = []
    var maximumAge: Duration?
    for input in inputs {
      let (interactions, age) = try withCassette(input) { (cassette) throws(DXCassetteError) in
        (try cassette.interactions(), try cassette.expiresAfter())
      }
      merged += interactions.map { interaction in
        var copy = interaction
        copy.id = nil
        return copy
      }
      maximumAge = maximumAge ?? age
    }
    try rewrite(
      output, secrets: DXSecretScanner(), with: merged, keepSequences: false, expiresAfter: maximumAge)
    return "merged \(merged.count) interactions from \(inputs.count) cassettes into \(output)"
  }

  /// `dxcassette split FILE --by route|tag --output-dir DIR`: one new cassette per route or tag, named
  /// after it (`POST_file-xxxx_describe.dxcassette`, `test-upload.dxcassette`), each interaction keeping
  /// its recording time, timings and tags; the original is left as it is.
  /// - Parameters:
  ///   - path: The cassette to split (read only).
  ///   - key: How to group.
  ///   - directory: Where to write the cassettes (created if needed).
  ///   - replace: Whether existing cassettes there may be replaced; default `false` (then nothing is
  ///     written if any exists).
  /// - Returns: One line per cassette written.
  /// - Throws: ``DXCassetteToolError``.
  public static func split(_ path: String, by key: SplitKey, into directory: String, replace: Bool = false)
    throws(DXCassetteToolError) -> String
  {
    let (interactions, maximumAge) = try withCassette(path) { (cassette) throws(DXCassetteError) in
      (try cassette.interactions(), try cassette.expiresAfter())
    }
    var groups: [String: [DXCassetteInteraction]] = [:]
    var order: [String] = []
    for interaction in interactions {
      var copy = interaction
      copy.id = nil
      let names: [String]
      switch key {
      case .route:
        names = ["\(interaction.request.method) \(DXCassetteToolFormat.routeName(interaction.path))"]
      case .tag:
        names = interaction.tags.isEmpty ? ["untagged"] : interaction.tags
      }
      for name in names {
        if groups[name] == nil { order.append(name) }
        groups[name, default: []].append(copy)
      }
    }
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .io(directory, "cannot create the directory: \(error.localizedDescription)")
    }
    var files: [(name: String, file: String)] = []
    var taken: Set<String> = []
    for name in order {
      var base = fileName(for: name)
      var suffix = 2
      while taken.contains(base) {
        base = fileName(for: name) + "-\(suffix)"
        suffix += 1
      }
      taken.insert(base)
      files.append((name, directory + "/" + base + ".dxcassette"))
    }
    if !replace, let existing = files.first(where: { FileManager.default.fileExists(atPath: $0.file) }) {
      throw .fileExists(existing.file)
    }
    var lines = [
      "\(path): \(interactions.count) interactions split by \(key.rawValue) into \(files.count) cassettes"
    ]
    for (name, file) in files {
      let group = groups[name] ?? []
      try rewrite(
        file, secrets: DXSecretScanner(), with: group, keepSequences: false, expiresAfter: maximumAge)
      lines.append("  \(file): \(group.count) interactions (\(name))")
    }
    return lines.joined(separator: "\n")
  }

  /// A file name for a route or tag: letters, digits, `-`, `_` and `.` kept, anything else `_`.
  static func fileName(for name: String) -> String {
    var result = ""
    for character in name.unicodeScalars {
      let keep =
        character.isASCII && (character.properties.isAlphabetic || ("0"..."9").contains(character))
        || character == "-" || character == "."
      result.unicodeScalars.append(keep ? character : "_")
    }
    while result.contains("__") { result = result.replacingOccurrences(of: "__", with: "_") }
    let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: "_."))
    return trimmed.isEmpty ? "cassette" : trimmed
  }
}
