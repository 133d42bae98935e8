import CMicroHTTPD
import Foundation

/// Owns one libmicrohttpd response handle and destroys it in `deinit` (libmicrohttpd keeps its own
/// reference while the response is queued).
///
/// This is the only file that creates or changes `MHD_Response` objects. Each kind matches one of the
/// recipes that are known to put exactly the intended bytes on the wire with libmicrohttpd 0.9.75.
final class HTTPResponse {
  let handle: OpaquePointer

  private init(handle: OpaquePointer) { self.handle = handle }

  deinit { MHD_destroy_response(handle) }

  /// Bodies from this size on are sent from their own memory rather than copied (``shared(_:)``).
  static let sharedBodyThreshold = 64 * 1024

  /// A complete response with an exact `Content-Length`: libmicrohttpd copies a small `body`; a large
  /// one is sent from its own memory (``shared(_:)``).
  static func complete(_ body: Data) -> HTTPResponse? {
    if body.count >= sharedBodyThreshold { return shared(body) }
    let handle: OpaquePointer? = body.withUnsafeBytes { raw in
      guard let base = raw.baseAddress, raw.count > 0 else {
        return MHD_create_response_from_buffer(0, nil, .RESPMEM_PERSISTENT)
      }
      return MHD_create_response_from_buffer(
        raw.count, UnsafeMutableRawPointer(mutating: base), .RESPMEM_MUST_COPY)
    }
    return handle.map(HTTPResponse.init(handle:))
  }

  /// A complete response sent straight from `body`'s memory (a stored file part, or a slice of one):
  /// no copy is made; `body` is kept alive until libmicrohttpd destroys the response.
  ///
  /// Only for bodies of ``sharedBodyThreshold`` bytes or more: such a `Data` keeps its bytes in a heap
  /// block that does not move while a value holding it lives and nobody mutates it (an inline `Data`,
  /// at most a few bytes, would hand out a pointer to a temporary).
  static func shared(_ body: Data) -> HTTPResponse? {
    let box = Unmanaged.passRetained(SharedBody(body))
    let handle: OpaquePointer? = box.takeUnretainedValue().body.withUnsafeBytes { raw in
      guard let base = raw.baseAddress, raw.count >= sharedBodyThreshold else { return nil }
      return MHD_create_response_from_buffer_with_free_callback_cls(
        raw.count, UnsafeMutableRawPointer(mutating: base),
        { context in
          guard let context else { return }
          Unmanaged<SharedBody>.fromOpaque(context).release()
        }, box.toOpaque())
    }
    guard let handle else {
      // libmicrohttpd did not take the body, so its free callback will never run.
      box.release()
      return nil
    }
    return HTTPResponse(handle: handle)
  }

  /// The body a shared response sends, held until libmicrohttpd frees it.
  private final class SharedBody {
    let body: Data
    init(_ body: Data) { self.body = body }
  }

  /// Declares `Content-Length: body.count` but produces only the first `sendBytes` bytes; the content
  /// reader then reports an error and libmicrohttpd closes the connection after flushing what it has.
  ///
  /// With `sendBytes` 0, libmicrohttpd 0.9.75 marks the connection closed but only cleans it up on the
  /// connection's next socket event, so the client would wait for its timeout. The reader therefore also
  /// shuts down the sending side of `socket` (the headers are already sent when the body reader first
  /// runs): the client sees the head, then FIN, and its close is the event that finishes the cleanup.
  static func truncated(_ body: Data, sendBytes: Int, socket: Int32) -> HTTPResponse? {
    let limit = max(0, min(sendBytes, body.count))
    let source = BodySource(bytes: [UInt8](body), limit: limit, shutdownSocket: limit == 0 ? socket : -1)
    return fromCallback(size: UInt64(body.count), source: source)
  }

  /// No `Content-Length` and no chunked encoding: the body ends when the connection closes
  /// (`MHD_SIZE_UNKNOWN` with `MHD_RF_HTTP_1_0_COMPATIBLE_STRICT`).
  static func closeDelimited(_ body: Data) -> HTTPResponse? {
    let bytes = [UInt8](body)
    let source = BodySource(bytes: bytes, limit: bytes.count, shutdownSocket: -1)
    let block = max(1024, min(bytes.count, 64 * 1024))
    guard let response = fromCallback(size: dx_mhd_size_unknown(), blockSize: block, source: source) else {
      return nil
    }
    guard dx_mhd_set_response_flags(response.handle, .RF_HTTP_1_0_COMPATIBLE_STRICT) == .YES else {
      return nil
    }
    return response
  }

