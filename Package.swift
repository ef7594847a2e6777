// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "cross-entropy-service",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cross-entropy-service", targets: ["CrossEntropyService"]),
        .library(name: "CrossEntropy", targets: ["CrossEntropy"]),
        .library(name: "ScoringServer", targets: ["ScoringServer"]),
        .library(name: "HTTPTransport", targets: ["HTTPTransport"]),
        // The HTTP server on libmicrohttpd; the bench programs serve through it too.
        .library(name: "MicroHTTPDServer", targets: ["MicroHTTPDServer"]),
        // A client for Swift callers, generated from openapi.yaml (scripts/generate-swift-client.sh).
        .library(name: "CrossEntropyClient", targets: ["CrossEntropyClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", exact: "1.13.4"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession", exact: "1.4.0"),
    ],
    targets: [
        // GNU libmicrohttpd, found with pkg-config; only the shim includes it.
        .systemLibrary(
            name: "CLibMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // zlib, found with pkg-config: inflates gzip-coded JSON Lines as they arrive.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The thin C layer: sockets and bytes (daemon, phases, framing checks, body bytes, pausing,
        // the budget's counters); what to charge, cut or pause is decided in cmhd_policy.c alone.
        .target(name: "CMicroHTTPDShim", dependencies: ["CLibMicroHTTPD"]),
        // What an HTTP application and a transport share: request heads, responses, the
        // protocol an application implements, the failure protocol. Pure Swift: no libmicrohttpd.
        .target(name: "HTTPTransport", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // The HTTP server: libmicrohttpd through the shim, serving an HTTPApplication.
        .target(
            name: "MicroHTTPDServer",
            dependencies: ["HTTPTransport", "CMicroHTTPDShim", .product(name: "Logging", package: "swift-log")]
        ),
        // Pure maths: losses, clipping, bases, bands. No I/O, no HTTP.
        .target(name: "CrossEntropy"),
        // HTTP/JSON layer: routes, decoding, validation, response writing. No sockets.
        .target(
            name: "ScoringServer",
            dependencies: [
                "CrossEntropy",
                "HTTPTransport",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "CrossEntropyService",
            dependencies: [
                "ScoringServer",
                "MicroHTTPDServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Generated code only (committed; the generator is not a build dependency).
        .target(
            name: "CrossEntropyClient",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            exclude: ["openapi-generator-config.yaml", "openapi.sha256"]
        ),
        .testTarget(name: "CrossEntropyTests", dependencies: ["CrossEntropy", "TestSupport"], exclude: ["Vectors"]),
        .testTarget(name: "ScoringServerTests", dependencies: ["ScoringServer", "TestSupport"]),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "CrossEntropyService", "HTTPTransport", "TestSupport", "CrossEntropyClient", "CZlib",
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
            ]
        ),
        // The transport alone, with test applications of its own: the exchange's life, the
        // body-chunk phase.
        .testTarget(
            name: "TransportTests",
            dependencies: ["MicroHTTPDServer", "HTTPTransport", "CMicroHTTPDShim", "TestSupport"]
        ),
        // Helpers shared by the test targets: a bit-exact JSON reader, an HTTP client.
        .target(name: "TestSupport", dependencies: ["HTTPTransport"], path: "Tests/TestSupport"),
    ]
)
