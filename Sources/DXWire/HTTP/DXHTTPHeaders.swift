/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and the spelling of names are kept as given, so what is recorded or echoed is what was
/// sent; lookups and removals ignore the case of names, as HTTP requires.
public struct DXHTTPHeaders: Sendable, Hashable {
  /// One header field.
  public struct Field: Sendable, Hashable {
    /// The name as it was given.
    public var name: String
    /// The value.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// The fields, in order.
  public var fields: [Field]

  /// Creates headers from fields, in order.
  public init(_ fields: [Field] = []) { self.fields = fields }

  /// Creates headers from name–value pairs, in order.
  public init(_ pairs: [(String, String)]) {
    self.fields = pairs.map { Field(name: $0.0, value: $0.1) }
  }

  /// The first value of the field `name` (case-insensitive), or `nil`.
  public subscript(name: String) -> String? {
    get { fields.first { Self.namesMatch($0.name, name) }?.value }
    set {
      if let newValue {
        replaceOrAdd(name: name, value: newValue)
      } else {
        remove(name: name)
      }
    }
  }

  /// Every value of the field `name` (case-insensitive), in order.
  public func values(for name: String) -> [String] {
    fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
  }

  /// Whether a field named `name` (case-insensitive) is present.
  public func contains(_ name: String) -> Bool { self[name] != nil }

  /// Appends a field, keeping any existing field of the same name.
  public mutating func add(name: String, value: String) {
    fields.append(Field(name: name, value: value))
  }

  /// Replaces every field named `name` with one field, at the position of the first, or appends it.
  public mutating func replaceOrAdd(name: String, value: String) {
    if let first = fields.firstIndex(where: { Self.namesMatch($0.name, name) }) {
      fields[first] = Field(name: name, value: value)
      var index = fields.index(after: first)
      while index < fields.endIndex {
        if Self.namesMatch(fields[index].name, name) {
          fields.remove(at: index)
        } else {
          index = fields.index(after: index)
        }
      }
    } else {
      fields.append(Field(name: name, value: value))
    }
  }

  /// Removes every field named `name` (case-insensitive).
  public mutating func remove(name: String) {
    fields.removeAll { Self.namesMatch($0.name, name) }
  }

  /// Whether there are no fields.
  public var isEmpty: Bool { fields.isEmpty }
}

extension DXHTTPHeaders: ExpressibleByDictionaryLiteral {
  /// Creates headers from a literal, in order.
  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements.map { Field(name: $0.0, value: $0.1) })
  }
}

extension DXHTTPHeaders: Sequence {
  /// Iterates the fields in order.
  public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