  /// A complete response (exact `Content-Length`) whose body goes out as `pacing` says.
  ///
  /// When the body must wait, the content reader calls `pause` with the milliseconds to wait (the
  /// caller suspends the connection and resumes it after that time) and hands libmicrohttpd no bytes;
  /// libmicrohttpd asks again once resumed. `cancelled` (the server is stopping) ends all waiting.
  static func paced(
    _ body: Data, pacing: DXMockPacing, pause: @escaping (Int) -> Void, cancelled: @escaping () -> Bool
  ) -> HTTPResponse? {
    let source = PacedSource(bytes: [UInt8](body), pacing: pacing, pause: pause, cancelled: cancelled)
    return fromCallback(size: UInt64(body.count), blockSize: 16 * 1024, source: source)
  }

  /// A `101 Switching Protocols` response: once it is sent, libmicrohttpd calls `upgraded` with the
  /// socket (on its own thread; `upgraded` must not block).
  ///
  /// The context is released when libmicrohttpd calls back; if the connection breaks before the
  /// response is sent it never calls back, and the small context is not freed (libmicrohttpd has no
  /// hook for that).
  static func upgrade(_ upgraded: @escaping @Sendable (Int32, OpaquePointer, [UInt8]) -> Void)
    -> HTTPResponse?
  {
    let context = Unmanaged.passRetained(UpgradeContext(upgraded))
    let handle = MHD_create_response_for_upgrade(
      { context, _, _, extra, extraSize, socket, urh in
        guard let context else { return }
        let box = Unmanaged<UpgradeContext>.fromOpaque(context).takeRetainedValue()
        guard let urh else { return }
        var bytes: [UInt8] = []
        if let extra, extraSize > 0 {
          bytes = Array(UnsafeRawBufferPointer(start: extra, count: extraSize))
        }
        box.upgraded(socket, urh, bytes)
      }, context.toOpaque())
    guard let handle else {
      context.release()
      return nil
    }
    return HTTPResponse(handle: handle)
  }

  /// The closure an upgrade response calls, boxed for libmicrohttpd's context pointer.
  private final class UpgradeContext {
    let upgraded: @Sendable (Int32, OpaquePointer, [UInt8]) -> Void
    init(_ upgraded: @escaping @Sendable (Int32, OpaquePointer, [UInt8]) -> Void) { self.upgraded = upgraded }
  }

  /// Adds a header field; `false` when libmicrohttpd rejects it (e.g. a value with a line break).
  @discardableResult
  func addHeader(_ name: String, _ value: String) -> Bool {
    // `withCString` lends a native string's own bytes; passing the strings directly made a C copy of each.
    name.withCString { name in
      value.withCString { value in MHD_add_response_header(handle, name, value) == .YES }
    }
  }

  /// Adds a header field named by a constant, lent to libmicrohttpd as it is (a literal is
  /// NUL-terminated; passing a `String` makes libmicrohttpd's copy from a temporary C copy); `false`
  /// when libmicrohttpd rejects it.
  @discardableResult
  func addHeader(constant name: StaticString, _ value: String) -> Bool {
    guard name.hasPointerRepresentation else { return addHeader(name.description, value) }
    let cName = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    return value.withCString { value in MHD_add_response_header(handle, cName, value) == .YES }
  }

  /// Adds a header field whose name and value are constants; `false` when libmicrohttpd rejects it.
  @discardableResult
  func addHeader(constant name: StaticString, constant value: StaticString) -> Bool {
    guard value.hasPointerRepresentation else { return addHeader(constant: name, value.description) }
    let cValue = UnsafeRawPointer(value.utf8Start).assumingMemoryBound(to: CChar.self)
    guard name.hasPointerRepresentation else {
      return name.description.withCString { MHD_add_response_header(handle, $0, cValue) == .YES }
    }
    let cName = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    return MHD_add_response_header(handle, cName, cValue) == .YES
  }

  /// Removes the field `name: value` (a constant name, as ``addHeader(constant:_:)`` adds it); `false`
  /// when the response has no such field.
  @discardableResult
  func removeHeader(constant name: StaticString, _ value: String) -> Bool {
    guard name.hasPointerRepresentation else {
      return name.description.withCString { name in
        value.withCString { MHD_del_response_header(handle, name, $0) == .YES }
      }
    }
    let cName = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    return value.withCString { value in MHD_del_response_header(handle, cName, value) == .YES }
  }

  /// Writes `newValue` over the value of the field `name: oldValue` (a constant name, as
  /// ``addHeader(constant:_:)`` adds it) where the field is, when both values have the same length;
  /// `false`, and nothing changed, when they do not or the response's first `name` field is not
  /// `oldValue`.
  ///
  /// libmicrohttpd keeps its own copy of each value, and `MHD_get_response_header` returns that copy;
  /// the response's head is built from it each time the response is queued, with the length it was
  /// added with (hence the same length). Unlike a removal and an addition (three `free`s, three
  /// `malloc`s, and the fields after it moved to keep their order), this writes a few bytes. Only
  /// for a response that is not queued on any connection.
  @discardableResult
  func overwriteHeader(constant name: StaticString, _ oldValue: String, with newValue: String) -> Bool {
    guard name.hasPointerRepresentation else { return false }
    let cName = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    guard let stored = MHD_get_response_header(handle, cName) else { return false }
    var oldValue = oldValue
    var newValue = newValue
    return oldValue.withUTF8 { old in
      newValue.withUTF8 { new in
        guard old.count == new.count, let oldBase = old.baseAddress, let newBase = new.baseAddress,
          strlen(stored) == old.count, memcmp(stored, oldBase, old.count) == 0
        else { return false }
        memcpy(UnsafeMutableRawPointer(mutating: stored), newBase, new.count)
        return true
      }
    }
  }

