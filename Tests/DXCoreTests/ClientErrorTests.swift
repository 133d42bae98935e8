import DXCore
import Foundation
import Testing

@Suite("Client — errors and dxpy's messages")
struct ClientErrorTests {
  func fail(with response: DXTransportResponse) async -> (any Error)? {
    let client = testClient(ScriptedTransport([], then: .respond(response)))
    do {
      try await client.request("/x", maxRetries: 0)
      return nil
    } catch {
      return error
    }
  }

  @Test("every known type maps to itself; the message format is error_message() and __str__")
  func knownTypes() async throws {
    for type in DXAPIError.ErrorType.allKnown {
      let error = try #require(await fail(with: .platformError(type.name, "m", status: 400)) as? DXAPIError)
      #expect(error.type == type)
      #expect(error.type.isKnown)
      #expect(error.errorMessage == "m, code 400. Request Time=1795764543.25, Request ID=unavailable")
    }
    let detailed = DXAPIError(
      type: .invalidInput, message: "bad thing", details: ["field": "x"], status: 400,
      requestTime: 1_795_764_543.9771092, requestID: "req-123")
    #expect(
      detailed.description
        == "bad thing, code 400. Request Time=1795764543.9771092, Request ID=req-123\nDetails: {\n    \"field\": \"x\"\n}"
    )
    let empty = DXAPIError(type: .invalidInput, message: "m", details: [:], status: 422)
    #expect(!empty.description.contains("Details"))
  }

  @Test("an unknown type keeps its name and is prefixed, as dxpy's DXAPIError fallback")
  func unknownType() async throws {
    let response = DXTransportResponse.json(
      ["error": ["type": "SomethingNew", "message": "unknown type"]], status: 422,
      headers: [("X-Request-ID", "r-1")])
    let error = try #require(await fail(with: response) as? DXAPIError)
    #expect(error.name == "SomethingNew")
    #expect(!error.type.isKnown)
    #expect(error.requestID == "r-1")
    #expect(
      error.errorMessage == "SomethingNew: unknown type, code 422. Request Time=1795764543.25, Request ID=r-1"
    )
  }

  @Test("a non-JSON error body is HTTPErrorWithContent with the status line message")
  func nonJSON() async throws {
    let error = try #require(await fail(with: .text("  oops  \n", status: 500)) as? DXResponseError)
    #expect(error.isHTTPErrorWithContent)
    #expect(error.message == "500 Internal Server Error [Time=1795764543.25 RequestID=unavailable]")
    #expect(error.content == "oops")
    #expect(error.status == 500)
  }

  @Test("JSON without error.type: 'Appropriate error class not found'")
  func noErrorClass() async throws {
    let error = try #require(await fail(with: .json(["weird": true], status: 418)) as? DXResponseError)
    #expect(error.message == "Appropriate error class not found. [HTTPCode=418]")
    #expect(error.content == #"{"weird": true}"#)
  }

  @Test("an error body without a message is a malformed-body error, never retried")
  func missingMessage() async throws {
    let transport = ScriptedTransport(
      [], then: .respond(.json(["error": ["type": "InternalError"]], status: 500)))
    await #expect(throws: DXError.self) { try await testClient(transport).request("/x") }
    #expect(transport.requests.count == 1)
  }

  @Test("an unparseable JSON error body is BadJSONInReply")
  func badJSONError() async throws {
    let response = DXTransportResponse(
      status: 500, headers: ["Content-Type": "application/json"], body: Data("<html>".utf8))
    let error = try #require(await fail(with: response) as? DXResponseError)
    #expect(error == .badJSONInReply(status: 500))
    #expect(error.message == "Invalid JSON received from server")
  }

  @Test("a redirect with prependServer is an error; without, it is followed")
  func redirects() async throws {
    let redirect = DXTransportResponse(status: 302, headers: ["Location": "http://other.example/file"])
    await #expect(throws: DXError.self) {
      try await testClient(ScriptedTransport([.respond(redirect)])).request("/x")
    }
    let transport = ScriptedTransport([.respond(redirect), .respond(.text("data", status: 200))])
    let result = try await testClient(transport).request(
      "http://first.example/file", data: .bytes([]), method: "GET", jsonifyData: false, prependServer: false)
    #expect(result == .text("data"))
    #expect(transport.requests.map(\.url) == ["http://first.example/file", "http://other.example/file"])
  }

  @Test("DXResponse accessors")
  func responseAccessors() throws {
    let json = DXResponse.json(["id": "user-alice"])
    #expect(json["id"] == "user-alice")
    #expect(try json.decodedJSON() == ["id": "user-alice"])
    #expect(throws: DXError.self) { try DXResponse.text("x").decodedJSON() }
    #expect(DXResponse.text("x").body == Data("x".utf8))
  }
}
