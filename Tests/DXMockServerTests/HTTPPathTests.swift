import Testing

@testable import DXMockServer

/// The second-byte look at a path decides as `hasPrefix` does.
@Suite("Server — the path prefixes asked of every request")
struct HTTPPathTests {
  static let paths = [
    "", "/", "/_", "/F", "/F/", "/__admin", "/__admin/", "/__admin/journal", "/__adminx", "/__Admin",
    "/F/upload/file-1/2", "/F/download/file-1", "/F/uploadx", "/f/upload/", "/system/whoami",
    "/file-1/describe", "/F\u{301}/upload/", "/_\u{301}_admin", "/\u{301}F/", "F/", "_/__admin", "/Ｆ/",
    "/__admin\u{301}", "/é",
  ]

  @Test("the second byte", arguments: paths)
  func secondByte(_ path: String) {
    let bytes = Array(path.utf8)
    #expect(HTTPPath.secondByte(path) == (bytes.count >= 2 ? bytes[1] : nil))
  }

  @Test("admin, transfer and upload paths: the same answers as hasPrefix", arguments: paths)
  func prefixes(_ path: String) {
    let admin =
      path.hasPrefix(AdminAPI.prefix)
      && (path.utf8.count == AdminAPI.prefix.utf8.count
        || path.dropFirst(AdminAPI.prefix.count).hasPrefix("/"))
    #expect(AdminAPI.isAdminPath(path) == admin, "\(path)")
    #expect(MockPlatform.isTransferURL(path) == path.hasPrefix(MockPlatform.transferPrefix), "\(path)")
    #expect(
      MockPlatform.isUploadURL(path) == path.hasPrefix(MockPlatform.transferPrefix + "upload/"), "\(path)")
  }
}
