import Crypto
import DXWire
import Foundation

/// Which logical operation a request is an attempt of: what fault rules count attempts by and what the
/// retry-contract verifier groups the journal by.
///
/// - A file-part upload (`PUT` to an upload URL) is identified by its file and part index (the verifier
///   then compares the parts' MD5s: a retry must send the same bytes).
/// - Any other request by its method, path and body, with the body's `nonce` left out (key order does
///   not matter in a JSON body), so the attempts of one call that carries a nonce group together even
///   if a client wrongly changes the nonce between them.
struct OperationKey: Sendable, Hashable, CustomStringConvertible {
  /// The key text, e.g. `POST /record/new {"project":"project-1"}` or `PUT upload file-1 part 3`.
  let text: String
  /// Whether the operation is a file-part upload.
  let isUploadPart: Bool

  var description: String { text }

  /// The key of a request.
  /// - Parameters:
  ///   - method: The request's method.
  ///   - path: Its path, without the query.
  ///   - body: Its body (or the first part of it the journal kept).
  ///   - bodySize: The whole body's size.
  ///   - bodyMD5: The body's MD5 when the server computed it while receiving.
  init(method: String, path: String, body: Data, bodySize: Int, bodyMD5: String?) {
    if method == "PUT", let part = Self.uploadPart(path) {
      text = "PUT upload \(part.file) part \(part.index)"
      isUploadPart = true
      return
    }
    isUploadPart = false
    text = "\(method) \(path) \(Self.bodyKey(body, size: bodySize, md5: bodyMD5))"
  }

  /// The file ID and part index of an upload URL path (`…/upload/<file-…>/<index>/…`), or `nil`.
  static func uploadPart(_ path: String) -> (file: String, index: String)? {
    guard MockPlatform.isUploadURL(path) else { return nil }
    let segments = path.split(separator: "/")
    guard let fileAt = segments.firstIndex(where: { $0.hasPrefix("file-") }), fileAt + 1 < segments.count
    else {
      return nil
    }
    return (String(segments[fileAt]), String(segments[fileAt + 1]))
  }

  /// The body's part of the key: its canonical JSON without `nonce` (an MD5 of it when long), or the
  /// MD5 of the bytes when it is not JSON.
  private static func bodyKey(_ body: Data, size: Int, md5: String?) -> String {
    if size == 0 || body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      return "{}"
    }
    if size == body.count, var json = try? DXJSON(parsing: body) {
      if case .object(var members) = json {
        members["nonce"] = nil
        json = .object(members)
      }
      let canonical = json.serializedString(sortedKeys: true)
      return canonical.utf8.count <= 256 ? canonical : "md5:" + md5Hex(Data(canonical.utf8))
    }
    return "bytes:\(size):" + (md5 ?? md5Hex(body))
  }

  /// The `nonce` string of a JSON object body, or `nil`.
  static func nonce(of body: Data) -> String? {
    guard body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{"),
      let json = try? DXJSON(parsing: body)
    else { return nil }
    return json["nonce"]?.stringValue
  }

  static func md5Hex(_ data: Data) -> String {
    BodyDigest.hex(Insecure.MD5.hash(data: data))
  }
}
