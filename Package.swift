// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cross-entropy-service",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cross-entropy-service", targets: ["CrossEntropyService"]),
        .library(name: "CrossEntropy", targets: ["CrossEntropy"]),
        .library(name: "ScoringServer", targets: ["ScoringServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2")
    ],
    targets: [
        // GNU libmicrohttpd, found with pkg-config; only the shim includes it.
        .systemLibrary(
            name: "CLibMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // The thin C layer: daemon start, body accumulation, response queueing.
        .target(name: "CMicroHTTPDShim", dependencies: ["CLibMicroHTTPD"]),
        // Pure maths: losses, clipping, bases, bands. No I/O, no HTTP.
        .target(name: "CrossEntropy"),
        // HTTP/JSON layer: routes, decoding, validation, response writing.
        .target(name: "ScoringServer", dependencies: ["CrossEntropy", "CMicroHTTPDShim"]),
        .executableTarget(
            name: "CrossEntropyService",
            dependencies: [
                "ScoringServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CrossEntropyTests", dependencies: ["CrossEntropy"], exclude: ["Vectors"]),
        .testTarget(name: "ScoringServerTests", dependencies: ["ScoringServer", "TestSupport"]),
        .testTarget(name: "ServiceTests", dependencies: ["CrossEntropyService", "TestSupport"]),
        // Helpers shared by the test targets: a bit-exact JSON reader, an HTTP client.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
    ]
)
