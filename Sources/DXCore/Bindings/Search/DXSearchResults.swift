/// The results of a `system/find…` search as an `AsyncSequence`, fetched page by page as dxpy's
/// `_find` does: the first page asks for `firstPageSize` results (or the caller's `limit`), each next
/// page passes the reply's `next` as `starting` and doubles the page size up to 1000, and the sequence
/// stops after `limit` results.
///
/// ```swift
/// for try await file in try client.findDataObjects(.init(objectClass: "file", project: p.id)) {
///   print(file.id)
/// }
/// ```
public struct DXSearchResults<Description: DXDescription>: AsyncSequence, Sendable {
  /// One result.
  public typealias Element = DXSearchResult<Description>

  let client: DXClient
  let route: String
  let query: [String: DXJSON]
  /// The most results the sequence yields, or `nil` for all.
  public let limit: Int?
  let options: DXRequestOptions

  /// A search over `route` (e.g. `/system/findDataObjects`) with `query`.
  /// - Parameters:
  ///   - limit: The most results; also the first page size when given.
  ///   - firstPageSize: The first page size when `query` has no `limit`. Default 100.
  init(
    client: DXClient, route: String, query: [String: DXJSON], limit: Int?, firstPageSize: Int,
    options: DXRequestOptions
  ) {
    var query = query
    if let limit { query["limit"] = .integer(limit) }
    if query["limit"] == nil { query["limit"] = .integer(firstPageSize) }
    self.client = client
    self.route = route
    self.query = query
    self.limit = limit
    self.options = options
  }

  /// The query the first page sends.
  public var firstQuery: DXJSON { .object(query) }

  /// Starts iterating.
  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(search: self) }

  /// Fetches pages as results are consumed.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let search: DXSearchResults
    var query: [String: DXJSON]
    var page: [DXJSON] = []
    var position = 0
    var yielded = 0
    var finished = false

    init(search: DXSearchResults) {
      self.search = search
      query = search.query
    }

    /// The next result, fetching the next page when needed.
    /// - Throws: The platform's errors; ``DXBindingError/malformedReply(_:)`` for a reply without
    ///   `results`.
    public mutating func next() async throws -> DXSearchResult<Description>? {
      while true {
        if let limit = search.limit, yielded >= limit { return nil }
        if position < page.count {
          let result = try DXSearchResult<Description>(json: page[position])
          position += 1
          yielded += 1
          return result
        }
        if finished { return nil }
        try Task.checkCancellation()
        let reply = try await search.client.call(search.route, .object(query), options: search.options)
        guard let results = reply["results"]?.arrayValue else {
          throw DXBindingError.malformedReply("\(search.route) returned no results")
        }
        page = results
        position = 0
        if let next = reply["next"], !next.isNull {
          query["starting"] = next
          query["limit"] = .integer(Swift.min((query["limit"]?.intValue ?? 100) * 2, 1000))
        } else {
          finished = true
        }
      }
    }
  }

  /// The single result of the search (dxpy's `find_one_*`): asks for one result, or two when
  /// `moreOK` is false to tell one from many.
  /// - Parameters:
  ///   - zeroOK: Return `nil` when there is none instead of throwing. Default `false`.
  ///   - moreOK: Accept more than one (the first is returned). Default `true`.
  /// - Throws: ``DXBindingError/search(_:)`` ("Expected one result, but found none/more").
  public func one(zeroOK: Bool = false, moreOK: Bool = true) async throws -> DXSearchResult<Description>? {
    var query = self.query
    query.removeValue(forKey: "limit")
    let bounded = DXSearchResults(
      client: client, route: route, query: query, limit: moreOK ? 1 : 2, firstPageSize: 100, options: options)
    var iterator = bounded.makeAsyncIterator()
    guard let first = try await iterator.next() else {
      if zeroOK { return nil }
      throw DXBindingError.search("Expected one result, but found none: \(bounded.firstQuery)")
    }
    if !moreOK, try await iterator.next() != nil {
      throw DXBindingError.search("Expected one result, but found more: \(bounded.firstQuery)")
    }
    return first
  }

  /// Every result, in order.
  public func collect() async throws -> [DXSearchResult<Description>] {
    var results: [DXSearchResult<Description>] = []
    for try await result in self { results.append(result) }
    return results
  }
}
