import DXKitTesting
import Testing

@Suite("DXTestRandomSource")
struct TestRandomSourceTests {
  @Test("the same seed gives the same numbers and bytes; another seed gives others")
  func seededIsRepeatable() {
    let a = DXTestRandomSource(seed: 42)
    let b = DXTestRandomSource(seed: 42)
    let c = DXTestRandomSource(seed: 43)
    let first = (0..<50).map { _ in a.integer(in: 0...1_000_000) }
    #expect(first == (0..<50).map { _ in b.integer(in: 0...1_000_000) })
    #expect(first != (0..<50).map { _ in c.integer(in: 0...1_000_000) })
    #expect(a.bytes(count: 32) == b.bytes(count: 32))
    #expect(Set(first).count > 40)
    #expect(first.allSatisfy { (0...1_000_000).contains($0) })
  }

  @Test("seeded draws stay in range, even one-value and negative ranges")
  func seededStaysInRange() {
    let random = DXTestRandomSource(seed: 7)
    for _ in 0..<200 { #expect((-3...3).contains(random.integer(in: -3...3))) }
    #expect(random.integer(in: 5...5) == 5)
  }

  @Test("lowest, highest and picks are scripted; picks repeat and are clamped")
  func scriptedModes() {
    #expect(DXTestRandomSource(.lowest).integer(in: 2...4) == 2)
    #expect(DXTestRandomSource(.highest).integer(in: 2...4) == 4)
    let picks = DXTestRandomSource(.picks([3, 100, -5]))
    #expect((0..<4).map { _ in picks.integer(in: 1...10) } == [3, 10, 1, 3])
    #expect(DXTestRandomSource(.picks([])).integer(in: 6...9) == 6)
    #expect(picks.requestedRanges == Array(repeating: 1...10, count: 4))
    #expect(picks.mode == .picks([3, 100, -5]))
  }

  @Test("bytes are deterministic in every mode and have the asked length")
  func bytes() {
    #expect(DXTestRandomSource(.lowest).bytes(count: 16) == DXTestRandomSource(.highest).bytes(count: 16))
    #expect(DXTestRandomSource(seed: 0).bytes(count: 16) == DXTestRandomSource(.lowest).bytes(count: 16))
    let random = DXTestRandomSource(seed: 9)
    #expect(random.bytes(count: 0).isEmpty)
    #expect(random.bytes(count: 33).count == 33)
    #expect(random.bytes(count: 8) != random.bytes(count: 8))
  }
}
