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

if [ "${1:-}" = "--check" ]; then
    bench/build-program.sh RouterBench bench/router/main.swift "$root" debug ScoringServer HTTPTransport >/dev/null
    echo "bench/router: builds"
    exit 0
fi
for rev in "$1" "$2"; do
    dir=$root/.build-ab/$(git rev-parse --short "$rev")
    [ -d "$dir" ] || git worktree add --detach "$dir" "$rev" >/dev/null 2>&1
    binary=$(bench/build-program.sh RouterBench bench/router/main.swift "$dir" release ScoringServer HTTPTransport)
    echo "== $rev ($(git rev-parse --short "$rev"))"
    "$binary"
done
