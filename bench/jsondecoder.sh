#!/usr/bin/env bash
# Builds and runs bench/jsondecoder.swift: JSONDecoder's own costs, outside the service, and the
# JSON Lines decode floor. The program imports the service's ScoringServer module (@testable: the
# line decoder is internal), so it is built as a scratch package depending on this one, in
# release mode with testing enabled (bench/out/jsondecoder-package, kept between runs).
#   bench/jsondecoder.sh           build (release) and run
#   bench/jsondecoder.sh --check   build (debug) only: the test suite's guard against the bench rotting
#   bench/jsondecoder.sh --build-only   build (release) only (bench/lines.sh runs it with --lines)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mkdir -p bench/out
configuration=release
[ "${1:-}" = "--check" ] && configuration=debug
package=bench/out/jsondecoder-package
mkdir -p "$package/Sources/JSONDecoderBench"
cp bench/jsondecoder.swift "$package/Sources/JSONDecoderBench/main.swift"
cat >"$package/Package.swift" <<SWIFT
// swift-tools-version:6.2
import PackageDescription
let package = Package(
    name: "JSONDecoderBench", platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cross-entropy-service", path: "$root")],
    targets: [.executableTarget(name: "JSONDecoderBench", dependencies: [.product(name: "ScoringServer", package: "cross-entropy-service")])],
    swiftLanguageModes: [.v5])  // the program was written for swiftc's default (top-level globals)
SWIFT
(cd "$package" && swift build -c "$configuration" -Xswiftc -enable-testing >build.log 2>&1) || { cat "$package/build.log" >&2; exit 1; }
if [ "$configuration" = debug ]; then
    echo "bench/jsondecoder.swift: builds"
    exit 0
fi
[ "${1:-}" = "--build-only" ] && exit 0
[ -f bench/out/large.ndjson ] || python3 bench/payloads.py bench/out >/dev/null
"$package/.build/release/JSONDecoderBench"
