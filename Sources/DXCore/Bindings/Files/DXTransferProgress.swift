/// How far a transfer has got: reported after every part uploaded and every chunk written.
public struct DXTransferProgress: Sendable, Hashable {
  /// Bytes transferred so far.
  public var bytesDone: Int
  /// The total, when known.
  public var bytesTotal: Int?
  /// Parts (uploads) or chunks (downloads) done.
  public var partsDone: Int
  /// The number of parts or chunks, when known.
  public var partsTotal: Int?

  /// Creates a progress value.
  public init(bytesDone: Int, bytesTotal: Int?, partsDone: Int, partsTotal: Int?) {
    self.bytesDone = bytesDone
    self.bytesTotal = bytesTotal
    self.partsDone = partsDone
    self.partsTotal = partsTotal
  }

  /// The fraction done, when the total is known (1 for an empty transfer).
  public var fraction: Double? {
    guard let bytesTotal else { return nil }
    return bytesTotal == 0 ? 1 : Double(bytesDone) / Double(bytesTotal)
  }

  /// A stream of progress values and the reporter to pass as a transfer's `progress`: the stream
  /// finishes when the transfer ends.
  ///
  /// ```swift
  /// let (updates, report) = DXTransferProgress.makeStream()
  /// async let file = DXFile.upload(contentsOf: url, .init(progress: report), client: client)
  /// for await update in updates { print(update.bytesDone) }
  /// ```
  public static func makeStream(
    bufferingPolicy: AsyncStream<DXTransferProgress>.Continuation.BufferingPolicy = .bufferingNewest(64)
  ) -> (stream: AsyncStream<DXTransferProgress>, report: DXProgressReporter) {
    let (stream, continuation) = AsyncStream<DXTransferProgress>.makeStream(bufferingPolicy: bufferingPolicy)
    return (stream, DXProgressReporter(continuation))
  }
}

/// Where a transfer reports progress: a closure, or an `AsyncStream` continuation
/// (``DXTransferProgress/makeStream(bufferingPolicy:)``).
public struct DXProgressReporter: Sendable {
  private let report: @Sendable (DXTransferProgress) -> Void
  private let done: @Sendable () -> Void

  /// Reports to `closure`, called on the transfer's task.
  public init(_ closure: @escaping @Sendable (DXTransferProgress) -> Void) {
    report = closure
    done = {}
  }

  /// Reports to `continuation` and finishes it when the transfer ends.
  public init(_ continuation: AsyncStream<DXTransferProgress>.Continuation) {
    report = { continuation.yield($0) }
    done = { continuation.finish() }
  }

  /// Reports `progress`.
  public func callAsFunction(_ progress: DXTransferProgress) { report(progress) }

  /// Ends the stream (a no-op for a closure reporter).
  public func finish() { done() }
}
