import Foundation

/// Byte-wise substring search, for the replay path's checks that usually find nothing (is a secret in
/// this body?), without copying the bytes searched.
enum DXByteSearch {
  /// Whether `needle` occurs in `haystack`, byte for byte (an empty needle occurs everywhere).
  static func occurs(_ needle: String.UTF8View, in haystack: some Collection<UInt8>) -> Bool {
    let found = needle.withContiguousStorageIfAvailable { pattern in
      haystack.withContiguousStorageIfAvailable { bytes in occurs(pattern, in: bytes) }
    }
    if let found = found ?? nil { return found }
    return Array(needle).withUnsafeBufferPointer { pattern in
      Array(haystack).withUnsafeBufferPointer { bytes in occurs(pattern, in: bytes) }
    }
  }

  /// Whether `needle` occurs in `haystack`, byte for byte (an empty needle occurs everywhere).
  static func occurs(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = needle.first else { return true }
    guard haystack.count >= needle.count else { return false }
    var start = 0
    let lastStart = haystack.count - needle.count
    while start <= lastStart {
      if haystack[start] == first {
        var offset = 1
        while offset < needle.count, haystack[start + offset] == needle[offset] { offset += 1 }
        if offset == needle.count { return true }
      }
      start += 1
    }
    return false
  }
}
