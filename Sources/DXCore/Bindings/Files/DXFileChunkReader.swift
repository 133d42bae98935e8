import Crypto
import Foundation

/// Fetches a file's chunks with a bounded number of ranged GETs in flight and hands them out in order,
/// checking each part's size and MD5 as its last chunk goes by.
///
/// A chunk that is its part whole (the usual case: chunks and parts are both 16 MiB) is hashed by the
/// task that fetched it, beside the other GETs in flight, so the in-order consumer only writes; a part
/// split over several chunks is hashed in order as its chunks are handed out.
///
/// Memory is bounded by `parallel` chunks. Used by one task at a time; pending GETs are cancelled when
/// the reader goes away.
final class DXFileChunkReader {
  /// A fetched chunk, with its MD5 when it is its part whole.
  struct Fetched: Sendable {
    var data: Data
    var md5: String?
  }

  private let plan: DXDownloadPlan
  private let chunks: [DXDownloadPlan.Chunk]
  private let fileID: String
  private let parallel: Int
  private let fetch: @Sendable (DXDownloadPlan.Chunk) async throws -> Data
  private var tasks: [Int: Task<Fetched, any Error>] = [:]
  private var nextChunk = 0
  private var scheduled = 0
  private var currentPart: Int?
  private var partBytes = 0
  private var hasher = Insecure.MD5()
  /// The current part's MD5 when its one chunk was hashed by its fetching task.
  private var partDigest: String?

  /// The part the last chunk handed out belongs to, for retry bookkeeping.
  var partInProgress: Int? { currentPart }

  init(
    plan: DXDownloadPlan, fromPart: Int, chunkSize: Int, parallel: Int, fileID: String,
    fetch: @escaping @Sendable (DXDownloadPlan.Chunk) async throws -> Data
  ) {
    self.plan = plan
    chunks = plan.chunks(from: fromPart, chunkSize: chunkSize)
    self.parallel = max(1, parallel)
    self.fileID = fileID
    self.fetch = fetch
  }

  deinit { for task in tasks.values { task.cancel() } }

  /// The number of chunks.
  var chunkCount: Int { chunks.count }

  /// The next chunk's bytes in file order, or `nil` at the end.
  /// - Throws: ``DXBindingError/partLengthMismatch(_:)`` or ``DXBindingError/checksumMismatch(_:)``
  ///   when a finished part is wrong; the transport's and platform's errors once a GET's retries are
  ///   spent.
  func next() async throws -> Data? {
    while scheduled < chunks.count, scheduled < nextChunk + parallel {
      let chunk = chunks[scheduled]
      let fetch = self.fetch
      let whole = Self.isWholePart(chunk, plan.parts[chunk.part])
      tasks[scheduled] = Task {
        let data = try await fetch(chunk)
        return Fetched(data: data, md5: whole ? DXFile.hex(Insecure.MD5.hash(data: data)) : nil)
      }
      scheduled += 1
    }
    guard nextChunk < chunks.count, let task = tasks.removeValue(forKey: nextChunk) else {
      if let currentPart { try verify(currentPart) }
      currentPart = nil
      return nil
    }
    let chunk = chunks[nextChunk]
    let fetched = try await withTaskCancellationHandler {
      try await task.value
    } onCancel: {
      task.cancel()
    }
    nextChunk += 1
    if chunk.part != currentPart {
      if let currentPart { try verify(currentPart) }
      currentPart = chunk.part
      partBytes = 0
      hasher = Insecure.MD5()
      partDigest = nil
    }
    partBytes += fetched.data.count
    if let md5 = fetched.md5 {
      partDigest = md5
    } else {
      hasher.update(data: fetched.data)
    }
    return fetched.data
  }

  /// Whether `chunk` covers `part` exactly (its MD5 is then the part's).
  static func isWholePart(_ chunk: DXDownloadPlan.Chunk, _ part: DXDownloadPlan.Part) -> Bool {
    chunk.start == part.start && chunk.end - chunk.start + 1 == part.size
  }

  /// dxpy's `verify_part`.
  private func verify(_ position: Int) throws(DXBindingError) {
    let part = plan.parts[position]
    guard partBytes == part.size else {
      throw .partLengthMismatch(
        "Unexpected part data size in \(fileID) part \(part.name) (expected \(part.size), got \(partBytes))")
    }
    let digest = partDigest ?? DXFile.hex(hasher.finalize())
    if let md5 = part.md5, md5 != digest {
      throw .checksumMismatch(
        "md5sum mismatch in \(fileID) part \(part.name) (expected \(md5), got \(digest))")
    }
  }
}
