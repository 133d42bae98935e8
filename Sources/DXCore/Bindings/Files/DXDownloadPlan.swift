/// A file's parts and the ranged GETs that fetch them, laid out as dxpy's `_download_dxfile` does.
struct DXDownloadPlan: Sendable {
  /// One part of the remote file.
  struct Part: Sendable, Hashable {
    /// The part number as the description names it (`"1"`, `"2"`, …).
    var name: String
    /// The offset of its first byte in the file.
    var start: Int
    /// Its size.
    var size: Int
    /// Its MD5, when the platform has one.
    var md5: String?
  }

  /// One ranged GET.
  struct Chunk: Sendable, Hashable {
    /// The position of its part in ``DXDownloadPlan/parts``.
    var part: Int
    /// The first byte.
    var start: Int
    /// The last byte (inclusive).
    var end: Int
    /// Whether to send a `Range` header (dxpy omits it when one chunk is the whole one-part file).
    var subRange: Bool
  }

  /// The parts in order.
  var parts: [Part]
  /// The file's size (from the description, else the sum of the parts).
  var size: Int

  /// Reads the parts of a description made with `fields: {"parts": true}`.
  /// - Throws: ``DXBindingError/file(_:)`` when the description has no parts.
  init(description: DXDataObjectDescription) throws(DXBindingError) {
    guard let described = description.parts else {
      throw .file("the description of \(description.id) has no parts; it cannot be downloaded")
    }
    var offset = 0
    var parts: [Part] = []
    for name in described.keys.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
      guard let part = described[name] else { continue }
      parts.append(Part(name: name, start: offset, size: part.size, md5: part.md5))
      offset += part.size
    }
    self.parts = parts
    size = description.size ?? offset
  }

  /// The GETs for the parts from `firstPart` on, `chunkSize` bytes each, never crossing a part.
  func chunks(from firstPart: Int, chunkSize: Int) -> [Chunk] {
    let chunkSize = max(1, chunkSize)
    var chunks: [Chunk] = []
    for position in parts.indices where position >= firstPart {
      let part = parts[position]
      var start = part.start
      while start < part.start + part.size {
        let end = min(start + chunkSize, part.start + part.size) - 1
        let subRange = parts.count > 1 || start > 0 || end - start + 1 < part.size
        chunks.append(Chunk(part: position, start: start, end: end, subRange: subRange))
        start += chunkSize
      }
    }
    return chunks
  }
}
