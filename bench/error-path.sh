#!/usr/bin/env bash
# The error path against the parse (issue 16), over HTTP for two revisions side by side, each a
# release build (bench/revision-binary.sh): milliseconds to answer an 11 KB body whose
# `convention` cannot be read (a lone surrogate) beside an unknown member holding 5,000 zeros
# nested 500 deep, and the same body with a readable string, for eight member names (the old
# error path walked members in the order of a randomly seeded dictionary, so its cost depended
# on the name and the process). Over HTTP rather than through the router, so that any revision
# can be measured whatever its Swift API.
# Usage: bench/error-path.sh REV_A REV_B    e.g. bench/error-path.sh a4e3c90 HEAD
# An old revision (before the re-walk was removed) may take tens of seconds a request.
set -euo pipefail
cd "$(dirname "$0")/.."
for rev in "$1" "$2"; do
    binary=$(bench/revision-binary.sh "$rev")
    out=$(mktemp)
    "$binary" --host 127.0.0.1 --port 0 --log-level error >"$out" &
    pid=$!
    for _ in $(seq 1 100); do grep -q '^listening on' "$out" && break; sleep 0.1; done
    echo "== $rev ($(git rev-parse --short "$rev"))"
    python3 bench/error_path.py "$(sed -n 's/^listening on //p' "$out")" || true
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$out"
done
