import Crypto
import Foundation
import Testing

@testable import DXMockServer

@Suite("Request body: one copy, MD5 while it arrives")
struct RequestBodyTests {
  static func md5(_ bytes: [UInt8]) -> String {
    Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }

  /// Pseudo-random bytes that differ at every position (so a misplaced chunk changes the digest).
  static func bytes(_ count: Int) -> [UInt8] {
    var state: UInt32 = 2_463_534_242
    return (0..<count).map { _ in
      state ^= state << 13
      state ^= state >> 17
      state ^= state << 5
      return UInt8(truncatingIfNeeded: state)
    }
  }

  struct Case: Sendable, CustomStringConvertible {
    var size: Int
    var chunk: Int
    /// The declared length (`nil`: none, as with chunked encoding).
    var declared: Int?
    var description: String {
      "\(size) bytes in \(chunk)-byte chunks, declared \(declared.map(String.init) ?? "none")"
    }
  }

  static let cases: [Case] = [
    Case(size: 0, chunk: 1, declared: 0),
    Case(size: 1, chunk: 1, declared: 1),
    Case(size: 5000, chunk: 7, declared: 5000),
    Case(size: 5000, chunk: 7, declared: nil),
    Case(size: RequestBody.digestBatch, chunk: 65_536, declared: RequestBody.digestBatch),
    Case(size: 3 * RequestBody.digestBatch + 17, chunk: 65_521, declared: 3 * RequestBody.digestBatch + 17),
    Case(size: 3 * RequestBody.digestBatch + 17, chunk: 16_384, declared: nil),
    // More bytes than declared (libmicrohttpd never delivers that, but the body still grows right).
    Case(size: 2 * RequestBody.digestBatch + 5, chunk: 300_000, declared: 1000),
  ]

  @Test(arguments: cases, [true, false])
  func bytesAndDigestMatchTheInput(_ example: Case, computeMD5: Bool) {
    let input = Self.bytes(example.size)
    var body = RequestBody()
    body.reserve(expected: example.declared ?? 0, computeMD5: computeMD5)
    var offset = 0
    input.withUnsafeBytes { raw in
      while offset < raw.count {
        let end = min(raw.count, offset + example.chunk)
        let added = body.append(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
        #expect(added)
        offset = end
      }
    }
    #expect(body.count == example.size)
    let (data, md5) = body.finish()
    #expect(data == Data(input))
    #expect(md5 == (computeMD5 ? Self.md5(input) : nil))
  }

  @Test func discardingDropsTheBytesAndTheDigest() {
    var body = RequestBody()
    body.reserve(expected: 3 * RequestBody.digestBatch, computeMD5: true)
    let input = Self.bytes(2 * RequestBody.digestBatch)
    #expect(input.withUnsafeBytes { body.append($0) })
    body.discard()
    #expect(body.count == 0)
    let (data, md5) = body.finish()
    #expect(data.isEmpty)
    #expect(md5 == nil)
  }

  @Test func theDataOutlivesTheBodyAndAChangedBodyLosesItsDigest() {
    let input = Self.bytes(RequestBody.digestBatch + 3)
    var request: DXMockRequest
    do {
      var body = RequestBody()
      body.reserve(expected: input.count, computeMD5: true)
      #expect(input.withUnsafeBytes { body.append($0) })
      let (data, md5) = body.finish()
      request = DXMockRequest(method: "PUT", path: "/F/upload/x/1/k", body: data)
      request.bodyMD5 = md5
    }
    #expect(request.body == Data(input))
    #expect(request.bodyMD5 == Self.md5(input))
    request.body = Data("other".utf8)
    #expect(request.bodyMD5 == nil)
  }
}
