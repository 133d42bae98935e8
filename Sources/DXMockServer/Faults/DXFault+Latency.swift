import DXWire
import Foundation

extension DXFault {
  /// A seeded latency distribution, in milliseconds; every draw is clamped to
  /// 0…``DXFault/maximumDelayMs``.
  ///
  /// JSON: `{"type":"latency","distribution":"fixed","ms":20}`, `"uniform"` with `min`/`max`,
  /// `"normal"` with `mean`/`stddev`, `"pareto"` with `scale` (the minimum) and `shape` (> 0; smaller
  /// is a heavier tail). Spec: `latency=uniform min=10 max=50`.
  public enum Latency: Sendable, Hashable {
    /// Always `ms`.
    case fixed(ms: Int)
    /// Uniform over `min...max`.
    case uniform(min: Int, max: Int)
    /// Normal with `mean` and `stddev` (negative draws become 0).
    case normal(mean: Int, stddev: Int)
    /// Pareto with minimum `scale` and tail index `shape`.
    case pareto(scale: Int, shape: Double)

    /// The distribution's name as in the JSON form.
    public var name: String {
      switch self {
      case .fixed: return "fixed"
      case .uniform: return "uniform"
      case .normal: return "normal"
      case .pareto: return "pareto"
      }
    }

    /// One draw from `generator`, in milliseconds.
    func sample(_ generator: inout SplitMix64) -> Int {
      let value: Double
      switch self {
      case .fixed(let ms):
        value = Double(ms)
      case .uniform(let low, let high):
        value = Double(low) + generator.nextUnitInterval() * Double(high - low + 1)
      case .normal(let mean, let stddev):
        // Box–Muller; 1 - u keeps the logarithm's argument above zero.
        let u1 = 1 - generator.nextUnitInterval()
        let u2 = generator.nextUnitInterval()
        value = Double(mean) + Double(stddev) * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
      case .pareto(let scale, let shape):
        let u = 1 - generator.nextUnitInterval()
        value = Double(scale) / pow(u, 1 / shape)
      }
      guard value.isFinite else { return DXFault.maximumDelayMs }
      return Int(min(max(0, value.rounded(.down)), Double(DXFault.maximumDelayMs)))
    }

    /// Checks the parameters.
    func validate(field: String) throws(DXFaultRule.ParseError) {
      let limit = DXFault.maximumDelayMs
      func check(_ value: Int, _ name: String) throws(DXFaultRule.ParseError) {
        guard (0...limit).contains(value) else {
          throw .invalid("\(field).\(name) must be an integer from 0 to \(limit), got \(value)")
        }
      }
      switch self {
      case .fixed(let ms): try check(ms, "ms")
      case .uniform(let low, let high):
        try check(low, "min")
        try check(high, "max")
        guard low <= high else { throw .invalid("\(field).min must not be larger than \(field).max") }
      case .normal(let mean, let stddev):
        try check(mean, "mean")
        try check(stddev, "stddev")
      case .pareto(let scale, let shape):
        try check(scale, "scale")
        guard shape.isFinite, shape > 0, shape <= 100 else {
          throw .invalid("\(field).shape must be a number above 0 (at most 100), got \(shape)")
        }
      }
    }

    /// The parameters as JSON members.
    var members: [String: DXJSON] {
      switch self {
      case .fixed(let ms): return ["ms": .integer(ms)]
      case .uniform(let low, let high): return ["min": .integer(low), "max": .integer(high)]
      case .normal(let mean, let stddev): return ["mean": .integer(mean), "stddev": .integer(stddev)]
      case .pareto(let scale, let shape): return ["scale": .integer(scale), "shape": .double(shape)]
      }
    }

    /// The spec words, e.g. `latency=uniform min=10 max=50`.
    var spec: String {
      let parameters = members.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.serializedString())" }
      return (["latency=\(name)"] + parameters).joined(separator: " ")
    }
  }
}
