import DXWire
import Foundation

/// Fills `{{request.…}}` references in a stub's response from the request (see ``DXStub``).
struct StubTemplate {
  let request: DXMockRequest
  let subject: MatchSubject

  /// `value` with every string rendered; a string that is exactly one `{{request.body.…}}` reference
  /// becomes that member's JSON value.
  func render(_ value: DXJSON) -> DXJSON {
    switch value {
    case .string(let text):
      if let reference = Self.soleReference(text), reference.hasPrefix("request.body") {
        return bodyValue(reference) ?? .null
      }
      return .string(render(text))
    case .array(let elements): return .array(elements.map(render))
    case .object(let members): return .object(members.mapValues(render))
    default: return value
    }
  }

  /// `text` with every `{{…}}` reference replaced (unknown ones by nothing).
  func render(_ text: String) -> String {
    guard text.contains("{{") else { return text }
    var out = ""
    var rest = text[...]
    while let open = rest.range(of: "{{") {
      out += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        out += rest[open.lowerBound...]
        return out
      }
      let reference = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      out += resolve(reference)
      rest = rest[close.upperBound...]
    }
    return out + rest
  }

  private static func soleReference(_ text: String) -> String? {
    guard text.hasPrefix("{{"), text.hasSuffix("}}"), text.count > 4 else { return nil }
    let inner = text.dropFirst(2).dropLast(2)
    guard !inner.contains("{{"), !inner.contains("}}") else { return nil }
    return inner.trimmingCharacters(in: .whitespaces)
  }

  private func resolve(_ reference: String) -> String {
    let parts = reference.split(separator: ".", maxSplits: 2).map(String.init)
    guard parts.first == "request", parts.count >= 2 else { return "" }
    let rest = parts.count > 2 ? parts[2] : nil
    switch parts[1] {
    case "method": return request.method
    case "id": return request.requestID
    case "objectID": return subject.object?.id ?? ""
    case "objectClass": return subject.object?.objectClass ?? ""
    case "path":
      guard let rest else { return request.path }
      let segments = request.path.split(separator: "/")
      guard let index = Int(rest), segments.indices.contains(index) else { return "" }
      return String(segments[index])
    case "query": return rest.flatMap { request.queryValue($0) } ?? ""
    case "headers": return rest.flatMap { request.headers[$0] } ?? ""
    case "body":
      guard let value = bodyValue(reference) else { return "" }
      if let text = value.stringValue { return text }
      return value.serializedString(sortedKeys: true)
    default: return ""
    }
  }

  /// The member of the JSON body a `request.body[.a.b…]` reference names.
  private func bodyValue(_ reference: String) -> DXJSON? {
    guard var value = subject.bodyJSON else { return nil }
    for key in reference.split(separator: ".").dropFirst(2) {
      if let index = Int(key), let element = value[index] {
        value = element
      } else if let member = value[String(key)] {
        value = member
      } else {
        return nil
      }
    }
    return value
  }
}
