#!/usr/bin/env bash
# Builds and runs bench/jsondecoder.swift: JSONDecoder's own costs, outside the service.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
[ -f bench/out/large.json ] || python3 bench/payloads.py bench/out >/dev/null
swiftc -O bench/jsondecoder.swift -o bench/out/jsondecoder
bench/out/jsondecoder
