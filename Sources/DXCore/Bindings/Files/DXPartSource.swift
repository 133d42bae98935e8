import Foundation

/// Where an upload's bytes come from, read one part at a time so memory stays bounded.
protocol DXPartSource {
  /// The next `size` bytes (fewer only for the last part), or `nil` at the end.
  mutating func nextPart(size: Int) async throws -> Data?
}

/// A local file, read part by part.
struct DXFilePartSource: DXPartSource {
  let handle: FileHandle

  mutating func nextPart(size: Int) async throws -> Data? {
    var part = Data()
    part.reserveCapacity(size)
    while part.count < size {
      guard let chunk = try handle.read(upToCount: size - part.count), !chunk.isEmpty else { break }
      part.append(chunk)
    }
    return part.isEmpty ? nil : part
  }
}

/// Bytes in memory.
struct DXDataPartSource: DXPartSource {
  let data: Data
  var offset = 0

  mutating func nextPart(size: Int) async throws -> Data? {
    guard offset < data.count else { return nil }
    let end = min(offset + size, data.count)
    defer { offset = end }
    return data.subdata(in: data.startIndex + offset..<data.startIndex + end)
  }
}

/// Any async sequence of byte chunks, regrouped into parts.
struct DXSequencePartSource<Base: AsyncSequence>: DXPartSource where Base.Element: DataProtocol {
  var iterator: Base.AsyncIterator
  var pending = Data()
  var ended = false

  init(_ base: Base) { iterator = base.makeAsyncIterator() }

  mutating func nextPart(size: Int) async throws -> Data? {
    while pending.count < size, !ended {
      if let chunk = try await iterator.next() {
        pending.append(contentsOf: chunk)
      } else {
        ended = true
      }
    }
    guard !pending.isEmpty else { return nil }
    if pending.count <= size {
      defer { pending = Data() }
      return pending
    }
    let part = pending.prefix(size)
    pending = Data(pending.dropFirst(size))
    return Data(part)
  }
}
