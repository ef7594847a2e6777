#!/usr/bin/env bash
# Fuzzes the request path (JSON decoding, validation, scoring, response writing) with libFuzzer
# and AddressSanitizer for SECONDS (default 60), starting from Fuzz/corpus (the README's
# examples). Crashes land in Fuzz/artifacts/; each one found becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/ensure-dependencies.sh
cd Fuzz
swift build -c debug --scratch-path ../.build-fuzz -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -E "error|Compiling|Build" | tail -3
mkdir -p artifacts work
cp -n corpus/* work/ 2>/dev/null || true
../.build-fuzz/debug/ScoringFuzzer work -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix=artifacts/ -print_final_stats=1 2>&1 | grep -E "^(Done|stat::)|ERROR|SUMMARY|crash|Test unit written"
