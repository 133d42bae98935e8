import Crypto
import Foundation

/// Signs and checks upload and download URLs: each carries its own expiry and an HMAC of what it
/// allows, under a key the platform draws at start-up, so a URL works without an API token (as the
/// platform's storage URLs do) but cannot be made up from a file ID, altered, or used after it
/// expires.
///
/// Nothing is stored per URL (the platform's URLs are not either): a server handing out millions of
/// URLs keeps no table of them. A restart draws a new key, so URLs from before it stop working.
struct TransferSigner: Sendable {
  private let key: [UInt8]

  /// A signer with a fresh random key.
  init() {
    var random = SystemRandomNumberGenerator()
    key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
  }

  /// The signature of `fields` (32 hex digits: 128 bits of an HMAC-SHA256).
  func signature(_ fields: [String]) -> String {
    let message = Data(fields.joined(separator: "\n").utf8)
    let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
    return mac.prefix(16).map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }

  /// Whether `signature` is the signature of `fields` (compared in constant time).
  func verify(_ signature: String, _ fields: [String]) -> Bool {
    let expected = Array(self.signature(fields).utf8)
    let given = Array(signature.utf8)
    guard expected.count == given.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(expected, given) { difference |= a ^ b }
    return difference == 0
  }
}
