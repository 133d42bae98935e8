import Foundation

/// The body part of a request's match key computed in one pass over the body's bytes, without
/// building a ``DXJSON`` tree: the FNV-1a hash of exactly the bytes that
/// `DXCassetteMatching.canonicalBody(_:placeholder:)` serialized with sorted keys would give.
///
/// It handles the common subset and declines (`nil`) everything else, which then takes the general
/// code: strings are ASCII without escapes, numbers are integers of at most 18 digits (not `-0`),
/// nesting is at most ``maximumDepth`` levels, an object has no repeated key, and the placeholder
/// does not occur in the body at all. Within that subset the canonical text of a string, integer or
/// literal is its own bytes, so the hasher only drops white space and ignored members and puts an
/// object's members in key order: in the order written when their keys already increase (the
/// client's own bodies, serialized with sorted keys), else by sorting that object's members.
struct DXCanonicalJSONHasher {
  /// What the hasher needs from the matching settings, worked out once per cassette.
  struct Plan: Sendable {
    /// The ignored field names' bytes.
    let ignoredNames: [[UInt8]]
    /// The redaction placeholder's bytes.
    let placeholder: [UInt8]

    /// The plan for `matching` and `placeholder`, or `nil` when the hasher cannot stand in for the
    /// general code: an ignored field is a dotted path or not ASCII (Swift compares strings by
    /// canonical equivalence), or the placeholder is empty or not ASCII.
    init?(matching: DXCassetteMatching, placeholder: String) {
      var names: [[UInt8]] = []
      for name in matching.ignoredBodyFields {
        guard name.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: ".") }) else { return nil }
        names.append(Array(name.utf8))
      }
      guard !placeholder.isEmpty, placeholder.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
      ignoredNames = names
      self.placeholder = Array(placeholder.utf8)
    }
  }

  /// Objects and arrays nested deeper than this are left to the general code.
  static let maximumDepth = 64

  /// The FNV-1a offset basis (`DXCassetteMatching.hash(_:)`'s).
  static let offsetBasis = DXCassetteMatching.fnv1aOffsetBasis

  private let bytes: UnsafeBufferPointer<UInt8>
  private let plan: Plan
  private var index = 0
  private var hash = offsetBasis
  /// `false` while a value is only checked, not hashed (an ignored member's value, or a member's value
  /// while an unordered object's members are collected).
  private var emitting = true

  private init(bytes: UnsafeBufferPointer<UInt8>, plan: Plan) {
    self.bytes = bytes
    self.plan = plan
  }

  /// The 64-bit FNV-1a hash of `body`'s canonical JSON text, or `nil` when `body` is outside the
  /// subset this hasher handles (not JSON at all included).
  static func canonicalHash(of body: Data, plan: Plan) -> UInt64? {
    body.withUnsafeBytes { raw -> UInt64? in
      let bytes = raw.assumingMemoryBound(to: UInt8.self)
      let found = plan.placeholder.withUnsafeBufferPointer { DXByteSearch.occurs($0, in: bytes) }
      if found { return nil }
      var hasher = DXCanonicalJSONHasher(bytes: bytes, plan: plan)
      return hasher.document() ? hasher.hash : nil
    }
  }

  // MARK: - Output

  private mutating func emit(_ byte: UInt8) {
    guard emitting else { return }
    hash = DXCassetteMatching.fnv1a(hash, byte)
  }

  private mutating func emit(_ range: Range<Int>) {
    guard emitting else { return }
    var value = hash
    for offset in range { value = DXCassetteMatching.fnv1a(value, bytes[offset]) }
    hash = value
  }

  // MARK: - Grammar

  private mutating func document() -> Bool {
    skipSpace()
    guard value(depth: 0) else { return false }
    skipSpace()
    return index == bytes.count
  }

  private mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }

  private mutating func value(depth: Int) -> Bool {
    guard index < bytes.count else { return false }
    switch bytes[index] {
    case UInt8(ascii: "{"): return object(depth: depth + 1)
    case UInt8(ascii: "["): return array(depth: depth + 1)
    case UInt8(ascii: "\""):
      guard let text = string() else { return false }
      emit(text.lowerBound - 1..<text.upperBound + 1)
      return true
    case UInt8(ascii: "t"): return literal("true")
    case UInt8(ascii: "f"): return literal("false")
    case UInt8(ascii: "n"): return literal("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer()
    default: return false
    }
  }

  private mutating func literal(_ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.count else { return false }
    for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
    emit(index..<index + count)
    index += count
    return true
  }

  /// An integer whose canonical text is itself: no fraction or exponent, at most 18 digits (so it
  /// fits in `Int`), not `-0`.
  private mutating func integer() -> Bool {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let digits = index
    guard index < bytes.count else { return false }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index - start == 2 { return false }  // -0 is written 0
    } else {
      while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
      guard index > digits, index - digits <= 18 else { return false }
    }
    if index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return false
      default: break
      }
    }
    emit(start..<index)
    return true
  }

  /// The contents of an ASCII string without escapes (the index past its closing quote), or `nil`.
  private mutating func string() -> Range<Int>? {
    index += 1
    let start = index
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return start..<index - 1
      }
      guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
      index += 1
    }
    return nil
  }

  private func isIgnored(_ key: Range<Int>) -> Bool {
    for name in plan.ignoredNames where name.count == key.count {
      if name.withUnsafeBufferPointer({ same($0, key) }) { return true }
    }
    return false
  }

  private func same(_ name: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> Bool {
    for offset in 0..<name.count where name[offset] != bytes[key.lowerBound + offset] { return false }
    return true
  }

  /// Whether key `a` sorts before key `b` by their bytes (as the general code sorts).
  private func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
    let common = min(a.count, b.count)
    for offset in 0..<common {
      let left = bytes[a.lowerBound + offset]
      let right = bytes[b.lowerBound + offset]
      if left != right { return left < right }
    }
    return a.count < b.count
  }

  /// A member's key and `:`, the index left at its value.
  private mutating func memberKey() -> Range<Int>? {
    skipSpace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
    skipSpace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
    index += 1
    skipSpace()
    return key
  }

  /// After a member's value: `true` at `,` (another member follows), `false` at `}`, `nil` otherwise.
  private mutating func afterMember() -> Bool? {
    skipSpace()
    guard index < bytes.count else { return nil }
    index += 1
    switch bytes[index - 1] {
    case UInt8(ascii: ","): return true
    case UInt8(ascii: "}"): return false
    default: return nil
    }
  }

  private mutating func checkedValue(depth: Int) -> Bool {
    let wasEmitting = emitting
    emitting = false
    defer { emitting = wasEmitting }
    return value(depth: depth)
  }

  private mutating func object(depth: Int) -> Bool {
    guard depth <= Self.maximumDepth else { return false }
    let start = index
    let hashAtStart = hash
    index += 1
    skipSpace()
    emit(UInt8(ascii: "{"))
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      emit(UInt8(ascii: "}"))
      return true
    }
    var previous: Range<Int>?
    while true {
      guard let key = memberKey() else { return false }
      if isIgnored(key) {
        guard checkedValue(depth: depth) else { return false }
      } else {
        if let previous, emitting, !precedes(previous, key) {
          // Not in key order (or a key repeats): start this object again, sorting its members.
          index = start
          hash = hashAtStart
          return sortedObject(depth: depth)
        }
        if previous != nil { emit(UInt8(ascii: ",")) }
        emit(key.lowerBound - 1..<key.upperBound + 1)
        emit(UInt8(ascii: ":"))
        guard value(depth: depth) else { return false }
        previous = key
      }
      guard let more = afterMember() else { return false }
      if !more { break }
    }
    emit(UInt8(ascii: "}"))
    return true
  }

  /// An object whose members are not in key order: their keys and value offsets are collected, sorted
  /// and hashed in that order. A repeated key declines (the general code keeps the last value).
  private mutating func sortedObject(depth: Int) -> Bool {
    index += 1
    var members: [(key: Range<Int>, value: Int)] = []
    while true {
      guard let key = memberKey() else { return false }
      if !isIgnored(key) { members.append((key, index)) }
      guard checkedValue(depth: depth), let more = afterMember() else { return false }
      if !more { break }
    }
    let end = index
    members.sort { precedes($0.key, $1.key) }
    emit(UInt8(ascii: "{"))
    for (offset, member) in members.enumerated() {
      if offset > 0 {
        guard precedes(members[offset - 1].key, member.key) else { return false }
        emit(UInt8(ascii: ","))
      }
      emit(member.key.lowerBound - 1..<member.key.upperBound + 1)
      emit(UInt8(ascii: ":"))
      index = member.value
      guard value(depth: depth) else { return false }
    }
    index = end
    emit(UInt8(ascii: "}"))
    return true
  }

  private mutating func array(depth: Int) -> Bool {
    guard depth <= Self.maximumDepth else { return false }
    index += 1
    emit(UInt8(ascii: "["))
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      emit(UInt8(ascii: "]"))
      return true
    }
    while true {
      skipSpace()
      guard value(depth: depth) else { return false }
      skipSpace()
      guard index < bytes.count else { return false }
      index += 1
      switch bytes[index - 1] {
      case UInt8(ascii: ","): emit(UInt8(ascii: ","))
      case UInt8(ascii: "]"):
        emit(UInt8(ascii: "]"))
        return true
      default: return false
      }
    }
  }
}
