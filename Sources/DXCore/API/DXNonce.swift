import Foundation

/// The nonce dxpy adds to the twelve create and run calls, so that a retried POST is not applied twice.
///
/// 64 lowercase hex characters from 32 random bytes, then the time as Python's `"%f" % time.time()`
/// (about 81 characters; at most 128).
public enum DXNonce {
  /// The longest nonce the platform accepts.
  public static let maximumLength = 128

  /// A new nonce from `random` and `clock`.
  public static func make(
    random: any DXRandomSource = DXSystemRandomSource(), clock: any DXClock = DXSystemClock()
  ) -> String {
    let digits = Array("0123456789abcdef")
    var text = ""
    for byte in random.bytes(count: 32) {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    text += DXPythonFormat.fixed6(clock.now().timeIntervalSince1970)
    return String(text.prefix(maximumLength))
  }

  /// dxpy's `Nonce.update_nonce`: a copy of `input` with `"nonce"` added when the key is absent or its
  /// value is empty (`""`, `[]`, `{}`).
  /// - Throws: ``DXError/invalidArgument(_:)`` when `input` is not a JSON object.
  public static func updated(
    _ input: DXJSON, random: any DXRandomSource = DXSystemRandomSource(), clock: any DXClock = DXSystemClock()
  ) throws(DXError) -> DXJSON {
    guard var members = input.objectValue else {
      throw .invalidArgument(
        "the input of a call that takes a nonce must be a JSON object, got \(input.typeName)")
    }
    let isEmpty: Bool
    switch members["nonce"] {
    case nil: isEmpty = true
    case .string(let text)?: isEmpty = text.isEmpty
    case .array(let elements)?: isEmpty = elements.isEmpty
    case .object(let object)?: isEmpty = object.isEmpty
    default: isEmpty = false
    }
    if isEmpty { members["nonce"] = .string(make(random: random, clock: clock)) }
    return .object(members)
  }
}
