import DXWire
import Foundation

/// An HTTP request as the mock server received it, body read in full.
///
/// A value type whose fields live in one shared, copy-on-write storage object: a copy (the pipeline
/// hands a request to the journal, the fault rules, the router and the route) costs one reference
/// count instead of one per field, and a change to a copy copies the storage first.
public struct DXMockRequest: Sendable {
  /// The fields; shared between copies until one of them changes a field (``unique()``).
  ///
  /// Its properties skip the runtime's exclusivity checks (`@exclusivity(unchecked)`): a storage object
  /// is only written while one value holds it (``unique()``), through one accessor at a time, and every
  /// request reads them many times.
  private final class Storage: @unchecked Sendable {
    @exclusivity(unchecked) var method: String
    @exclusivity(unchecked) var path: String
    @exclusivity(unchecked) var query: [(name: String, value: String)]
    @exclusivity(unchecked) var headers: DXHTTPHeaders
    @exclusivity(unchecked) var body: Data
    @exclusivity(unchecked) var remoteAddress: String
    @exclusivity(unchecked) var requestID: String
    @exclusivity(unchecked) var bodyMD5: String?

    init(
      method: String, path: String, query: [(name: String, value: String)], headers: DXHTTPHeaders,
      body: Data, remoteAddress: String, requestID: String, bodyMD5: String?
    ) {
      self.method = method
      self.path = path
      self.query = query
      self.headers = headers
      self.body = body
      self.remoteAddress = remoteAddress
      self.requestID = requestID
      self.bodyMD5 = bodyMD5
    }

    func copy() -> Storage {
      Storage(
        method: method, path: path, query: query, headers: headers, body: body, remoteAddress: remoteAddress,
        requestID: requestID, bodyMD5: bodyMD5)
    }
  }

  // `@unchecked Sendable` above: a storage object is changed only through ``unique()``, that is only
  // while one request value holds it, so shared storage is never written.
  private var storage: Storage

  /// Makes the storage this value's own before a field changes.
  private mutating func unique() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
  }

  /// The upper-case method.
  public var method: String {
    get { storage.method }
    _modify {
      unique()
      yield &storage.method
    }
  }
  /// The path, without the query string, as it appeared on the request line.
  public var path: String {
    get { storage.path }
    _modify {
      unique()
      yield &storage.path
    }
  }
  /// The query arguments, in order (empty when there is no query string).
  public var query: [(name: String, value: String)] {
    get { storage.query }
    _modify {
      unique()
      yield &storage.query
    }
  }
  /// The header fields, in order.
  public var headers: DXHTTPHeaders {
    get { storage.headers }
    _modify {
      unique()
      yield &storage.headers
    }
  }
  /// The body bytes.
  public var body: Data {
    get { storage.body }
    _modify {
      unique()
      defer { storage.bodyMD5 = nil }
      yield &storage.body
    }
  }
  /// The peer's IP address, e.g. `"127.0.0.1"`.
  public var remoteAddress: String {
    get { storage.remoteAddress }
    _modify {
      unique()
      yield &storage.remoteAddress
    }
  }
  /// The `X-Request-ID` the server gives this request's response.
  public var requestID: String {
    get { storage.requestID }
    _modify {
      unique()
      yield &storage.requestID
    }
  }
  /// The MD5 of ``body`` (lower-case hex) when the server computed it while the body arrived (file
  /// uploads); dropped whenever the body changes.
  var bodyMD5: String? {
    get { storage.bodyMD5 }
    _modify {
      unique()
      yield &storage.bodyMD5
    }
  }

  /// Creates a request.
  public init(
    method: String, path: String, query: [(name: String, value: String)] = [],
    headers: DXHTTPHeaders = [:], body: Data = Data(), remoteAddress: String = "127.0.0.1",
    requestID: String = ""
  ) {
    storage = Storage(
      method: method, path: path, query: query, headers: headers, body: body, remoteAddress: remoteAddress,
      requestID: requestID, bodyMD5: nil)
  }

  /// The first query argument named `name`, or `nil`.
  public func queryValue(_ name: String) -> String? {
    query.first { $0.name == name }?.value
  }
}
