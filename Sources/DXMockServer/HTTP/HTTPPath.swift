/// A cheap first look at the path of every request.
enum HTTPPath {
  /// The path's second byte (the one after the leading `/`), or `nil` for a shorter path.
  ///
  /// Several prefixes are asked of every request (the admin API's `/__admin`, file transfers' `/F/`),
  /// and most paths differ from all of them in this byte: comparing it first decides those without
  /// `hasPrefix`. It decides exactly as `hasPrefix` would: `/`, `_` and `F` have no canonically
  /// equivalent text, so a path that starts with such a prefix in `hasPrefix`'s sense has the
  /// prefix's bytes.
  static func secondByte(_ path: String) -> UInt8? {
    let utf8 = path.utf8
    guard utf8.startIndex != utf8.endIndex else { return nil }
    let second = utf8.index(after: utf8.startIndex)
    return second == utf8.endIndex ? nil : utf8[second]
  }
}
