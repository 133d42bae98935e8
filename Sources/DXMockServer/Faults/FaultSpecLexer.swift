import DXWire

/// Splits a `--fault` spec into words: white space separates words; `"…"` or `'…'` quote a run
/// (inside double quotes, `\"` and `\\` are escapes), so `message="Down for maintenance"` is one word.
enum FaultSpecLexer {
  /// The words of `spec`.
  /// - Throws: ``DXFaultRule/ParseError`` when a quote is not closed.
  static func words(_ spec: String) throws(DXFaultRule.ParseError) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for character in spec {
      if let open = quote {
        if escaped {
          current.append(character)
          escaped = false
        } else if open == "\"" && character == "\\" {
          escaped = true
        } else if character == open {
          quote = nil
        } else {
          current.append(character)
        }
      } else if character == "\"" || character == "'" {
        quote = character
        inWord = true
      } else if character.isWhitespace {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(character)
        inWord = true
      }
    }
    if quote != nil { throw .invalid("a quote is not closed") }
    if inWord { words.append(current) }
    return words
  }

  /// `value` as one spec word: unchanged when it is plain, else double-quoted with `"` and `\`
  /// escaped.
  static func quoted(_ value: String) -> String {
    let plain =
      !value.isEmpty
      && !value.contains { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" }
    if plain { return value }
    var result = "\""
    for character in value {
      if character == "\"" || character == "\\" { result.append("\\") }
      result.append(character)
    }
    result.append("\"")
    return result
  }
}
