/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose whole sequence is fixed by
/// its 64-bit seed, so seeded fault schedules repeat exactly run after run and on every platform.
package struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  private var state: UInt64

  /// Creates a generator; the same seed always gives the same sequence.
  package init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform draw from [0, 1) with 53 bits of precision.
  package mutating func nextUnitInterval() -> Double {
    Double(next() >> 11) * 0x1p-53
  }
}
