import DXWire
import Foundation

extension DXFaultRule {
  /// How a rule matches one query argument or header field.
  ///
  /// JSON: a plain string matches that exact value; an object holds one of `{"present":true}`,
  /// `{"present":false}` (absent), `{"equals":"v"}` or `{"matches":"REGEX"}` (an ICU regular
  /// expression that must match the whole value). Spec syntax (`header.NAME=…`, `query.NAME=…`):
  /// `*` present, `!` absent, `~REGEX` a regular expression, anything else the exact value.
  public struct ValuePattern: Sendable, Hashable {
    /// What the pattern checks.
    public enum Kind: Sendable, Hashable {
      /// The field is there (any value).
      case present
      /// The field is not there.
      case absent
      /// The field's value is exactly this text.
      case equals(String)
      /// The field's whole value matches this regular expression.
      case matches(String)
    }

    /// What the pattern checks.
    public let kind: Kind
    private let regex: RegexBox?

    /// Creates a pattern; a regular expression is compiled here.
    /// - Throws: ``DXFaultRule/ParseError`` naming `field` when the regular expression does not
    ///   compile or is longer than 1,024 characters.
    public init(_ kind: Kind, field: String) throws(DXFaultRule.ParseError) {
      self.kind = kind
      if case .matches(let pattern) = kind {
        guard pattern.count <= 1024, let compiled = try? NSRegularExpression(pattern: pattern) else {
          throw .invalid("\(field) is not a valid regular expression: \"\(pattern)\"")
        }
        regex = RegexBox(pattern: pattern, expression: compiled)
      } else {
        regex = nil
      }
    }

    /// Whether `value` (`nil` when the field is missing) satisfies the pattern.
    public func matches(_ value: String?) -> Bool {
      switch kind {
      case .present: return value != nil
      case .absent: return value == nil
      case .equals(let expected): return value == expected
      case .matches:
        guard let value, let regex else { return false }
        let range = NSRange(value.startIndex..., in: value)
        guard let found = regex.expression.firstMatch(in: value, options: [.anchored], range: range) else {
          return false
        }
        return found.range.location == 0 && found.range.length == range.length
      }
    }

    /// Parses the spec form: `*`, `!`, `~REGEX` or an exact value.
    static func parse(spec text: String, field: String) throws(DXFaultRule.ParseError) -> ValuePattern {
      if text == "*" { return try ValuePattern(.present, field: field) }
      if text == "!" { return try ValuePattern(.absent, field: field) }
      if text.hasPrefix("~") { return try ValuePattern(.matches(String(text.dropFirst())), field: field) }
      return try ValuePattern(.equals(text), field: field)
    }

    /// Parses the JSON form (see the type's documentation).
    static func parse(json: DXJSON, field: String) throws(DXFaultRule.ParseError) -> ValuePattern {
      if let text = json.stringValue { return try ValuePattern(.equals(text), field: field) }
      let fields = try FaultJSONFields(json, path: field)
      try fields.rejectUnknown(allowed: ["present", "equals", "matches"])
      guard fields.members.count == 1 else {
        throw .invalid("\(field) must have exactly one of present, equals, matches")
      }
      if let present = fields.value("present") {
        guard let flag = present.boolValue else {
          throw .invalid("\(fields.name("present")) must be true or false")
        }
        return try ValuePattern(flag ? .present : .absent, field: field)
      }
      if let text = try fields.string("equals") { return try ValuePattern(.equals(text), field: field) }
      guard let pattern = try fields.string("matches") else {
        throw .invalid("\(field) must have exactly one of present, equals, matches")
      }
      return try ValuePattern(.matches(pattern), field: fields.name("matches"))
    }

    /// The JSON form.
    var json: DXJSON {
      switch kind {
      case .present: return ["present": true]
      case .absent: return ["present": false]
      case .equals(let text): return .string(text)
      case .matches(let pattern): return ["matches": .string(pattern)]
      }
    }

    /// The spec form of the value.
    var spec: String {
      switch kind {
      case .present: return "*"
      case .absent: return "!"
      case .equals(let text): return text
      case .matches(let pattern): return "~" + pattern
      }
    }

    public static func == (lhs: ValuePattern, rhs: ValuePattern) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
  }
}

/// A compiled regular expression with its text (the text is what equality and hashing see).
struct RegexBox: @unchecked Sendable {
  // NSRegularExpression is immutable once created and documented as safe to use from any thread.
  let pattern: String
  let expression: NSRegularExpression
}
