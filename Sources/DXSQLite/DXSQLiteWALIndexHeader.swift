import Foundation

/// A read-only mapping of the WAL-index header at the start of a database's `-shm` file, which every
/// writer of the database rewrites when it commits.
///
/// SQLite's WAL-index format (https://sqlite.org/walformat.html, stable since 3.7.0) puts two copies
/// of a 48-byte header at offset 0 of the `-shm` file; a committing writer updates the second copy,
/// then the first, and readers judge whether their snapshot is current by comparing the first copy
/// with the header they began from (its change counter, frame count, checksums and salts). This type
/// lets ``DXSQLiteDatabase/withReadSnapshot(_:)`` make the same comparison without a system call:
/// the first copy, read where SQLite keeps it.
///
/// The only code that talks to the mapping; it is unmapped in `deinit`. The `-shm` file cannot be
/// truncated or removed while the connection that owns this object has the database open in WAL mode
/// (that connection holds its shared lock), and the owner reads it only then.
final class DXSQLiteWALIndexHeader {
  /// The first header copy's 48 bytes, as six words.
  struct Value: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    static func == (lhs: Value, rhs: Value) -> Bool {
      lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
        && lhs.words.3 == rhs.words.3 && lhs.words.4 == rhs.words.4 && lhs.words.5 == rhs.words.5
    }
  }

  /// The size of one header copy.
  static let size = 48
  private let base: UnsafeMutableRawPointer

  /// Maps the header of the `-shm` file beside `databasePath`, or returns `nil` when there is none
  /// (not in WAL mode yet, an in-memory database) or it is shorter than the two header copies.
  init?(databasePath: String) {
    guard !databasePath.isEmpty else { return nil }
    let descriptor = open(databasePath + "-shm", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    // The mapping stays valid after the descriptor is closed.
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size >= 2 * Self.size else { return nil }
    guard let mapped = mmap(nil, Self.size, PROT_READ, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED
    else { return nil }
    base = mapped
  }

  deinit { munmap(base, Self.size) }

  /// The first header copy as it is now.
  var current: Value {
    let words = UnsafeRawPointer(base)
    return Value(
      words: (
        words.load(fromByteOffset: 0, as: UInt64.self), words.load(fromByteOffset: 8, as: UInt64.self),
        words.load(fromByteOffset: 16, as: UInt64.self), words.load(fromByteOffset: 24, as: UInt64.self),
        words.load(fromByteOffset: 32, as: UInt64.self), words.load(fromByteOffset: 40, as: UInt64.self)
      ))
  }
}
