// swift-tools-version: 6.1
import PackageDescription

/// The fuzz targets: `Fuzz/Targets/fuzz-<name>/main.swift`, corpus in `Fuzz/Corpus/<name>/`.
let fuzzTargets = [
  "json", "fault-spec", "fault-rules", "config", "live-response", "request-head", "platform", "cassette-har",
  "cassette-vcr", "execution-rules", "replay-key", "request-encoder",
]

let package = Package(
  name: "DXKit",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "DXCore", targets: ["DXCore"]),
    .library(name: "DXCassette", targets: ["DXCassette"]),
    .library(name: "DXWire", targets: ["DXWire"]),
    .library(name: "DXMockServer", targets: ["DXMockServer"]),
    .library(name: "DXMockServerCassettes", targets: ["DXMockServerCassettes"]),
    .library(name: "DXKitTesting", targets: ["DXKitTesting"]),
    .executable(name: "dx-mock-server", targets: ["dx-mock-server"]),
    .executable(name: "dxcassette", targets: ["dxcassette"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    // `make docs`: swift package generate-documentation (DocC catalogs under Sources/*/*.docc).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // MARK: - C libraries
    .systemLibrary(
      name: "CMicroHTTPD",
      pkgConfig: "libmicrohttpd",
      providers: [.apt(["libmicrohttpd-dev"])]
    ),
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),

    // MARK: - Libraries
    .target(name: "DXSQLite", dependencies: ["CSQLite"]),
    .target(name: "DXWire"),
    .target(
      name: "DXCore",
      dependencies: [
        "DXWire",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOFoundationCompat", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    .target(
      name: "DXCassette",
      dependencies: ["DXCore", "DXSQLite", .product(name: "Yams", package: "Yams")]
    ),
    .target(
      name: "DXMockServer",
      dependencies: [
        "CMicroHTTPD",
        "DXSQLite",
        "DXWire",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "DXMockServerCassettes",
      dependencies: [
        "DXMockServer",
        "DXCassette",
        "DXCore",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(
      name: "DXKitTesting",
      dependencies: [
        "DXCore",
        "DXCassette",
        "DXMockServer",
        "DXWire",
        .product(name: "Logging", package: "swift-log"),
      ]
    ),

    // MARK: - Executables (argument parsing only)
    .executableTarget(
      name: "dx-mock-server",
      dependencies: [
        "DXMockServer",
        "DXMockServerCassettes",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .executableTarget(
      name: "dxcassette",
      dependencies: [
        "DXCassette",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Benchmarks (print figures; not part of the test suite)
    .executableTarget(
      name: "dxkit-bench",
      dependencies: [
        "DXCore",
        "DXCassette",
        "DXMockServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/dxkit-bench"
    ),

    // MARK: - Tests
    .testTarget(name: "DXSQLiteTests", dependencies: ["DXSQLite"]),
    .testTarget(name: "DXWireTests", dependencies: ["DXWire"]),
    .testTarget(
      name: "DXCoreTests",
      dependencies: [
        "DXCore", "DXWire", "DXMockServer", "DXKitTesting",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "DXCassetteTests",
      dependencies: ["DXCassette", "DXCore", "DXMockServer", "DXWire", "DXKitTesting"], exclude: ["Fixtures"]),
    .testTarget(name: "DXMockServerTests", dependencies: ["DXMockServer", "DXWire", "DXSQLite"]),
    .testTarget(
      name: "DXMockServerCassettesTests",
      dependencies: ["DXMockServerCassettes", "DXMockServer", "DXCassette", "DXCore", "DXKitTesting"]
    ),
    .testTarget(
      name: "DXKitTestingTests",
      dependencies: ["DXKitTesting", "DXCore", "DXCassette", "DXMockServer", "DXWire"],
      exclude: ["cassettes"]
    ),
  ],
  swiftLanguageModes: [.v6]
)

// MARK: - Fuzzing (docs/fuzzing.md; `make fuzz` builds the targets with -sanitize=fuzzer)
package.targets += [
  .target(
    name: "DXFuzzing",
    dependencies: ["DXCassette", "DXCore", "DXMockServer", "DXWire"],
    path: "Fuzz/DXFuzzing"
  ),
  .testTarget(name: "DXFuzzingTests", dependencies: ["DXFuzzing"]),
]
package.targets += fuzzTargets.map { name in
  .executableTarget(name: "fuzz-\(name)", dependencies: ["DXFuzzing"], path: "Fuzz/Targets/fuzz-\(name)")
}
