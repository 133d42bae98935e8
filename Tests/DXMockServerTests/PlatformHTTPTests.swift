import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform over HTTP")
struct PlatformHTTPTests {
  /// The path (and query) of an absolute URL the server handed out.
  static func path(of url: String) -> String {
    guard let range = url.range(of: "/F/") else { return url }
    return String(url[range.lowerBound...])
  }

  @Test func dayOverHTTP() async throws {
    try await withServer({ configuration in
      configuration.users = [(handle: "bob", token: "bob-token")]
      configuration.seed = 3
    }) { server in
      func api(_ path: String, _ body: DXJSON = [:], token: String = serverToken) async throws
        -> RawHTTPClient.Response
      {
        try await server.rawExchange(path: path, token: token, body: body.serializedString())
      }
      func json(_ response: RawHTTPClient.Response) throws -> DXJSON { try DXJSON(parsing: response.body) }

      let project = try json(try await api("/project/new", ["name": "http"]))["id"] ?? .null
      let projectID = project.stringValue ?? ""
      #expect(IDGenerator.isValid(projectID, klass: "project"))
      let record = try await api("/record/new", ["project": project, "name": "r", "nonce": "n"])
      expectExactJSON(record)
      let replay = try await api("/record/new", ["project": project, "name": "r", "nonce": "n"])
      #expect(replay.body == record.body)
      let reused = try await api("/record/new", ["project": project, "name": "other", "nonce": "n"])
      #expect(reused.status == 422)
      #expect(reused.errorType == "InvalidInput")
      let recordID = try json(record)["id"]?.stringValue ?? ""
      // setDetails takes any JSON value.
      #expect(try await api("/\(recordID)/setDetails", [1, 2, 3]).status == 200)
      #expect(try json(try await api("/\(recordID)/getDetails")) == [1, 2, 3])
      // A second user is refused.
      let denied = try await api("/\(projectID)/describe", token: "bob-token")
      #expect(denied.status == 401)
      #expect(denied.errorType == "PermissionDenied")
      #expect(try await api("/\(recordID)/describe", token: "bob-token").errorType == "PermissionDenied")

      // Upload through the mock's own URL (no token), then ranged download.
      let file =
        try json(try await api("/file/new", ["project": project, "name": "f.txt"]))["id"]?.stringValue ?? ""
      let ticket = try json(try await api("/\(file)/upload", ["index": 1, "size": 11]))
      let uploadURL = ticket["url"]?.stringValue ?? ""
      #expect(uploadURL.hasPrefix("http://127.0.0.1") && uploadURL.contains("/F/upload/\(file)/1/"))
      // Faults apply to transfer URLs too.
      server.addFault(try DXFaultRule(spec: "PUT /F/upload/* status=503 times=1"))
      let faulted = try await server.rawExchange(
        method: "PUT", path: Self.path(of: uploadURL), token: nil, body: "hello world")
      #expect(faulted.status == 503)
      let put = try await server.rawExchange(
        method: "PUT", path: Self.path(of: uploadURL), token: nil, body: "hello world")
      #expect(put.status == 200)
      #expect(try await api("/\(file)/close").status == 200)
      let download =
        try json(try await api("/\(file)/download", ["preauthenticated": true]))["url"]?.stringValue ?? ""
      let ranged = try await server.rawExchange(
        method: "GET", path: Self.path(of: download), token: nil, headers: [("Range", "bytes=6-10")], body: ""
      )
      #expect(ranged.status == 206)
      #expect(ranged.bodyText == "world")
      let whole = try await server.rawExchange(
        method: "GET", path: Self.path(of: download), token: nil, body: "")
      #expect(whole.bodyText == "hello world")

      let found = try json(try await api("/system/findDataObjects", ["class": "file", "describe": true]))
      #expect(found["results"]?[0]?["describe"]?["size"] == 11)
      // Wrong types and malformed input get clear errors.
      #expect(try await api("/system/findDataObjects", ["limit": "x"]).errorType == "InvalidInput")
      #expect(try await api("/\(projectID)/listFolder", ["folder": 5]).errorType == "InvalidInput")
      // Reset returns to the initial state.
      try server.reset()
      #expect(try await api("/\(projectID)/describe").errorType == "ResourceNotFound")
    }
  }
}
