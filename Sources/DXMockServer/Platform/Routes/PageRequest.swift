import DXWire

/// The paging inputs of an ID-ordered search (`limit`, `starting`) and how to answer a page.
///
/// `starting` is the `next` of an earlier page: the first ID the page holds.
struct PageRequest {
  /// At most this many results (1…1000, default 1000).
  var limit = 1000
  /// Results start at this ID.
  var starting: String?

  /// Reads `limit` and `starting`.
  /// - Throws: InvalidInput for a bad limit or a `starting` that is not a string.
  init(_ input: PlatformInput) throws(DXPlatformError) {
    if let limit = try input.pageLimit() { self.limit = limit }
    if let value = input.fields["starting"], !value.isNull {
      guard let id = value.stringValue else {
        throw .invalidInput("\"starting\" is not a pagination token returned by this search")
      }
      starting = id
    }
  }

  /// `{"results": [entry(id)…], "next": <first ID left out, or null>}` for the sorted `ids`.
  func answer(_ ids: [String], entry: (String) throws(DXPlatformError) -> DXJSON) throws(DXPlatformError)
    -> DXJSON
  {
    var results: [DXJSON] = []
    var next: DXJSON = .null
    for id in ids where starting.map({ id >= $0 }) ?? true {
      if results.count == limit {
        next = .string(id)
        break
      }
      results.append(try entry(id))
    }
    return ["results": .array(results), "next": next]
  }
}
