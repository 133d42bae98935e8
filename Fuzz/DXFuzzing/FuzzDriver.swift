import DXWire
import Foundation

/// What every fuzz target shares: the libFuzzer entry (``runOne(_:_:_:)``), the plain replay of a
/// corpus (``replay(_:)``), and a small deterministic mutator for the bounded slice that runs in
/// `make test` (``mutations(of:count:seed:)``).
public enum FuzzDriver {
  /// The directory of the committed corpora (`Fuzz/Corpus`).
  public static var corpusRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Corpus").path
  }

  /// Runs one libFuzzer input through the target `name`; always returns 0 (a bug traps).
  public static func runOne(_ name: String, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = FuzzTarget.named(name) else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.run(bytes)
    return 0
  }

  /// The inputs in `paths` (files, or directories read recursively), sorted by path.
  public static func inputs(at paths: [String]) -> [(path: String, bytes: [UInt8])] {
    var files: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        let children = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        for child in children {
          let full = path + "/" + child
          var childIsDirectory: ObjCBool = false
          if FileManager.default.fileExists(atPath: full, isDirectory: &childIsDirectory),
            !childIsDirectory.boolValue
          {
            files.append(full)
          }
        }
      } else {
        files.append(path)
      }
    }
    return files.sorted().compactMap { path in
      FileManager.default.contents(atPath: path).map { (path, [UInt8]($0)) }
    }
  }

  /// The plain (non-libFuzzer) build's main: runs every input named on the command line (default the
  /// target's committed corpus) once, prints how many and returns that count.
  @discardableResult
  public static func replay(_ name: String) -> Int {
    guard let target = FuzzTarget.named(name) else {
      FileHandle.standardError.write(Data("no fuzz target \(name)\n".utf8))
      exit(2)
    }
    let arguments = Array(CommandLine.arguments.dropFirst())
    let inputs = inputs(at: arguments.isEmpty ? [corpusRoot + "/" + name] : arguments)
    for input in inputs { target.run(input.bytes) }
    print("fuzz-\(name): \(inputs.count) inputs ran clean")
    return inputs.count
  }

  /// Tokens the mutator inserts: the characters and numbers parsers trip on.
  static let tokens: [[UInt8]] = [
    "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "-", "0", "1e999", "-0",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "4611686018427387904",
    "null", "true", "\r\n", "\n", "\r", " ", "\t", "=", "&", "?", "%", "%00", "*", "/", "//", "..", "(a*)*b",
    "$dnanexus_link", "Content-Length", "Transfer-Encoding: chunked", "\u{0}", "\u{FFFF}",
  ].map { Array($0.utf8) }

  /// `count` inputs made from `seeds` by byte flips, insertions, deletions, duplications, splices and
  /// token insertions; the same seed always gives the same inputs.
  public static func mutations(of seeds: [[UInt8]], count: Int, seed: UInt64) -> [[UInt8]] {
    var random = SplitMix64(seed: seed)
    let pool = seeds.isEmpty ? [[]] : seeds
    var result: [[UInt8]] = []
    result.reserveCapacity(count)
    for _ in 0..<count {
      var bytes = pool[Int(random.next() % UInt64(pool.count))]
      for _ in 0..<(1 + Int(random.next() % 4)) {
        let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
        switch random.next() % 6 {
        case 0 where !bytes.isEmpty:
          let index = min(position, bytes.count - 1)
          bytes[index] ^= UInt8(1 << (random.next() % 8))
        case 1:
          bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        case 2 where !bytes.isEmpty:
          let end = min(bytes.count, position + 1 + Int(random.next() % 8))
          bytes.removeSubrange(min(position, bytes.count)..<end)
        case 3 where !bytes.isEmpty:
          let start = min(position, bytes.count - 1)
          let end = min(bytes.count, start + 1 + Int(random.next() % 64))
          let chunk = Array(bytes[start..<end])
          for _ in 0..<(1 + Int(random.next() % 16)) { bytes.insert(contentsOf: chunk, at: start) }
        case 4:
          let other = pool[Int(random.next() % UInt64(pool.count))]
          let cut = other.isEmpty ? 0 : Int(random.next() % UInt64(other.count))
          bytes = Array(bytes[..<min(position, bytes.count)]) + other[cut...]
        default:
          bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position)
        }
      }
      result.append(bytes)
    }
    return result
  }
}