  // MARK: - Content reader

  /// What a callback response's content reader asks for its bytes (one subclass per recipe).
  private class ContentSource {
    /// Copies the bytes from `offset` into `buffer` (at most `capacity`) and returns how many, or one of
    /// libmicrohttpd's end markers, or 0 after arranging to be asked again.
    func read(at offset: Int, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
      MHD_CONTENT_READER_END_WITH_ERROR
    }
  }

  /// The bytes a callback response produces: `bytes[0..<limit]`, then the end (of stream when the limit
  /// is the whole body, with an error otherwise, which closes the connection).
  private final class BodySource: ContentSource {
    let bytes: [UInt8]
    let limit: Int
    /// A socket to shut down for writing when the limit is reached at offset 0, or -1.
    let shutdownSocket: Int32

    init(bytes: [UInt8], limit: Int, shutdownSocket: Int32) {
      self.bytes = bytes
      self.limit = limit
      self.shutdownSocket = shutdownSocket
    }

    override func read(at offset: Int, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
      guard offset < limit else {
        if offset == 0, shutdownSocket >= 0 { shutdown(shutdownSocket, Int32(SHUT_WR)) }
        return limit < bytes.count ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM
      }
      let count = min(capacity, limit - offset)
      bytes.withUnsafeBufferPointer { bytes in
        guard let base = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
      }
      return count
    }
  }

  /// The body of a paced response and where its pacing stands (touched only by the connection's
  /// content-reader calls, one at a time).
  private final class PacedSource: ContentSource {
    let bytes: [UInt8]
    let pacing: DXMockPacing
    let pause: (Int) -> Void
    let cancelled: () -> Bool
    var start: ContinuousClock.Instant?
    var stalled = false

    init(
      bytes: [UInt8], pacing: DXMockPacing, pause: @escaping (Int) -> Void, cancelled: @escaping () -> Bool
    ) {
      self.bytes = bytes
      self.pacing = pacing
      self.pause = pause
      self.cancelled = cancelled
    }

    override func read(at offset: Int, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
      guard offset < bytes.count else { return MHD_CONTENT_READER_END_OF_STREAM }
      var limit = min(capacity, bytes.count - offset)
      if !cancelled() {
        let now = ContinuousClock.now
        let started = start ?? now
        start = started
        if let stallAt = pacing.stallAfterBytes, !stalled {
          if offset >= stallAt {
            stalled = true
            if pacing.stallMs > 0 {
              pause(pacing.stallMs)
              return 0
            }
          } else {
            limit = min(limit, stallAt - offset)
          }
        }
        let elapsed = now - started
        let elapsedMs =
          Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        let (allowed, waitMs) = pacing.allowance(
          offset: offset, elapsedMs: elapsedMs, pausedMs: stalled ? pacing.stallMs : 0)
        if allowed == 0 {
          pause(waitMs)
          return 0
        }
        limit = min(limit, allowed)
      }
      bytes.withUnsafeBufferPointer { all in
        guard let base = all.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: limit)
      }
      return limit
    }
  }

  /// A response whose body `source` produces on demand, in blocks of `blockSize` bytes (default: the
  /// body's size, 1 KiB to 64 KiB).
  private static func fromCallback(size: UInt64, blockSize: Int? = nil, source: ContentSource)
    -> HTTPResponse?
  {
    let context = Unmanaged.passRetained(source)
    let block = blockSize ?? max(1024, min(Int(clamping: size), 64 * 1024))
    let handle = MHD_create_response_from_callback(
      size, block,
      { context, position, buffer, capacity in
        guard let context, let buffer else { return MHD_CONTENT_READER_END_WITH_ERROR }
        let source = Unmanaged<ContentSource>.fromOpaque(context).takeUnretainedValue()
        return source.read(at: Int(clamping: position), into: buffer, capacity: capacity)
      },
      context.toOpaque(),
      { context in
        guard let context else { return }
        Unmanaged<ContentSource>.fromOpaque(context).release()
      })
    guard let handle else {
      // libmicrohttpd did not take the context, so its free callback will never run.
      context.release()
      return nil
    }
    return HTTPResponse(handle: handle)
  }
}
