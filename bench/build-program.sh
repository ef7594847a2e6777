#!/usr/bin/env bash
# Builds one bench program (a main.swift that is not part of the package) against the package
# at DIR, in a scratch package of its own, and prints the program's binary. Products a revision
# does not have are left out (older revisions had no HTTPTransport, no MicroHTTPDServer).
# Usage: bench/build-program.sh NAME MAIN_SWIFT DIR CONFIGURATION PRODUCT...
#   e.g. bench/build-program.sh RouterBench bench/router/main.swift . release ScoringServer HTTPTransport
# The scratch package is left under bench/out/programs/NAME-HASH (removed on the next build).
set -euo pipefail
name=$1 main=$2 dir=$(cd "$3" && pwd) configuration=$4
shift 4
root=$(cd "$(dirname "$0")/.." && pwd)
package=$root/bench/out/programs/$name-$(echo "$dir $configuration" | sha1sum | cut -c1-8)
rm -rf "$package"
mkdir -p "$package/Sources/$name"
cp "$main" "$package/Sources/$name/main.swift"
products=""
for product in "$@"; do
    [ -d "$dir/Sources/$product" ] || continue
    products="$products, .product(name: \"$product\", package: \"cross-entropy-service\")"
done
cat >"$package/Package.swift" <<SWIFT
// swift-tools-version:6.2
import PackageDescription
let package = Package(
    name: "$name", platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cross-entropy-service", path: "$dir")],
    targets: [.executableTarget(name: "$name", dependencies: [${products#, }])])
SWIFT
(cd "$package" && swift build -c "$configuration" >"$package/build.log" 2>&1) || { cat "$package/build.log" >&2; exit 1; }
echo "$package/.build/$configuration/$name"
