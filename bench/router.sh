#!/usr/bin/env bash
# The request path without sockets: microseconds a request spends in the router (decode,
# validate, score, write) for three small bodies, for two revisions side by side, each built in
# release mode against its own worktree (.build-ab/REV, shared with bench/ab.sh). One thread,
# best of 5 runs of 20,000 requests: the figure to compare changes to the JSON path.
# Usage: bench/router.sh REV_A REV_B      e.g. bench/router.sh HEAD~1 HEAD
#        bench/router.sh --check          builds (debug) against the working tree, runs nothing:
#                                         the test suite's guard against the bench rotting
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# build DIR CONFIGURATION: builds bench/router/main.swift against the package at DIR; prints the
# scratch package (its binary is .build/CONFIGURATION/RouterBench).
build() {
    local dir=$1 configuration=$2 package transport=""
    package=$(mktemp -d)
    mkdir -p "$package/Sources/RouterBench"
    cp bench/router/main.swift "$package/Sources/RouterBench/main.swift"
    [ -d "$dir/Sources/HTTPTransport" ] && transport=', .product(name: "HTTPTransport", package: "cross-entropy-service")'
    cat >"$package/Package.swift" <<SWIFT
// swift-tools-version:6.2
import PackageDescription
let package = Package(
    name: "RouterBench", platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cross-entropy-service", path: "$dir")],
    targets: [.executableTarget(name: "RouterBench", dependencies: [.product(name: "ScoringServer", package: "cross-entropy-service")$transport])])
SWIFT
    (cd "$package" && swift build -c "$configuration" >"$package/build.log" 2>&1) || { cat "$package/build.log" >&2; rm -rf "$package"; return 1; }
    echo "$package"
}

if [ "${1:-}" = "--check" ]; then
    package=$(build "$root" debug)
    rm -rf "$package"
    echo "bench/router: builds"
    exit 0
fi
for rev in "$1" "$2"; do
    dir=$root/.build-ab/$(git rev-parse --short "$rev")
    [ -d "$dir" ] || git worktree add --detach "$dir" "$rev" >/dev/null 2>&1
    package=$(build "$dir" release)
    echo "== $rev ($(git rev-parse --short "$rev"))"
    "$package/.build/release/RouterBench"
    rm -rf "$package"
done
