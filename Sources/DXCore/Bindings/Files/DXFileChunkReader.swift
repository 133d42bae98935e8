import Crypto
import Foundation

/// Fetches a file's chunks with a bounded number of ranged GETs in flight and hands them out in order,
/// checking each part's size and MD5 as its last chunk goes by.
///
/// Memory is bounded by `parallel` chunks. Used by one task at a time; pending GETs are cancelled when
/// the reader goes away.
final class DXFileChunkReader {
  private let plan: DXDownloadPlan
  private let chunks: [DXDownloadPlan.Chunk]
  private let fileID: String
  private let parallel: Int
  private let fetch: @Sendable (DXDownloadPlan.Chunk) async throws -> Data
  private var tasks: [Int: Task<Data, any Error>] = [:]
  private var nextChunk = 0
  private var scheduled = 0
  private var currentPart: Int?
  private var partBytes = 0
  private var hasher = Insecure.MD5()

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
      tasks[scheduled] = Task { try await fetch(chunk) }
      scheduled += 1
    }
    guard nextChunk < chunks.count, let task = tasks.removeValue(forKey: nextChunk) else {
      if let currentPart { try verify(currentPart) }
      currentPart = nil
      return nil
    }
    let chunk = chunks[nextChunk]
    let data = try await withTaskCancellationHandler {
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
    }
    partBytes += data.count
    hasher.update(data: data)
    return data
  }

  /// dxpy's `verify_part`.
  private func verify(_ position: Int) throws(DXBindingError) {
    let part = plan.parts[position]
    guard partBytes == part.size else {
      throw .partLengthMismatch(
        "Unexpected part data size in \(fileID) part \(part.name) (expected \(part.size), got \(partBytes))")
    }
    let digest = DXFile.hex(hasher.finalize())
    if let md5 = part.md5, md5 != digest {
      throw .checksumMismatch(
        "md5sum mismatch in \(fileID) part \(part.name) (expected \(md5), got \(digest))")
    }
  }
}
