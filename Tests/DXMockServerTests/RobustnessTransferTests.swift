import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// Transfer URLs over HTTP on the storage origin (its own port): only signed URLs give bytes, without
/// a token; the journal records them and fault rules apply to them.
@Suite("Robustness: transfer URLs on the storage origin")
struct RobustnessTransferTests {
  @Test func theStorageOriginServesOnlySignedURLsThroughTheJournalAndFaults() async throws {
    try await withServer { server in
      let storage = server.storagePort
      #expect(storage != 0 && storage != server.port)
      func api(_ path: String, _ body: DXJSON) async throws -> DXJSON {
        let response = try await server.rawExchange(path: path, body: body.serializedString(sortedKeys: true))
        return try DXJSON(parsing: Data(response.body))
      }
      func transfer(_ method: String, _ url: String, port: Int? = nil, body: String = "") async throws
        -> RawHTTPClient.Response
      {
        let components = URLComponents(string: url)
        let path = components?.percentEncodedPath ?? url
        let target = port ?? components?.port ?? 0
        return try await onDedicatedThread {
          try RawHTTPClient.exchange(port: target, method: method, path: path, token: nil, body: body)
        }
      }
      let project = try await api("/project/new", ["name": "p"])["id"]?.stringValue ?? ""
      let file =
        try await api("/file/new", ["project": .string(project), "name": "f"])["id"]?.stringValue ?? ""
      let upload = try await api("/\(file)/upload", ["index": 1, "size": 3])["url"]?.stringValue ?? ""
      #expect(URLComponents(string: upload)?.port == storage)
      // A fault rule applies on the storage origin; the retry succeeds.
      try server.addFault(spec: "PUT /F/upload/* status=503 times=1")
      #expect(try await transfer("PUT", upload, body: "abc").status == 503)
      #expect(try await transfer("PUT", upload, body: "abc").status == 200)
      // An altered upload URL (another size) is refused.
      let altered = try await transfer(
        "PUT", upload.replacingOccurrences(of: "/3/-/", with: "/4/-/"), body: "abcd")
      #expect(altered.status == 403)
      #expect(altered.errorType == "PermissionDenied")
      _ = try await api("/\(file)/close", [:])
      var download = ""
      for _ in 0..<50 where download.isEmpty {
        download = try await api("/\(file)/download", ["duration": 60])["url"]?.stringValue ?? ""
      }
      #expect(URLComponents(string: download)?.port == storage)
      let bytes = try await transfer("GET", download)
      #expect(bytes.status == 200)
      #expect(bytes.bodyText == "abc")
      // The API port serves the same URL (clients with one base URL).
      #expect(try await transfer("GET", download, port: server.port).bodyText == "abc")
      // Without the URL's signature, or with another, no bytes: the file ID alone is not enough.
      let signature = download.split(separator: "/").dropLast().last.map(String.init) ?? ""
      for forged in [
        download.replacingOccurrences(of: signature, with: String(repeating: "0", count: signature.count)),
        "http://127.0.0.1:\(storage)/F/download/\(file)/-/f",
        "http://127.0.0.1:\(storage)/F/download/\(file)/99999999999999/\(signature)/f",
      ] {
        let response = try await transfer("GET", forged)
        #expect(response.status == 403, "\(forged)")
        #expect(response.errorType == "PermissionDenied", "\(forged)")
        #expect(!response.bodyText.contains("abc"), "\(forged)")
      }
      // The storage origin is not the API: API routes are 404 there, even with a token.
      let notAPI = try await onDedicatedThread {
        try RawHTTPClient.exchange(port: storage, path: "/\(file)/download", token: serverToken)
      }
      #expect(notAPI.status == 404)
      #expect(notAPI.errorType == "ResourceNotFound")
      // Every transfer is journaled, the faulted one as the client saw it.
      let uploads = server.journal().filter { $0.path.hasPrefix("/F/upload/") }.map(\.status)
      #expect(uploads == [503, 200, 403])
      let downloads = server.journal().filter { $0.path.hasPrefix("/F/download/") }.map(\.status)
      #expect(downloads == [200, 200, 403, 403, 403])
    }
  }
}
