import DXCore

/// A request pattern: an optional method and a path with `*` globs (`/file-*/describe`).
public struct DXCassetteRequestPattern: Sendable, Hashable {
  /// The method, or `nil` for any.
  public var method: String?
  /// The path; `*` matches any run of characters except `/`.
  public var path: String

  /// Creates a pattern.
  public init(method: String? = nil, path: String) {
    self.method = method
    self.path = path
  }

  /// Whether `request` matches.
  public func matches(_ request: DXTransportRequest) -> Bool {
    if let method, method.uppercased() != request.method.uppercased() { return false }
    return Self.glob(Array(path.utf8)[...], Array(DXCassetteURL.path(of: request.url).utf8)[...])
  }

  private static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
    guard let first = pattern.first else { return text.isEmpty }
    if first == UInt8(ascii: "*") {
      var rest = text
      while true {
        if glob(pattern.dropFirst(), rest) { return true }
        guard let next = rest.first, next != UInt8(ascii: "/") else { return false }
        rest = rest.dropFirst()
      }
    }
    guard let character = text.first, character == first else { return false }
    return glob(pattern.dropFirst(), text.dropFirst())
  }
}
