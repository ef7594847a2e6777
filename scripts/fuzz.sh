#!/usr/bin/env bash
# Fuzzes the request path (JSON decoding, validation, scoring, response writing) with libFuzzer
# and AddressSanitizer for SECONDS (default 60), starting from Fuzz/corpus (the README's
# examples and one seed per option, none of them a known crash) with Fuzz/extremes.dict (field
# names and float64's corner values). Crashes land in Fuzz/artifacts/; each one found becomes a
# regression test.
#   -max_len 400 KB: room for the shapes that once over-reserved (a 77,000-value first row
#                    followed by 52,000 empty rows is 310 KB)
#   -malloc_limit_mb 2048: one allocation of 2 GiB or more is a finding (an over-reservation),
#                    not a slow swap; -rss_limit_mb bounds the whole process
#   the run stops after SECONDS (-max_total_time), and `timeout` kills it 60 s later whatever
#   happens; one input taking more than 10 s is a finding (-timeout)
#   FUZZ_SLOW_MS (default 100): an input the router takes longer than this on (in this debug,
#                    AddressSanitizer build) is kept as artifacts/slow-* and reported as
#                    "SLOW INPUT" (libFuzzer's own -report_slow_units counts whole seconds only)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/ensure-dependencies.sh
cd Fuzz
swift build -c debug --scratch-path ../.build-fuzz -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -E "error|Compiling|Build" | tail -3
mkdir -p artifacts work
cp -n corpus/* work/ 2>/dev/null || true
FUZZ_SLOW_MS=${FUZZ_SLOW_MS:-100} timeout $((seconds + 60)) ../.build-fuzz/debug/ScoringFuzzer work -dict=extremes.dict \
    -max_total_time="$seconds" -max_len=409600 -malloc_limit_mb=2048 -rss_limit_mb=4096 -timeout=10 \
    -artifact_prefix=artifacts/ -print_final_stats=1 2>&1 | grep -E "^(Done|stat::)|ERROR|SUMMARY|crash|Test unit written|Fatal|malloc|SLOW INPUT"
