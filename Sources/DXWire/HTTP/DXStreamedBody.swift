import Foundation

/// A request body of a known length produced in chunks while it is sent, so that a large body (a file
/// part) is never held whole in memory.
///
/// Each call to ``chunks()`` starts a new pass over the bytes; a transport makes one pass per send. A
/// wire-level value: it compares and hashes by identity (two bodies are equal when they are the same
/// producer).
public struct DXStreamedBody: Sendable, Hashable {
  /// Makes the chunk sequence of one pass.
  private final class Producer: Sendable {
    let make: @Sendable () -> AsyncThrowingStream<Data, any Error>
    init(_ make: @escaping @Sendable () -> AsyncThrowingStream<Data, any Error>) { self.make = make }
  }

  /// The number of bytes every pass yields (sent as `Content-Length`).
  public let length: Int
  private let producer: Producer

  /// A body of `length` bytes whose chunks `chunks` produces, pass by pass.
  public init(length: Int, chunks: @escaping @Sendable () -> AsyncThrowingStream<Data, any Error>) {
    self.length = length
    producer = Producer(chunks)
  }

  /// The chunks of one pass, in order.
  public func chunks() -> AsyncThrowingStream<Data, any Error> { producer.make() }

  /// All the bytes of one pass, in memory (for a recorder or a replay that must compare bodies).
  /// - Throws: What the producer throws.
  public func collect() async throws -> Data {
    var data = Data()
    data.reserveCapacity(length)
    for try await chunk in chunks() { data.append(chunk) }
    return data
  }

  /// Whether `lhs` and `rhs` are the same producer.
  public static func == (lhs: DXStreamedBody, rhs: DXStreamedBody) -> Bool {
    lhs.producer === rhs.producer && lhs.length == rhs.length
  }

  /// Hashes the producer's identity.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(ObjectIdentifier(producer))
    hasher.combine(length)
  }
}
