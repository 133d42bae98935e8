import DXCassette
import DXCore
import DXMockServer
import DXWire

/// One fuzz target: a name (its executable is `fuzz-<name>`, its corpus `Fuzz/Corpus/<name>/`) and the
/// entry point that takes the bytes.
///
/// Adding a parser: write its entry point next to the parser (`package static func` in the module's
/// `…Fuzzing` enum), add a case to ``all``, copy one of `Fuzz/Targets/fuzz-*/main.swift` and add the
/// executable to `Package.swift`, and seed `Fuzz/Corpus/<name>/` with a few valid inputs.
public struct FuzzTarget: Sendable {
  /// The target's name.
  public let name: String
  /// Runs one input; traps (crashes) on a bug.
  public let run: @Sendable ([UInt8]) -> Void

  /// Every target.
  public static let all: [FuzzTarget] = [
    FuzzTarget(name: "json", run: json),
    FuzzTarget(name: "fault-spec", run: { DXMockServerFuzzing.faultSpec($0) }),
    FuzzTarget(name: "fault-rules", run: { DXMockServerFuzzing.faultRules($0) }),
    FuzzTarget(name: "config", run: { DXCoreFuzzing.configFile($0) }),
    FuzzTarget(name: "live-response", run: { DXCoreFuzzing.liveResponse($0) }),
    FuzzTarget(name: "request-head", run: { DXMockServerFuzzing.requestHead($0) }),
    FuzzTarget(name: "platform", run: { DXMockServerFuzzing.platformCall($0) }),
    FuzzTarget(name: "cassette-har", run: { DXCassetteFuzzing.harImport($0) }),
    FuzzTarget(name: "cassette-vcr", run: { DXCassetteFuzzing.vcrImport($0) }),
    FuzzTarget(name: "execution-rules", run: { DXMockServerFuzzing.executionRules($0) }),
    FuzzTarget(name: "replay-key", run: { DXCassetteFuzzing.replayKey($0) }),
    FuzzTarget(name: "request-encoder", run: { DXCoreFuzzing.requestEncoder($0) }),
  ]

  /// The target named `name`.
  public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

  /// The JSON parser and serializer: what parses serializes (keys sorted) to text that parses and
  /// serializes to the same text.
  static func json(_ bytes: [UInt8]) {
    if let problem = jsonProblem(bytes) { preconditionFailure(problem) }
  }

  /// What is wrong with the JSON round trip of `bytes`, or `nil`.
  public static func jsonProblem(_ bytes: [UInt8]) -> String? {
    guard let value = try? DXJSON(parsing: bytes) else { return nil }
    // Sorted keys: an object's members have no order of their own.
    let text = value.serialized(sortedKeys: true)
    guard let again = try? DXJSON(parsing: text) else {
      return "serialized JSON does not parse: \(String(decoding: text, as: UTF8.self))"
    }
    let second = again.serialized(sortedKeys: true)
    guard second == text else {
      return "JSON changed on a second round trip: \(String(decoding: text, as: UTF8.self)) then "
        + String(decoding: second, as: UTF8.self)
    }
    return nil
  }
}
