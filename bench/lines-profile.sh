#!/usr/bin/env bash
# Where a JSON Lines stream's CPU goes: `perf record -g` on a THREADS=1 release server pinned to
# core 0 while curl, on core 1, uploads bench/out/large.ndjson (made by bench/lines.sh) 8 times;
# then the shares by library and by symbol. Usage: bench/lines-profile.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/release/cross-entropy-service}
payload=bench/out/large.ndjson
[ -f "$payload" ] || { echo "run bench/lines.sh first (it writes $payload)" >&2; exit 1; }
out=$(mktemp -d)
THREADS=1 LOG_LEVEL=warning taskset -c 0 "$binary" --host 127.0.0.1 --port 0 >"$out/listening" 2>/dev/null &
server=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$out/listening" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$out/listening")/cce/lines"
upload() { taskset -c 1 curl -s -o /dev/null -w '%{time_total} s\n' -H 'Content-Type: application/x-ndjson' --data-binary @"$payload" "$url"; }
upload >/dev/null  # warm-up
perf record -g -o "$out/perf.data" -p "$server" 2>/dev/null &
recorder=$!
sleep 0.5
for _ in 1 2 3 4 5 6 7 8; do upload; done
kill -INT "$recorder"; wait "$recorder" || true
kill "$server"; wait "$server" 2>/dev/null || true
perf report -i "$out/perf.data" --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
perf report -i "$out/perf.data" --no-children --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 | cut -c1-140
rm -rf "$out"
