import DXCore

/// Deterministic, readable JSON: keys sorted, two-space indentation, short scalar arrays on one line.
///
/// The same value always renders to the same bytes, which is what a git textconv driver needs.
enum DXCassettePrettyJSON {
  /// The longest one-line rendering of a scalar array before it is broken over lines.
  static let inlineWidth = 100

  /// `value` rendered, ending without a newline.
  static func render(_ value: DXJSON) -> String {
    var output = ""
    write(value, indent: 0, into: &output)
    return output
  }

  private static func write(_ value: DXJSON, indent: Int, into output: inout String) {
    switch value {
    case .array(let elements):
      if elements.isEmpty {
        output += "[]"
        return
      }
      if elements.allSatisfy(isScalar) {
        let inline = "[" + elements.map { $0.serializedString() }.joined(separator: ", ") + "]"
        if inline.count <= inlineWidth {
          output += inline
          return
        }
      }
      output += "[\n"
      for (index, element) in elements.enumerated() {
        output += String(repeating: "  ", count: indent + 1)
        write(element, indent: indent + 1, into: &output)
        output += index == elements.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: "  ", count: indent) + "]"
    case .object(let object):
      if object.isEmpty {
        output += "{}"
        return
      }
      output += "{\n"
      let keys = object.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      for (index, key) in keys.enumerated() {
        output += String(repeating: "  ", count: indent + 1)
        output += DXJSON.string(key).serializedString() + ": "
        if let child = object[key] { write(child, indent: indent + 1, into: &output) }
        output += index == keys.count - 1 ? "\n" : ",\n"
      }
      output += String(repeating: "  ", count: indent) + "}"
    default:
      output += value.serializedString()
    }
  }

  private static func isScalar(_ value: DXJSON) -> Bool {
    switch value {
    case .array, .object: return false
    default: return true
    }
  }
}
