import Testing

@testable import DXWire

@Suite("Header name matching")
struct HeaderNameMatchingTests {
  /// Names built from pieces that trip a byte-wise fold: letters of both cases, `@`/`` ` `` and
  /// `[`/`{` (0x20 apart but not letters), digits, and non-ASCII letters whose case mapping changes
  /// their length or lands in ASCII (the Kelvin sign lowercases to `k`).
  private static let pieces = ["a", "A", "k", "K", "@", "`", "[", "{", "-", "1", "é", "É", "\u{212A}", "ß"]

  private static var names: [String] {
    var names = [""]
    for first in pieces {
      names.append(first)
      for second in pieces { names.append(first + second) }
    }
    // Longer names, so the eight-byte ASCII scan and its tail both see the odd byte.
    for stem in ["Content-Length", "X-DNAnexus-Request-Id", "transfer-encoding"] {
      names.append(stem)
      names.append(stem.uppercased())
      names.append(stem + "é")
      names.append("é" + stem)
      names.append(String(stem.dropLast()) + "\u{212A}")
    }
    return names
  }

  @Test("every pair of names matches exactly when their lowercased() forms are equal")
  func agreesWithLowercased() {
    let names = Self.names
    var compared = 0
    for first in names {
      for second in names {
        #expect(
          DXHTTPHeaders.namesMatch(first, second) == (first.lowercased() == second.lowercased()),
          "\(first) vs \(second)")
        compared += 1
      }
    }
    #expect(compared == names.count * names.count)
    #expect(DXHTTPHeaders.namesMatch("\u{212A}", "k"))
    #expect(!DXHTTPHeaders.namesMatch("@", "`"))
    #expect(!DXHTTPHeaders.namesMatch("[", "{"))
  }

  @Test("the ASCII scan finds a high byte at every position of names up to 24 bytes")
  func asciiScan() {
    for length in 0...24 {
      let plain = String(repeating: "x", count: length)
      #expect(DXHTTPHeaders.isASCII(plain))
      for position in 0..<length {
        var bytes = Array(plain.utf8)
        bytes[position] = 0xC3
        bytes.insert(0xA9, at: position + 1)  // "é" in place of one "x"
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!DXHTTPHeaders.isASCII(text), "length \(length), position \(position)")
      }
    }
  }
}
