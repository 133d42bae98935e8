import Foundation

/// One part's bytes: in memory, or a range of a local file that is hashed and then streamed from disk.
enum DXPartBody: Sendable {
  case data(Data)
  case fileRegion(path: String, offset: Int, length: Int)

  /// The part's size.
  var count: Int {
    switch self {
    case .data(let data): return data.count
    case .fileRegion(_, _, let length): return length
    }
  }
}

/// Where an upload's bytes come from, one part at a time so memory stays bounded.
protocol DXPartSource {
  /// The next `size` bytes (fewer only for the last part), or `nil` at the end.
  mutating func nextPart(size: Int) async throws -> DXPartBody?
}

/// A local file of a known size, cut into ranges (nothing is read here: each part is hashed and sent
/// from the file).
struct DXFilePartSource: DXPartSource {
  let path: String
  let size: Int
  var offset = 0

  mutating func nextPart(size partSize: Int) async throws -> DXPartBody? {
    guard offset < size else { return nil }
    let length = min(partSize, size - offset)
    defer { offset += length }
    return .fileRegion(path: path, offset: offset, length: length)
  }
}

/// Bytes in memory.
struct DXDataPartSource: DXPartSource {
  let data: Data
  var offset = 0

  mutating func nextPart(size: Int) async throws -> DXPartBody? {
    guard offset < data.count else { return nil }
    let end = min(offset + size, data.count)
    defer { offset = end }
    return .data(data.subdata(in: data.startIndex + offset..<data.startIndex + end))
  }
}

/// Any async sequence of byte chunks, regrouped into parts.
struct DXSequencePartSource<Base: AsyncSequence>: DXPartSource where Base.Element: DataProtocol {
  var iterator: Base.AsyncIterator
  var pending = Data()
  var ended = false

  init(_ base: Base) { iterator = base.makeAsyncIterator() }

  mutating func nextPart(size: Int) async throws -> DXPartBody? {
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
      return .data(pending)
    }
    let part = pending.prefix(size)
    pending = Data(pending.dropFirst(size))
    return .data(Data(part))
  }
}
