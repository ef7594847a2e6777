#!/usr/bin/env bash
# Formats every Swift file as .swift-format says, in place; generated code (Sources/*/Generated)
# is left as generated. scripts/lint.sh checks the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 | xargs -0 swift format -i Package.swift
