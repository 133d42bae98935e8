import DXKitTesting
import DXMockServer
import Testing

@Suite("DXTestFault")
struct TestFaultTests {
  @Test("each typed fault becomes the same rule as the spec string says")
  func typedEqualsSpec() throws {
    let cases: [(DXTestFault, String)] = [
      (
        .status(503, retryAfter: 2).on("POST", "/system/whoami").times(2),
        "POST /system/whoami status=503 retryAfter=2 times=2"
      ),
      (.reset.on(path: "/file-*/close").skip(1), "/file-*/close reset skip=1"),
      (.truncate(sendBytes: 10).every(3), "truncate sendBytes=10 every=3"),
      (.noContentLength.id("nc"), "noContentLength id=nc"),
      (.empty.probability(0.5), "empty probability=0.5"),
      (.delay(ms: 200), "delay ms=200"),
      (
        .status(500, errorType: "InternalError", message: "down"),
        "status=500 errorType=InternalError message=down"
      ),
      (.fault(.reset).on("GET"), "GET reset"),
      (
        .s3Error("RequestTimeout").on("PUT", "/F/upload/*").attempt(1),
        "PUT /F/upload/* status=400 s3Error=RequestTimeout attempt=1"
      ),
      (.page(502, "<b>down</b>"), "status=502 body=<b>down</b> contentType=text/html"),
      (.trickle(bytesPerSecond: 100), "trickle=100"),
      (.stall(afterBytes: 4, ms: 50), "stall afterBytes=4 ms=50"),
      (.resetAfterReceived(bytes: 10), "resetAfterReceived=10"),
      (.latency(.uniform(min: 1, max: 5)).header("X-A", "b"), "latency=uniform min=1 max=5 header.X-A=b"),
      (.reset.body(containing: ["name": "x"]), #"reset match='{"name":"x"}'"#),
    ]
    for (typed, spec) in cases {
      #expect(try typed.rule() == DXFaultRule(spec: spec), "\(spec)")
    }
  }

  @Test("an invalid value throws the rule's parse error naming the field")
  func invalidValuesThrow() {
    #expect(throws: DXFaultRule.ParseError.self) { try DXTestFault.status(99).rule() }
    #expect(throws: DXFaultRule.ParseError.self) { try DXTestFault.reset.times(-1).rule() }
    #expect(throws: DXFaultRule.ParseError.self) { try DXTestFault.reset.on(path: "no-slash").rule() }
    #expect(throws: DXFaultRule.ParseError.self) { try DXTestFault.empty.probability(2).rule() }
    do {
      _ = try DXTestFault.reset.every(0).rule()
      Issue.record("expected a parse error")
    } catch {
      #expect(error.message.contains("every"))
    }
  }

  @Test("addFault takes a typed fault")
  func addFault() async throws {
    let server = try DXMockServer()
    let id = try server.addFault(.status(503).times(1).id("busy"))
    #expect(id == "busy")
    #expect(server.removeFault(id: "busy"))
    await server.stop()
  }
}
