import DXWire
import Foundation
import Testing

@testable import DXMockServer

@Suite("Platform state structures")
struct PlatformStructureTests {
  @Test func orderedStringSetKeepsFirstOccurrenceOrder() throws {
    var tags: OrderedStringSet = ["b", "a", "b"]
    #expect(tags.elements == ["b", "a"])
    tags.add(["c", "a", "d", "c"])
    #expect(tags.elements == ["b", "a", "c", "d"])
    tags.remove(["a", "zz", "d"])
    #expect(tags.elements == ["b", "c"])
    #expect(tags.contains("c") && !tags.contains("a"))
    tags.add(["a"])
    #expect(tags.elements == ["b", "c", "a"])
    // Stored as the plain array it always was.
    let data = try JSONEncoder().encode(tags)
    #expect(String(decoding: data, as: UTF8.self) == #"["b","c","a"]"#)
    #expect(
      try JSONDecoder().decode(OrderedStringSet.self, from: Data(#"["x","y","x"]"#.utf8)).elements == [
        "x", "y",
      ])
  }

  @Test func orderedStringSetAddsManyInLinearTime() {
    // 200,000 distinct tags: quadratic de-duplication would take minutes; this is one pass.
    var tags = OrderedStringSet()
    tags.add((0..<200_000).map { "t\($0)" })
    tags.add((0..<200_000).map { "t\($0)" })
    #expect(tags.count == 200_000)
    tags.remove((0..<100_000).map { "t\($0 * 2)" })
    #expect(tags.count == 100_000)
    #expect(tags.elements.first == "t1")
  }

  @Test func folderTreeOperations() throws {
    var tree = FolderTree()
    #expect(tree.contains("/") && tree.count == 1)
    tree.insert("/a/b/c")
    tree.insert("/a/d")
    tree.insert("/a b")
    #expect(tree.contains("/a/b") && tree.contains("/a/b/c") && !tree.contains("/b"))
    #expect(tree.paths == ["/", "/a", "/a b", "/a/b", "/a/b/c", "/a/d"])
    #expect(tree.children(of: "/a") == ["/a/b", "/a/d"])
    #expect(tree.children(of: "/") == ["/a", "/a b"])
    #expect(tree.children(of: "/nope").isEmpty)
    #expect(tree.subtree(of: "/a").sorted() == ["/a", "/a/b", "/a/b/c", "/a/d"])
    tree.move("/a/b", to: "/x/y")
    #expect(tree.paths == ["/", "/a", "/a b", "/a/d", "/x", "/x/y", "/x/y/c"])
    // Moving onto an existing folder merges.
    tree.insert("/a/d/e")
    tree.insert("/x/y/f")
    tree.move("/a/d", to: "/x/y")
    #expect(tree.paths == ["/", "/a", "/a b", "/x", "/x/y", "/x/y/c", "/x/y/e", "/x/y/f"])
    tree.remove("/x")
    #expect(tree.paths == ["/", "/a", "/a b"])
    tree.remove("/")
    #expect(tree.count == 3)
    var other = FolderTree(["/p/q"])
    other.graft(FolderTree(subtreeOf: "/", in: tree), at: "/p/q")
    #expect(other.paths == ["/", "/p", "/p/q", "/p/q/a", "/p/q/a b"])
  }

  @Test func folderTreeStoresADeepChainLinearly() throws {
    // 16,000 nested folders: a set of whole paths would hold ~128 million path bytes.
    let path = "/" + Array(repeating: "abcdefgh", count: 16_000).joined(separator: "/")
    var tree = FolderTree()
    tree.insert(path)
    #expect(tree.count == 16_001)
    #expect(tree.contains(path))
    let encoded = try JSONEncoder().encode(tree)
    #expect(encoded.count < 16_001 * 20)
    let decoded = try JSONDecoder().decode(FolderTree.self, from: encoded)
    #expect(decoded.count == 16_001 && decoded.contains(path))
    tree.remove("/abcdefgh")
    #expect(tree.count == 1)
  }

  @Test func folderTreeCodableFormsAndTheOldPathList() throws {
    let tree = FolderTree(["/a/b", "/c"])
    let stored = try DXJSON(parsing: [UInt8](try JSONEncoder().encode(tree)))
    #expect(stored == ["names": ["a", "c", "b"], "parents": [0, 0, 1]])
    // Schema version 2 stored every path.
    let old = try JSONDecoder().decode(FolderTree.self, from: Data(#"["/","/a","/a/b","/c"]"#.utf8))
    #expect(old == tree)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(FolderTree.self, from: Data(#"{"names":["a"],"parents":[1]}"#.utf8))
    }
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(FolderTree.self, from: Data(#"{"names":["a"],"parents":[]}"#.utf8))
    }
  }
}
