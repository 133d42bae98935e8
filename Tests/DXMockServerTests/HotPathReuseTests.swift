import CMicroHTTPD
import DXWire
import Foundation
import Testing

@testable import DXMockServer

/// What a request reuses from the one before it (`make bench-server`): the connection's last head,
/// and the last caller's encoded whoami answer. Each answers what building everything afresh answers.
@Suite("Server — what a request reuses from the previous one")
struct HotPathReuseTests {
  // MARK: - Header fields

  /// Collects `fields` as libmicrohttpd would report them, with `previous` as the last request's.
  private static func collect(
    _ fields: [(String, String?)], previous: [(String, String)]
  ) -> (fields: [DXHTTPHeaders.Field], isPrevious: Bool) {
    var collector = HTTPFieldCollector(
      previous: previous.map { DXHTTPHeaders.Field(name: $0.0, value: $0.1) })
    for (name, value) in fields {
      name.withCString { name in
        if let value {
          value.withCString { collector.add(name: name, value: $0) }
        } else {
          collector.add(name: name, value: nil)
        }
      }
    }
    return (collector.finish(), collector.isPrevious)
  }

  private static let usual: [(String, String)] = [
    ("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"),
    ("Authorization", "Bearer dxmock-token"), ("Content-Length", "2"),
  ]

  @Test(
    arguments: [
      // The same fields, then each kind of difference: a value, a name, one more, one fewer, another
      // order, a longer or shorter value, a value that only starts the same, an empty value.
      (usual, true),
      (
        [
          ("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"), ("Authorization", "Bearer other"),
          ("Content-Length", "2"),
        ], false
      ),
      (
        [
          ("Host", "127.0.0.1:8080"), ("content-type", "application/json"),
          ("Authorization", "Bearer dxmock-token"), ("Content-Length", "2"),
        ], false
      ),
      (usual + [("X-Extra", "1")], false),
      (Array(usual.prefix(3)), false),
      ([usual[1], usual[0], usual[2], usual[3]], false),
      (
        [
          ("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"),
          ("Authorization", "Bearer dxmock-token"), ("Content-Length", "20"),
        ], false
      ),
      (
        [
          ("Host", "127.0.0.1:808"), ("Content-Type", "application/json"),
          ("Authorization", "Bearer dxmock-token"), ("Content-Length", "2"),
        ], false
      ),
      (
        [
          ("Host", "127.0.0.1:8080"), ("Content-Type", "application/jsonx"),
          ("Authorization", "Bearer dxmock-token"), ("Content-Length", "2"),
        ], false
      ),
      (
        [
          ("Host", ""), ("Content-Type", "application/json"), ("Authorization", "Bearer dxmock-token"),
          ("Content-Length", "2"),
        ], false
      ),
      ([], false),
      ([("H\u{E9}st", "\u{1F600}"), ("Content-Type", "application/json")], false),
    ] as [([(String, String)], Bool)])
  func fieldsMatchAFreshConversion(fields: [(String, String)], same: Bool) {
    for previous in [Self.usual, [], Array(Self.usual.prefix(1)), Self.usual + [("X-More", "x")]] {
      let (collected, isPrevious) = Self.collect(fields.map { ($0.0, Optional($0.1)) }, previous: previous)
      #expect(collected.map(\.name) == fields.map(\.0))
      #expect(collected.map(\.value) == fields.map(\.1))
      let identical = fields.count == previous.count && zip(fields, previous).allSatisfy { $0 == $1 }
      #expect(isPrevious == identical)
      if previous.count == Self.usual.count, previous.elementsEqual(Self.usual, by: { $0 == $1 }) {
        #expect(isPrevious == same)
      }
    }
  }

  @Test func aMissingValueIsEmptyAndMatchesOnlyAnEmptyValue() {
    let (fields, isPrevious) = Self.collect([("X-Empty", nil)], previous: [("X-Empty", "")])
    #expect(fields == [DXHTTPHeaders.Field(name: "X-Empty", value: "")])
    #expect(isPrevious)
    let (other, otherIsPrevious) = Self.collect([("X-Empty", nil)], previous: [("X-Empty", "v")])
    #expect(other == [DXHTTPHeaders.Field(name: "X-Empty", value: "")])
    #expect(!otherIsPrevious)
  }

