// swift-tools-version:6.2
// A libFuzzer target over the request path (decode → validate → score → write), kept in its
// own package so the main build never links it. Run: scripts/fuzz.sh
import PackageDescription

let package = Package(
    name: "ScoringFuzzer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cross-entropy-service", path: "..")],
    targets: [
        .executableTarget(
            name: "ScoringFuzzer",
            dependencies: [
                .product(name: "ScoringServer", package: "cross-entropy-service"),
                .product(name: "HTTPTransport", package: "cross-entropy-service"),
            ],
            // libFuzzer brings main(); this target only defines LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
