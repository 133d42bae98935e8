import DXFuzzing
import Foundation
import Testing

/// The bounded slice of fuzzing that runs in `make test`: every committed corpus input, then a fixed
/// number of deterministic mutations of them, through each target (`make fuzz` runs libFuzzer).
@Suite("Fuzz corpus and mutations")
struct FuzzCorpusTests {
  /// Mutations per target in the test suite.
  static let mutationsPerTarget = 1500

  @Test(arguments: FuzzTarget.all.map(\.name))
  func corpusAndMutationsRunClean(_ name: String) throws {
    let target = try #require(FuzzTarget.named(name))
    let corpus = FuzzDriver.inputs(at: [FuzzDriver.corpusRoot + "/" + name])
    #expect(corpus.count >= 3, "the committed corpus of \(name) has \(corpus.count) inputs")
    for input in corpus { target.run(input.bytes) }
    let seed = UInt64(truncatingIfNeeded: name.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) })
    for input in FuzzDriver.mutations(of: corpus.map(\.bytes), count: Self.mutationsPerTarget, seed: seed) {
      target.run(input)
    }
  }

  @Test func mutationsAreDeterministic() {
    let seeds: [[UInt8]] = [Array(#"{"a":[1,2]}"#.utf8), Array("x".utf8)]
    #expect(
      FuzzDriver.mutations(of: seeds, count: 50, seed: 3)
        == FuzzDriver.mutations(of: seeds, count: 50, seed: 3))
    #expect(
      FuzzDriver.mutations(of: seeds, count: 50, seed: 3)
        != FuzzDriver.mutations(of: seeds, count: 50, seed: 4))
  }
}