  @Test(arguments: [
    ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true),
    ("ab", "abc", false), ("caf\u{E9}", "caf\u{E9}", true),
    ("a-very-long-value-past-fifteen-bytes", "a-very-long-value-past-fifteen-bytes", true),
  ])
  func stringsMatchCStringsByTheirBytes(string: String, cString: String, same: Bool) {
    let matched = cString.withCString { HTTPFieldCollector.matches(string, $0) }
    #expect(matched == same)
  }

  /// Sends `requests` (extra header fields and a body each) on one keep-alive connection to
  /// `/system/headers` and returns each answer.
  private static func onOneConnection(
    port: Int, _ requests: [(headers: [(String, String)], body: String)]
  ) async throws -> [RawHTTPClient.Response] {
    try await onDedicatedThread {
      let client = try RawHTTPClient(port: port)
      var responses: [RawHTTPClient.Response] = []
      for request in requests {
        try client.sendRequest(
          path: "/system/headers", headers: request.headers, body: Array(request.body.utf8), keepAlive: true)
        let response = try client.readResponse()
        responses.append(response)
        if response.ending != .complete { break }
      }
      return responses
    }
  }

  @Test func eachRequestOnAConnectionSeesItsOwnFieldsAndFraming() async throws {
    try await withServer { server in
      let auth = ("Authorization", "Bearer \(serverToken)")
      let json = ("Content-Type", "application/json")
      let requests: [(headers: [(String, String)], body: String)] = [
        ([auth, json], "{}"),
        ([auth, json], "{}"),
        ([auth, ("Content-Type", "application/json; charset=utf-8")], "{}"),
        ([auth, json, ("X-Trace", "1")], "{ }"),
        ([auth], "{}"),
        ([auth, json], "{}"),
        // Fields the same as before but one: a second, conflicting Content-Length (framing 400).
        ([auth, json, ("Content-Length", "3")], "{}"),
      ]
      let responses = try await Self.onOneConnection(port: server.port, requests)
      #expect(responses.count == requests.count)
      for (index, response) in responses.enumerated().prefix(6) {
        #expect(response.status == 200, "request \(index)")
        let echoed = try DXJSON(parsing: Data(response.body))
        #expect(echoed["authorization"] == .string("Bearer \(serverToken)"))
        #expect(echoed["content-length"] == .string(requests[index].body == "{ }" ? "3" : "2"))
        let contentType = requests[index].headers.first { $0.0 == "Content-Type" }?.1
        #expect(echoed["content-type"] == contentType.map { .string($0) } ?? nil, "request \(index)")
        #expect(echoed["x-trace"] == (index == 3 ? .string("1") : nil), "request \(index)")
      }
      #expect(responses.last?.status == 400)
      #expect(responses.last?.errorType == "InvalidInput")
      // The journal holds each request's own fields.
      let entries = server.journal().filter { $0.path == "/system/headers" }
      #expect(entries.count == requests.count)
      for (entry, request) in zip(entries, requests) {
        #expect(entry.headers.first("x-trace") == request.headers.first { $0.0 == "X-Trace" }?.1)
        #expect(entry.headers.first("content-type") == request.headers.first { $0.0 == "Content-Type" }?.1)
      }
    }
  }

  // MARK: - Responses

  /// The fields of `response`, in order.
  private static func fields(_ response: HTTPResponse) -> [String] {
    var fields: [String] = []
    withUnsafeMutablePointer(to: &fields) { pointer in
      _ = MHD_get_response_headers(
        response.handle,
        { context, _, key, value in
          guard let context, let key else { return .YES }
          context.assumingMemoryBound(to: [String].self).pointee.append(
            "\(String(cString: key)): \(value.map { String(cString: $0) } ?? "")")
          return .YES
        }, pointer)
    }
    return fields
  }

  @Test func aResponseIsReusedOnlyForTheSameBodyAndFieldsWithItsOwnRequestID() throws {
    let guarded = GuardedConnection(socket: -1, now: 0)
    let whoami = DXMockResponse(
      status: 200, headers: DXMockResponse.jsonHeaders, body: Data(#"{"id":"u"}"#.utf8))
    let first = try #require(HTTPDaemonDriver.completeResponse(whoami, requestID: "1-1", reusing: guarded))
    let fresh = ["Content-Type: application/json", "X-Request-ID: 1-1", "X-Content-Type-Options: nosniff"]
    #expect(Self.fields(first) == fresh)
    // The same body and fields (equal values, not the same storage): the same response, its ID changed,
    // the fields in the order a fresh response has them.
    let again = DXMockResponse(
      status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"id":"u"}"#.utf8))
    let second = try #require(HTTPDaemonDriver.completeResponse(again, requestID: "1-2", reusing: guarded))
    #expect(second === first)
    #expect(
      Self.fields(second) == [
        "Content-Type: application/json", "X-Request-ID: 1-2", "X-Content-Type-Options: nosniff",
      ])
    // Another status alone reuses it too (the status is not part of a response).
    let third = try #require(
      HTTPDaemonDriver.completeResponse(
        DXMockResponse(status: 201, headers: again.headers, body: again.body), requestID: "1-3",
        reusing: guarded))
    #expect(third === first)
    // Another body, or other fields: a new response with exactly its own fields.
    let other = DXMockResponse(
      status: 200, headers: DXMockResponse.jsonHeaders, body: Data(#"{"id":"v"}"#.utf8))
    let fourth = try #require(HTTPDaemonDriver.completeResponse(other, requestID: "1-4", reusing: guarded))
    #expect(fourth !== first)
    #expect(
      Self.fields(fourth) == [
        "Content-Type: application/json", "X-Request-ID: 1-4", "X-Content-Type-Options: nosniff",
      ])
    var retry = other
    retry.headers.add(name: "Retry-After", value: "2")
    retry.headers.add(name: "X-Request-ID", value: "forged")
    let fifth = try #require(HTTPDaemonDriver.completeResponse(retry, requestID: "1-5", reusing: guarded))
    #expect(fifth !== fourth)
    #expect(
      Self.fields(fifth) == [
        "Content-Type: application/json", "Retry-After: 2", "X-Request-ID: 1-5",
        "X-Content-Type-Options: nosniff",
      ])
    let sixth = try #require(HTTPDaemonDriver.completeResponse(other, requestID: "1-6", reusing: guarded))
    #expect(sixth !== fifth)
    #expect(!Self.fields(sixth).contains("Retry-After: 2"))
    // Without a connection record nothing is kept; a large body is never kept.
    let unguarded = try #require(HTTPDaemonDriver.completeResponse(other, requestID: "2-1", reusing: nil))
    #expect(unguarded !== sixth)
    let large = DXMockResponse(status: 200, body: Data(count: HTTPResponse.sharedBodyThreshold))
    _ = try #require(HTTPDaemonDriver.completeResponse(large, requestID: "3-1", reusing: guarded))
    #expect(guarded.lastResponse == nil)
  }

  @Test func aRequestIDIsWrittenOverTheOldOneOnlyWhenItHasItsLength() throws {
    let response = try #require(HTTPResponse.complete(Data("{}".utf8)))
    response.addHeader(constant: "Content-Type", constant: "application/json")
    response.addHeader(constant: "X-Request-ID", "1700000000000-99")
    response.addHeader(constant: "X-Content-Type-Options", constant: "nosniff")
    // The same length: the bytes change where the field is, and nothing else does.
    #expect(response.overwriteHeader(constant: "X-Request-ID", "1700000000000-99", with: "1700000000001-42"))
    #expect(
      Self.fields(response) == [
        "Content-Type: application/json", "X-Request-ID: 1700000000001-42", "X-Content-Type-Options: nosniff",
      ])
    // Another length, an old value that is not the field's, or a field the response lacks: refused,
    // and the response is as it was.
    #expect(
      !response.overwriteHeader(constant: "X-Request-ID", "1700000000001-42", with: "1700000000001-100"))
    #expect(!response.overwriteHeader(constant: "X-Request-ID", "1700000000000-99", with: "1700000000002-43"))
    #expect(!response.overwriteHeader(constant: "Retry-After", "1", with: "2"))
    #expect(
      Self.fields(response) == [
        "Content-Type: application/json", "X-Request-ID: 1700000000001-42", "X-Content-Type-Options: nosniff",
      ])
  }

  @Test func aReusedResponseTakesAnIDOfAnotherLengthWithItsFieldsInOrder() throws {
    let guarded = GuardedConnection(socket: -1, now: 0)
    let whoami = DXMockResponse(
      status: 200, headers: DXMockResponse.jsonHeaders, body: Data(#"{"id":"u"}"#.utf8))
    let first = try #require(HTTPDaemonDriver.completeResponse(whoami, requestID: "1-9", reusing: guarded))
    // The sequence number gained a digit: removed and added back, `X-Content-Type-Options` after it.
    let second = try #require(HTTPDaemonDriver.completeResponse(whoami, requestID: "1-10", reusing: guarded))
    #expect(second === first)
    #expect(
      Self.fields(second) == [
        "Content-Type: application/json", "X-Request-ID: 1-10", "X-Content-Type-Options: nosniff",
      ])
    // Then the same length again: written in place.
    let third = try #require(HTTPDaemonDriver.completeResponse(whoami, requestID: "1-11", reusing: guarded))
    #expect(third === first)
    #expect(
      Self.fields(third) == [
        "Content-Type: application/json", "X-Request-ID: 1-11", "X-Content-Type-Options: nosniff",
      ])
    #expect(guarded.lastResponse?.requestID == "1-11")
  }

  @Test func everyAnswerOnAConnectionCarriesItsOwnIDAndFields() async throws {
    try await withServer { server in
      let port = server.port
      func send(_ count: Int, token: String = serverToken) async throws -> [RawHTTPClient.Response] {
        try await onDedicatedThread {
          let client = try RawHTTPClient(port: port)
          var responses: [RawHTTPClient.Response] = []
          for index in 0..<count {
            try client.sendRequest(
              path: "/system/whoami", headers: [("Authorization", "Bearer \(index == 2 ? "nope" : token)")],
              body: Array("{}".utf8), keepAlive: true)
            responses.append(try client.readResponse())
          }
          return responses
        }
      }
      // whoami, whoami, a 401, whoami, then a 503 with Retry-After from a rule, then whoami again.
      server.addFault(try DXFaultRule(spec: "POST /system/whoami status=503 retryAfter=2 skip=4 times=1"))
      let responses = try await send(6)
      #expect(responses.map(\.status) == [200, 200, 401, 200, 503, 200])
      let heads = responses.map { response in
        String(decoding: response.raw, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
          .components(separatedBy: "\r\n").dropFirst().map { $0.components(separatedBy: ":")[0] }
          .filter { $0 != "Date" }
      }
      let plain = heads[0]
      #expect(
        plain == ["Content-Type", "X-Request-ID", "X-Content-Type-Options", "Content-Length"]
          || plain.sorted() == ["Content-Length", "Content-Type", "X-Content-Type-Options", "X-Request-ID"])
      for index in [1, 3, 5] { #expect(heads[index] == plain, "response \(index)") }
      #expect(heads[4].contains("Retry-After"))
      #expect(!heads[5].contains("Retry-After"))
      for response in responses { expectExactJSON(response) }
      let ids = responses.compactMap { $0.header("X-Request-ID") }
      #expect(Set(ids).count == 6)
      let journaled = server.journal().suffix(6).map(\.requestID)
      #expect(journaled == ids)
      #expect(responses[3].bodyText == responses[0].bodyText)
    }
  }

  // MARK: - The whoami answer

  @Test func encodedRoutesAnswerThroughTheAPIOnlyAndALaterRegistrationReplacesThem() throws {
    var router = PlatformRouter()
    router.register("/system/whoami", encoded: { _ throws(DXPlatformError) in Data("{\"e\":1}".utf8) }) {
      _ throws(DXPlatformError) in ["j": 1]
    }
    router.register("/record-xxxx/describe", encoded: { _ throws(DXPlatformError) in Data() }) {
      _ throws(DXPlatformError) in "object"
    }
    let call = APICall(
      request: DXMockRequest(method: "POST", path: "/system/whoami"), caller: "user-alice", target: "system",
      alias: nil, method: "whoami", input: [:])
    let (resolution, encoded) = router.resolveForAnswer(path: "/system/whoami")
    guard case .found(let handler, _, _, _) = resolution, let encoded else {
      Issue.record("whoami did not resolve with its encoded handler")
      return
    }
    #expect(try encoded(call) == Data("{\"e\":1}".utf8))
    #expect(try handler(call) == ["j": 1])
    // Object routes have no encoded form; a plain registration drops the earlier encoded one.
    #expect(router.resolveForAnswer(path: "/record-B0000000000000000000000/describe").encoded == nil)
    router.register("/system/whoami") { _ throws(DXPlatformError) in ["k": 2] }
    #expect(router.resolveForAnswer(path: "/system/whoami").encoded == nil)
  }

  @Test func theEncodedWhoamiIsTheSerializedAnswerForEveryCallerAndInput() throws {
    let routes = SystemRoutes()
    let encoded = routes.whoamiEncoded
    let callers = [
      "user-alice", "user-bob", "user-alice", "", "user-\"quoted\"\\", "user-caf\u{E9}", "user-\n\t\u{1}",
      "user-alice", "user-a-name-much-longer-than-fifteen-bytes",
    ]
    let inputs: [DXJSON] = [
      [:], ["fields": ["clientIp": true]], ["fields": ["clientIp": false]], ["fields": nil], ["other": 1],
      ["fields": 3], ["fields": ["clientIp": "yes"]],
    ]
    for caller in callers {
      for input in inputs {
        let call = APICall(
          request: DXMockRequest(method: "POST", path: "/system/whoami", remoteAddress: "10.0.0.7"),
          caller: caller, target: "system", alias: nil, method: "whoami", input: input)
        let general = Result { () throws(DXPlatformError) in try SystemRoutes.whoami(call).serializedData() }
        let fast = Result { () throws(DXPlatformError) in try encoded(call) }
        switch (general, fast) {
        case (.success(let expected), .success(let got)): #expect(got == expected, "\(caller) \(input)")
        case (.failure(let expected), .failure(let got)): #expect(got == expected, "\(caller) \(input)")
        default: Issue.record("\(caller) \(input): \(general) vs \(fast)")
        }
      }
      #expect(WhoamiAnswerCache().body(for: caller) == WhoamiAnswerCache.encode(caller))
    }
  }

  @Test func whoamiFollowsTheTokensUserOnOneConnection() async throws {
    try await withServer(PlatformAuthTests.configure) { server in
      let made = try await server.rawExchange(
        path: "/system/newAuthToken", token: nil, body: #"{"username": "carol", "password": "s3cret"}"#)
      let madeToken = try #require(made.json?["access_token"] as? String)
      let port = server.port
      // One keep-alive connection: the fields stay the same but for the token.
      let answers = try await onDedicatedThread { () -> [(Int, String?)] in
        let client = try RawHTTPClient(port: port)
        var answers: [(Int, String?)] = []
        for token in [serverToken, serverToken, "tok-carol", madeToken, serverToken, "tok-carol", "nope"] {
          try client.sendRequest(
            path: "/system/whoami", headers: [("Authorization", "Bearer \(token)")], body: Array("{}".utf8),
            keepAlive: true)
          let response = try client.readResponse()
          answers.append((response.status, response.json?["id"] as? String))
        }
        return answers
      }
      let defaultUser = answers.first?.1
      #expect(defaultUser != nil)
      #expect(defaultUser != "user-carol")
      #expect(answers.map(\.0) == [200, 200, 200, 200, 200, 200, 401])
      #expect(
        answers.map(\.1) == [
          defaultUser, defaultUser, "user-carol", "user-carol", defaultUser, "user-carol", nil,
        ])
      // Revoked: the same token on the same kind of request is refused, the others still answer.
      let signature = PlatformState.tokenSignature(madeToken)
      let destroyed = try await server.rawExchange(
        path: "/system/destroyAuthToken", token: madeToken, body: #"{"tokenSignature": "\#(signature)"}"#)
      #expect(destroyed.status == 200)
      #expect(try await server.rawExchange(path: "/system/whoami", token: madeToken).status == 401)
      let carol = try await server.rawExchange(path: "/system/whoami", token: "tok-carol")
      #expect(carol.json?["id"] as? String == "user-carol")
      expectExactJSON(carol)
      // With fields: the general answer, the client's address included.
      let withIP = try await server.rawExchange(
        path: "/system/whoami", token: "tok-carol", body: #"{"fields": {"clientIp": true}}"#)
      #expect(withIP.json?["clientIp"] as? String == "127.0.0.1")
      #expect(withIP.json?["id"] as? String == "user-carol")
    }
  }
}
