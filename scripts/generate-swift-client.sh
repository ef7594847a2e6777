#!/usr/bin/env bash
# Regenerates the Swift client (Sources/CrossEntropyClient/Generated) from openapi.yaml with
# swift-openapi-generator 1.14.3, built once from the local package copy into .build-openapi-generator
# (CI does not build it: the generated code is committed, and `--check` in a session that has the
# generator tells whether it is stale).
# Usage: scripts/generate-swift-client.sh [--check | --hash-check]
#   --hash-check, for CI (no generator): the committed code was generated from this openapi.yaml
#   and generator version, by the digest recorded beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.14.3
digest_file=Sources/CrossEntropyClient/openapi.sha256
digest=$( (cat openapi.yaml Sources/CrossEntropyClient/openapi-generator-config.yaml; echo "$version") | sha256sum | cut -d' ' -f1)
if [ "${1:-}" = "--hash-check" ]; then
    [ "$digest" = "$(cat "$digest_file")" ] || { echo "Sources/CrossEntropyClient is stale: run $0" >&2; exit 1; }
    echo "swift client: generated from this openapi.yaml"
    exit 0
fi
tool_dir=.build-openapi-generator
if [ ! -x "$tool_dir/bin/swift-openapi-generator" ]; then
    rm -rf "$tool_dir/src"
    git clone --quiet --branch "$version" https://github.com/apple/swift-openapi-generator "$tool_dir/src"
    swift build --package-path "$tool_dir/src" -c release --product swift-openapi-generator
    mkdir -p "$tool_dir/bin"
    cp "$(swift build --package-path "$tool_dir/src" -c release --show-bin-path)/swift-openapi-generator" "$tool_dir/bin/"
fi
target=Sources/CrossEntropyClient/Generated
output=$(mktemp -d)
mkdir -p "$output/swift"
trap 'rm -rf "$output"' EXIT
python3 scripts/contract/without_null_branches.py openapi.yaml "$output/openapi.yaml"
"$tool_dir/bin/swift-openapi-generator" generate "$output/openapi.yaml" \
    --config Sources/CrossEntropyClient/openapi-generator-config.yaml --output-directory "$output/swift" \
    >"$output/log" 2>&1 || { cat "$output/log" >&2; exit 1; }
grep -i 'warning\|error' "$output/log" >&2 || true  # what the generator could not express
if [ "${1:-}" = "--check" ]; then
    diff -r "$output/swift" "$target" >/dev/null || { echo "$target is stale: run $0" >&2; exit 1; }
    echo "swift client: up to date"
else
    rm -rf "$target" && mkdir -p "$target" && cp "$output"/swift/*.swift "$target/"
    echo "$digest" >"$digest_file"
fi
