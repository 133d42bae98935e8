/// A project's upload limits (`fileUploadParameters` in its description) and the part size dxpy
/// derives from them.
public struct DXFileUploadParameters: Sendable, Hashable {
  /// The smallest part but the last, in bytes.
  public var minimumPartSize: Int
  /// The largest part, in bytes.
  public var maximumPartSize: Int
  /// The most parts a file may have.
  public var maximumNumParts: Int
  /// The largest file, in bytes.
  public var maximumFileSize: Int
  /// Whether the last part may be empty (an empty file is then one empty part).
  public var emptyLastPartAllowed: Bool

  /// Creates parameters.
  public init(
    minimumPartSize: Int, maximumPartSize: Int, maximumNumParts: Int, maximumFileSize: Int,
    emptyLastPartAllowed: Bool
  ) {
    self.minimumPartSize = minimumPartSize
    self.maximumPartSize = maximumPartSize
    self.maximumNumParts = maximumNumParts
    self.maximumFileSize = maximumFileSize
    self.emptyLastPartAllowed = emptyLastPartAllowed
  }

  /// Reads `fileUploadParameters`.
  /// - Throws: ``DXBindingError/malformedReply(_:)`` when a limit is missing.
  public init(json: DXJSON) throws(DXBindingError) {
    func integer(_ key: String) throws(DXBindingError) -> Int {
      guard let value = json[key]?.intValue else {
        throw .malformedReply("fileUploadParameters has no integer '\(key)'")
      }
      return value
    }
    minimumPartSize = try integer("minimumPartSize")
    maximumPartSize = try integer("maximumPartSize")
    maximumNumParts = try integer("maximumNumParts")
    maximumFileSize = try integer("maximumFileSize")
    emptyLastPartAllowed = json["emptyLastPartAllowed"]?.boolValue ?? false
  }

  /// The part size for a file of `expectedSize` bytes (or unknown size), as dxpy's
  /// `_get_write_buf_size` computes it: the hint, raised to `minimumPartSize` and to
  /// `ceil(expectedSize / maximumNumParts)`, lowered to `maximumPartSize`.
  /// - Parameters:
  ///   - hint: The wanted part size. dxpy's default is 16 MiB (96 MiB inside a job).
  ///   - expectedSize: The file's size when known.
  ///   - alignment: A multiple every bound is rounded to (dxpy uses the page size, 4096, when it
  ///     uploads from a local file it maps into memory). Default 1.
  /// - Throws: ``DXBindingError/file(_:)`` when the file is larger than ``maximumFileSize`` or cannot
  ///   fit in ``maximumNumParts`` parts of at most ``maximumPartSize``.
  public func partSize(hint: Int, expectedSize: Int?, alignment: Int = 1) throws(DXBindingError) -> Int {
    if let expectedSize, expectedSize > maximumFileSize {
      throw .file("Size of file exceeds maximum of \(Self.readable(maximumFileSize))")
    }
    var lower = minimumPartSize
    if let expectedSize, maximumNumParts > 0 {
      lower = max(lower, (expectedSize + maximumNumParts - 1) / maximumNumParts)
    }
    var upper = maximumPartSize
    var hint = hint
    if alignment > 1 {
      if lower % alignment != 0 { lower += alignment - lower % alignment }
      upper -= upper % alignment
      hint -= hint % alignment
    }
    guard lower <= upper else {
      throw .file("part size would be too small to upload the requested number of bytes")
    }
    let size = min(max(hint, lower), upper)
    if let expectedSize, size * maximumNumParts < expectedSize {
      throw .file("part size would be too small to upload the requested number of bytes")
    }
    return max(1, size)
  }

  /// dxpy's `_readable_part_size`: `"5.00 TiB"`, `"1 byte"`, ….
  static func readable(_ bytes: Int) -> String {
    let units: [(Double, String)] = [
      (1024 * 1024 * 1024 * 1024, "TiB"), (1024 * 1024 * 1024, "GiB"), (1024 * 1024, "MiB"), (1024, "KiB"),
    ]
    for (size, name) in units where Double(bytes) >= size {
      return String(format: "%.2f", Double(bytes) / size) + " " + name
    }
    return "\(bytes) \(bytes == 1 ? "byte" : "bytes")"
  }
}
