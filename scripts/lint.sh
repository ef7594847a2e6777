#!/usr/bin/env bash
# Fails when any Swift file is not formatted as .swift-format says (fix: scripts/format.sh).
# Generated code (Sources/*/Generated, from scripts/generate-swift-client.sh) is left as generated.
set -euo pipefail
cd "$(dirname "$0")/.."
find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 \
    | xargs -0 swift format lint --strict Package.swift
echo "lint: ok"
