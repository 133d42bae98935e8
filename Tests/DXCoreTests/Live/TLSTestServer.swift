import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTPS server on 127.0.0.1 port 0 with the test certificate in `Fixtures/tls` (CN and SAN
/// `localhost`, 127.0.0.1; self-signed, valid until 2126), answering every request with 200 and a
/// small JSON body. For checking the live transport's TLS settings (`DX_CA_CERT`, `NOVERIFY`). The key
/// is a throwaway made for these tests (`openssl req -x509 -newkey rsa:2048 -nodes -days 36500 …`).
final class TLSTestServer: Sendable {
  let port: Int
  private let channel: any Channel

  /// The PEM certificate the server presents (also the CA bundle that trusts it).
  static var certificatePath: String { fixture("cert.pem") }

  init() async throws {
    let certificates = try NIOSSLCertificate.fromPEMFile(Self.fixture("cert.pem"))
    let key = try NIOSSLPrivateKey(file: Self.fixture("key.pem"), format: .pem)
    let tls = try NIOSSLContext(
      configuration: .makeServerConfiguration(
        certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key)))
    channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(Responder())
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    port = channel.localAddress?.port ?? 0
  }

  var baseURL: String { "https://localhost:\(port)" }

  func stop() async { try? await channel.close() }

  private static func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: "Fixtures/tls/\(name)", withExtension: nil)?.path ?? name
  }

  /// Answers each request (after its end) with `{"id":"user-tls"}`.
  private final class Responder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      guard case .end = unwrapInboundIn(data) else { return }
      let body = ByteBuffer(string: #"{"id":"user-tls"}"#)
      var headers = HTTPHeaders()
      headers.add(name: "Content-Type", value: "application/json")
      headers.add(name: "Content-Length", value: String(body.readableBytes))
      context.write(
        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
        promise: nil)
      context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
  }
}

/// Runs `body` with a TLS test server and always stops it.
func withTLSServer<T>(_ body: (TLSTestServer) async throws -> T) async throws -> T {
  let server = try await TLSTestServer()
  do {
    let result = try await body(server)
    await server.stop()
    return result
  } catch {
    await server.stop()
    throw error
  }
}
