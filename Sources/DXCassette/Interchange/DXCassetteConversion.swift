/// The result of converting between a cassette and another format: what was converted, and a note
/// for each interaction that could not be carried over whole (nothing is dropped silently).
public struct DXCassetteConversion<Value: Sendable>: Sendable {
  /// One thing the target format could not hold.
  public struct Note: Sendable, Hashable, CustomStringConvertible {
    /// Where: `"#12"` for a cassette interaction (its id), `"entries[3]"` or `"interactions[3]"` for
    /// a position in the file.
    public var location: String
    /// What was lost or changed, and how it was handled.
    public var message: String

    /// Creates a note.
    public init(location: String, message: String) {
      self.location = location
      self.message = message
    }

    /// `location: message`.
    public var description: String { "\(location): \(message)" }
  }

  /// The converted value: interactions (import) or the document's text (export).
  public var value: Value
  /// What could not be carried over whole, in source order.
  public var notes: [Note]

  /// Creates a result.
  public init(value: Value, notes: [Note] = []) {
    self.value = value
    self.notes = notes
  }
}
